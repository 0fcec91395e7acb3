"""instrument: see the modules below."""
