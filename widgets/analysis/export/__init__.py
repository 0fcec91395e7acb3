"""analysis/export: see the modules below."""
