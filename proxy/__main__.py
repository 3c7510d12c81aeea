"""``python -m proxy``: see ``proxy.tools.cli``.

Guarded because detection workers use the ``spawn`` start method, which re-imports the main
module in every worker; without the guard each worker would run the CLI again.
"""

from proxy.tools.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
