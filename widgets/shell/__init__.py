"""What every app page shares: reading the page's request (``request``), the page holder
that sends the page at once (``page``), where data goes and training mode (``context``),
the header and training banner (``chrome``), the engagement picker (``picker``), one
background ticker (``ticker``), and the stylesheets (``style``, ``assets/``).
"""
