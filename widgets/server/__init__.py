"""The kit's own web server: Voila, with a token, a Host check and calm start-up lines.

Only the server process imports this package; live app kernels never do.
"""
