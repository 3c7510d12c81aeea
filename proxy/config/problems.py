"""How every command loads a configuration and says what is wrong with it.

One format (a count, then one line per problem naming the file, the contract, the key and what
to do) and one exit code for an invalid configuration, ``INVALID_CONFIG`` (2), in ``serve``,
``check``, ``explain``, ``demo`` and the policy commands. Other failures of a command (a file it
cannot read, a payload that does not fit) exit 1.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from proxy.config.loader import LoadedConfig, load_config
from proxy.errors import ConfigError

INVALID_CONFIG = 2


def report_problems(problems: list[str], stream: TextIO | None = None) -> None:
    """Print ``problems`` in the one format commands use."""
    out = stream if stream is not None else sys.stderr
    print(f"{len(problems)} problem(s) in the configuration:", file=out)
    for line in problems:
        print(f"  - {line}", file=out)


def load_or_report(directory: str | Path) -> LoadedConfig | None:
    """The loaded configuration, or None after printing its problems (exit ``INVALID_CONFIG``)."""
    try:
        return load_config(directory)
    except ConfigError as exc:
        report_problems(exc.problems)
        return None
