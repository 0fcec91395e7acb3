"""``python -m widgets.analysis.export``: the program export."""

from widgets.analysis.export.cli import main

raise SystemExit(main())
