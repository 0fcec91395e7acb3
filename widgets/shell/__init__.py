"""shell: see the modules below."""
