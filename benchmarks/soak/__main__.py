"""``python -m benchmarks.soak``: see ``benchmarks.soak.run``."""

from benchmarks.soak.run import main

raise SystemExit(main())
