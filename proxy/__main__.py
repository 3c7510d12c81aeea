"""``python -m proxy``: see ``proxy.cli``."""

from proxy.cli import main

raise SystemExit(main())
