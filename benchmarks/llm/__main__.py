"""``python -m benchmarks.llm`` (see ``benchmarks.llm.run``)."""

from benchmarks.llm.run import main

raise SystemExit(main())
