"""The live meeting: ``app`` (the page) opens a ``session`` (one engagement's meeting:
drafts, autosave, End), drawn by ``screen``, ``sections`` and ``views``; the clock is
``timer`` (pure, from stored timestamps) rendered by ``clock_html``; ``plan`` says which
parts run, ``rows`` what End saves, ``card`` the facilitator card, ``followup`` meeting 2's
memory of meeting 1.
"""
