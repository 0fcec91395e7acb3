"""forms: see the modules below."""
