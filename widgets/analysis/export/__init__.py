"""The program export: ``program`` (``export_program``), ``redact``, ``cells``,
``datapackage``, and ``cli`` behind ``python -m widgets.analysis.export``."""
