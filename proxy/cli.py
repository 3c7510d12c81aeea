"""Command line: ``serve`` runs the proxy, ``check`` validates a config directory.

    python -m proxy serve --config DIR [--host H] [--port P] [--upstream-override VENDOR=URL]
    python -m proxy check --config DIR
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
import time

from aiohttp import web

from proxy.audit import open_sink
from proxy.contract_loader import LoadedConfig, load_config
from proxy.errors import ConfigError
from proxy.logs import setup_logging
from proxy.server import build_app, build_pseudonymizer

log = logging.getLogger("proxy.cli")


def _parse_overrides(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        name, sep, url = item.partition("=")
        if not sep or not url.startswith(("http://", "https://")):
            raise SystemExit(f"--upstream-override {item!r}: write VENDOR=http://host:port "
                             "(or *=URL for every vendor)")
        out[name] = url
    return out


def _print_problems(problems: list[str]) -> None:
    print(f"{len(problems)} problem(s) in the configuration:", file=sys.stderr)
    for line in problems:
        print(f"  - {line}", file=sys.stderr)


def cmd_check(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        _print_problems(exc.problems)
        return 1
    routes = sum(len(v.routes) for v in config.vendors.values())
    try:
        build_pseudonymizer(config)
    except ConfigError as exc:  # a deployment matter, not a contract error: warn only
        print(f"warning: {exc.problems[0]}", file=sys.stderr)
    print(f"OK: {len(config.vendors)} vendor contract(s), {routes} route(s), "
          f"version {config.version}: {', '.join(sorted(config.vendors))}")
    return 0


async def _serve(config: LoadedConfig, host: str, port: int, overrides: dict[str, str]) -> None:
    from recognizers import DetectionPool  # imported here: `check` must not load the engine

    started = time.perf_counter()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    audit = open_sink(config.settings.audit.sink)
    pool = DetectionPool(config.settings.analyzer)
    runner: web.AppRunner | None = None
    try:
        await pool.start()
        app = build_app(config, pool, audit, upstream_overrides=overrides)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        server = site._server  # the bound port, when --port 0 asked for any free one
        bound = server.sockets[0].getsockname()[1] if server else port  # type: ignore[union-attr]
        log.info("ready", extra={"listen": f"{host}:{bound}", "vendors": sorted(config.vendors),
                                 "contract_version": config.version,
                                 "workers": pool.worker_count,
                                 "startup_s": round(time.perf_counter() - started, 3)})
        await stop.wait()
    finally:
        log.info("stopping")
        if runner is not None:
            await runner.cleanup()
        await pool.close()
        audit.close()


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
        build_pseudonymizer(config)
    except ConfigError as exc:
        _print_problems(exc.problems)
        print("refusing to start on an invalid configuration", file=sys.stderr)
        return 2
    host = args.host or config.settings.listen.host
    port = args.port if args.port is not None else config.settings.listen.port
    asyncio.run(_serve(config, host, port, _parse_overrides(args.upstream_override)))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m proxy", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the proxy")
    serve.add_argument("--config", required=True, help="directory with proxy.yaml and vendors/")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--upstream-override", action="append", default=[], metavar="VENDOR=URL",
                       help="send a vendor's traffic elsewhere (local testing); *=URL for all")
    serve.add_argument("--log-level", default="INFO")
    serve.set_defaults(func=cmd_serve)
    check = sub.add_parser("check", help="validate contracts and settings, then exit")
    check.add_argument("--config", required=True)
    check.set_defaults(func=cmd_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(getattr(args, "log_level", "INFO"))
    return int(args.func(args))
