"""analysis: see the modules below."""
