"""apps/meeting: see the modules below."""
