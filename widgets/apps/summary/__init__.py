"""apps/summary: see the modules below."""
