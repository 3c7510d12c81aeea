"""``python -m proxy datamap --config DIR --format csv|json|html``: the records of processing
from the files alone (no running proxy), for CI and audits; and the admin token of the data map.

The output is what the admin listener's ``/datamap.csv``, ``/datamap.json`` and ``/datamap``
show, without the live evidence (``evidence`` is null in the JSON; the page has no evidence
table). ``--fail-on-warnings`` exits 1 when the map has warnings, for a CI gate.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from proxy.config.datamap import build_datamap
from proxy.config.datamap_export import to_csv, to_json
from proxy.config.loader import LoadedConfig
from proxy.config.problems import INVALID_CONFIG, load_or_report
from proxy.contract.secrets import SecretMissing, read_secret
from proxy.errors import ConfigError
from proxy.server.datamap_html import render_page


def admin_token(config: LoadedConfig) -> bytes | None:
    """``admin.token`` read from its source, or None when not configured (data map off)."""
    source = config.settings.admin.token
    if source is None:
        return None
    try:
        token = read_secret(source)
    except SecretMissing as exc:
        raise ConfigError([f"{config.directory}/proxy.yaml: admin.token: {exc}"]) from None
    if len(token) < 16:
        raise ConfigError([f"{config.directory}/proxy.yaml: admin.token: at least 16 bytes"])
    return token


def render(config: LoadedConfig, fmt: str, generated_at: str | None = None) -> str:
    """The data map of ``config`` in ``fmt`` (csv, json or html)."""
    data_map = build_datamap(config)
    when = generated_at or datetime.now(UTC).isoformat(timespec="seconds")
    if fmt == "csv":
        return to_csv(data_map)
    if fmt == "json":
        return to_json(data_map, None, when).decode() + "\n"
    return render_page(data_map, when, inline_css=True)


def cmd_datamap(args: argparse.Namespace) -> int:
    config = load_or_report(args.config)
    if config is None:
        return INVALID_CONFIG
    text = render(config, args.format)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8", newline="")
    else:
        sys.stdout.write(text)
    warnings = build_datamap(config).warnings
    for warning in warnings:
        print(f"warning: {warning.message}", file=sys.stderr)
    return 1 if warnings and args.fail_on_warnings else 0


def add_datamap_command(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``datamap`` on the command line's subparsers."""
    datamap = sub.add_parser("datamap", help="records of processing (GDPR Art. 30) from the "
                             "files: csv, json or html")
    datamap.add_argument("--config", required=True)
    datamap.add_argument("--format", choices=["csv", "json", "html"], default="csv")
    datamap.add_argument("--output", default=None, help="write here (default stdout)")
    datamap.add_argument("--fail-on-warnings", action="store_true",
                         help="exit 1 when the map has warnings (a CI gate)")
    datamap.set_defaults(func=cmd_datamap)
