"""training: see the modules below."""
