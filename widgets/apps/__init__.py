"""apps: see the modules below."""
