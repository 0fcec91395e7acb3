"""Program-level analysis (pandas): the loader, the metrics, the dashboard, the export.

A load runs down the modules in this order: ``sources`` (which files), ``csv_reader``
(their text), ``long_columns`` (typed), ``cache`` (kept beside the file),
``long_table`` (``load_responses``), ``wide_table`` (``wide_sessions``); then
``filters``, ``metrics`` and ``charts`` answer the program questions, ``dashboard``
shows them, and ``export/`` writes the redacted program dataset.
"""
