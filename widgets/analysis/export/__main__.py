"""``python -m widgets.analysis.export``: the program export."""

from widgets.analysis.export.program import main

raise SystemExit(main())
