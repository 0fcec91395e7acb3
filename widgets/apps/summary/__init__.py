"""The coachee's recap after a debrief: which lines may be offered (``lines``), the
Markdown and printable downloads and private copies (``documents``), and the tick boxes
(``view``).
"""
