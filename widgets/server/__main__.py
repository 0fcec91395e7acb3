"""``python -m widgets.server``: serve the kit's apps (``make run`` and ``make train``)."""

from widgets.server.launch import main

raise SystemExit(main())
