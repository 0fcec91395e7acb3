"""store: see the modules below."""
