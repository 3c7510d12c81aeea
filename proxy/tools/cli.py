"""Command line: ``serve`` runs the proxy, ``check`` validates a config directory.

    python -m proxy serve --config DIR [--host H] [--port P] [--upstream-override VENDOR=URL]
    python -m proxy check --config DIR
    python -m proxy explain --config DIR --vendor V --route 'POST /path' --payload FILE [--json]
    python -m proxy suggest --traffic FILE.ndjson [--vendor NAME --upstream URL]
    python -m proxy schema [--write | --check]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
import time
from contextlib import AsyncExitStack

from aiohttp import web

from proxy.config.loader import LoadedConfig, load_config
from proxy.config.problems import INVALID_CONFIG, load_or_report, report_problems
from proxy.contract.models import Action
from proxy.errors import ConfigError
from proxy.exchange.credentials import CredentialStore
from proxy.observe.audit import open_sink
from proxy.observe.audit_trail import AuditTrail
from proxy.observe.logs import setup_logging
from proxy.observe.metrics import ProxyMetrics
from proxy.server.admin import AdminState, build_admin_app
from proxy.server.app import LIVE_KEY, POLICY_KEY, build_app, build_pseudonymizer
from proxy.server.listeners import ListenerError, start_listener
from proxy.server.loop import run as run_loop
from proxy.server.loop import settle_gc
from proxy.server.loop_lag import LoopLagMonitor
from proxy.server.protocol import make_runner
from proxy.server.reload import ConfigReloader
from proxy.tools.datamap_cli import add_datamap_command, admin_token
from proxy.tools.policy_cli import add_policy_commands, start_policy_admin
from recognizers.settings import AnalyzerSettings

log = logging.getLogger("proxy.tools.cli")


def _parse_overrides(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        name, sep, url = item.partition("=")
        if not sep or not url.startswith(("http://", "https://")):
            raise SystemExit(f"--upstream-override {item!r}: write VENDOR=http://host:port "
                             "(or *=URL for every vendor)")
        out[name] = url
    return out


def cmd_check(args: argparse.Namespace) -> int:
    config = load_or_report(args.config)
    if config is None:
        return INVALID_CONFIG
    routes = sum(len(v.routes) for v in config.vendors.values())
    try:
        build_pseudonymizer(config)
    except ConfigError as exc:  # a deployment matter, not a contract error: warn only
        print(f"warning: {exc.problems[0]}", file=sys.stderr)
    for line in config.warnings:
        print(f"warning: {line}", file=sys.stderr)
    print(f"OK: {len(config.vendors)} vendor contract(s), {routes} route(s), "
          f"version {config.version}: {', '.join(sorted(config.vendors))}")
    if config.partners:
        from proxy.exchange.partner import read_api_keys

        try:
            read_api_keys(config.partners)
        except ConfigError as exc:  # secrets are a deployment matter: warn only
            for line in exc.problems:
                print(f"warning: {line}", file=sys.stderr)
        partner_routes = sum(len(p.vendor.routes) for p in config.partners.values())
        print(f"OK: {len(config.partners)} partner contract(s), {partner_routes} route(s): "
              f"{', '.join(sorted(config.partners))}")
    return 0


_DETECTING = frozenset({Action.REDACT, Action.PLACEHOLDER})  # rules whose text is detected


def analyzer_settings_for(config: LoadedConfig) -> AnalyzerSettings:
    """The analyzer settings with ``entities`` = what the contracts' redact and placeholder
    rules ask for.

    The union of the ``entities`` of every such rule; None (every entity) if any names none.
    Recognizers no contract needs are then not built, so they cost nothing.
    """
    # Custom recognizers of every contract, named vendor/name so two contracts cannot clash.
    custom = tuple(spec.qualified(name) for name, vendor in sorted(config.vendors.items())
                   for spec in vendor.contract.detection.recognizers)
    analyzer = config.settings.analyzer.model_copy(update={"custom_recognizers": custom})
    wanted: set[str] = {spec.entity for spec in custom}
    if any(v.contract.detection.deny_list for v in config.vendors.values()):
        wanted.add("DENIED_TERM")
    partner_vendors = [p.vendor for p in config.partners.values()]  # proxy.exchange.partner
    for vendor in [*config.vendors.values(), *partner_vendors]:
        for route in vendor.routes:
            for rule in route.route.iter_rules():
                if rule.action not in _DETECTING:
                    continue
                if rule.entities is None:
                    return analyzer
                wanted.update(rule.entities)
    return analyzer.model_copy(update={"entities": tuple(sorted(wanted))})


def partner_key_problems(running: LoadedConfig, new: LoadedConfig) -> list[str]:
    """Partner keys of ``new`` that cannot be read (only when the partner listener runs)."""
    if not running.settings.partners.enabled:
        return []
    from proxy.exchange.partner import read_api_keys

    try:
        read_api_keys(new.partners)
    except ConfigError as exc:
        return exc.problems
    return []


def entities_problems(running: tuple[str, ...] | None, new: LoadedConfig) -> list[str]:
    """Why the running detection workers cannot serve ``new`` (they load recognizers at start)."""
    if running is None:
        return []  # the workers know every entity type
    wanted = analyzer_settings_for(new).entities
    missing = sorted(set(wanted or ()) - set(running)) if wanted is not None else ["(all types)"]
    if not missing:
        return []
    return [f"{new.directory}: the new contracts redact entity types the running detection "
            f"workers were not started for ({', '.join(missing)}); restart the proxy to apply "
            "them"]


async def _serve(config: LoadedConfig, host: str, port: int, overrides: dict[str, str],
                 admin_port: int | None = None) -> None:
    from recognizers import DetectionPool  # imported here: `check` must not load the engine

    started = time.perf_counter()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    metrics = ProxyMetrics()
    async with AsyncExitStack() as stack:  # stops everything in the reverse order of start
        loop_lag = LoopLagMonitor()
        metrics.watch_loop_lag(loop_lag)
        loop_lag.start()
        stack.push_async_callback(loop_lag.stop)
        audit_settings = config.settings.audit
        audit = AuditTrail(open_sink(audit_settings.sink, audit_settings.fsync,
                                     audit_settings.fsync_interval_s), name=audit_settings.sink)
        stack.callback(audit.close)
        pool = DetectionPool(analyzer_settings_for(config))
        stack.push_async_callback(pool.close)
        admin = AdminState(metrics=metrics, detector=pool, config=config, audit=audit,
                           token=admin_token(config))
        listening: dict[str, str | None] = {"admin": None, "policy_admin": None,
                                            "partners": None}
        admin_settings = config.settings.admin
        if admin_settings.enabled:  # up first: /healthz answers while the workers warm
            listening["admin"] = await start_listener(
                stack, web.AppRunner(build_admin_app(admin), access_log=None,
                                     handle_signals=False),
                "admin listener", admin_settings.host,
                admin_port if admin_port is not None else admin_settings.port, "admin.port")
        await pool.start()
        app = build_app(config, pool, audit, upstream_overrides=overrides, metrics=metrics,
                        draining=admin.draining)
        policy_admin = await start_policy_admin(app[POLICY_KEY], config)
        if policy_admin is not None:
            stack.push_async_callback(policy_admin[0].cleanup)
            listening["policy_admin"] = policy_admin[1]
        app[LIVE_KEY].on_swap.append(lambda loaded: setattr(admin, "config", loaded))
        reloader = ConfigReloader(app[LIVE_KEY], check=lambda new: entities_problems(
            analyzer_settings_for(config).entities, new) + partner_key_problems(config, new))
        listen = await start_listener(stack, make_runner(app, config.settings.limits),
                                      "proxy listener", host, port, "listen.port (or --port)")
        reloader.start()
        stack.push_async_callback(reloader.stop)
        if config.settings.partners.enabled:  # partners calling our APIs (proxy.exchange.partner)
            listening["partners"] = await _start_partners(stack, config, pool, audit, app,
                                                          metrics, overrides)
        stack.callback(admin.start_draining)  # the first step of stopping: readiness false
        stack.callback(log.info, "stopping")
        settle_gc()
        log.info("ready", extra={"listen": listen, **listening,
                                 "vendors": sorted(config.vendors),
                                 "contract_version": config.version,
                                 "workers": pool.worker_count,
                                 "startup_s": round(time.perf_counter() - started, 3)})
        await stop.wait()


async def _start_partners(stack: AsyncExitStack, config: LoadedConfig, pool: object,
                          audit: AuditTrail, app: web.Application, metrics: ProxyMetrics,
                          overrides: dict[str, str]) -> str:
    """The partner listener, sharing the main app's upstream client, detector, audit, metrics."""
    from proxy.exchange.partner import build_partner_app, server_ssl_context
    from proxy.server.app import UPSTREAM_KEY

    settings = config.settings.partners
    built = build_partner_app(
        config.partners, settings, config.settings.limits, pool, app[UPSTREAM_KEY],  # type: ignore[arg-type]
        audit, build_pseudonymizer(config), config.version, metrics=metrics,
        upstream_overrides=overrides)
    # Hot reload: the partner contracts of each new configuration (keys checked before the swap).
    app[LIVE_KEY].on_swap.append(
        lambda loaded: built.reload(loaded.partners, loaded.version)  # type: ignore[misc]
    )
    return await start_listener(stack, make_runner(built.app, config.settings.limits),
                                "partner listener", settings.host, settings.port,
                                "partners.port", ssl_context=server_ssl_context(settings))


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
        build_pseudonymizer(config)
        CredentialStore.load(config.vendors.values())  # vendor secrets: refuse to start if absent
        if config.settings.partners.enabled and config.partners:
            from proxy.exchange.partner import read_api_keys

            read_api_keys(config.partners)  # partner keys: refuse to start if absent
            for partner in config.partners.values():  # credentials toward our own APIs
                CredentialStore.load([partner.vendor])
        for line in config.warnings:
            log.warning(line)
    except ConfigError as exc:
        report_problems(exc.problems)
        print("refusing to start on an invalid configuration", file=sys.stderr)
        return INVALID_CONFIG
    host = args.host or config.settings.listen.host
    port = args.port if args.port is not None else config.settings.listen.port
    admin_port = args.admin_port
    if admin_port is None and port == 0:
        admin_port = 0  # --port 0 (tests): the admin listener takes a free port too
    try:
        run_loop(_serve(config, host, port, _parse_overrides(args.upstream_override),
                        admin_port))
    except ListenerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from proxy.tools.explain import ExplainError, explain, render_json, render_text, use_colour

    config = load_or_report(args.config)
    if config is None:
        return INVALID_CONFIG
    try:
        with open(args.payload, "rb") as fh:
            body = fh.read()
        result = explain(config, args.vendor, args.route, body, direction=args.direction,
                         content_type=args.content_type)
    except OSError as exc:
        print(f"{args.payload}: cannot read: {exc.strerror}", file=sys.stderr)
        return 1
    except ExplainError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        sys.stdout.write(render_json(result))
    else:
        sys.stdout.write(render_text(result, colour=use_colour(sys.stdout)))
    return 0


def cmd_suggest(args: argparse.Namespace) -> int:
    from proxy.tools.suggest import SuggestError, suggest_from_file

    try:
        text = suggest_from_file(args.traffic, vendor=args.vendor, upstream=args.upstream,
                                 use_ner=not args.no_ner)
    except OSError as exc:
        print(f"{args.traffic}: cannot read: {exc.strerror}", file=sys.stderr)
        return 1
    except SuggestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from proxy.config.schema import render_schema, render_schemas

    if args.write:
        for path, text in render_schemas().items():
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
        return 0
    if args.check:
        stale = [path for path, text in render_schemas().items()
                 if not path.exists() or path.read_text(encoding="utf-8") != text]
        for path in stale:
            print(f"{path} is out of date; run: python -m proxy schema --write", file=sys.stderr)
        if stale:
            return 1
        print("the contract schemas are up to date")
        return 0
    sys.stdout.write(render_schema())
    return 0


def cmd_audit_reconcile(args: argparse.Namespace) -> int:
    from proxy.observe.audit_reconcile import run

    try:
        return run(args.files)
    except OSError as exc:
        print(f"{exc.filename}: cannot read: {exc.strerror}", file=sys.stderr)
        return 2


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
    serve.add_argument("--admin-port", type=int, default=None,
                       help="port of /metrics, /healthz, /readyz (default: admin.port in "
                       "proxy.yaml; with --port 0, a free port too)")
    serve.add_argument("--log-level", default="INFO")
    serve.set_defaults(func=cmd_serve)
    check = sub.add_parser("check", help="validate contracts and settings, then exit")
    check.add_argument("--config", required=True)
    check.set_defaults(func=cmd_check)
    explain = sub.add_parser("explain", help="show field by field what a contract does to a "
                             "sample payload (real minimizer and detector, no server)")
    explain.add_argument("--config", required=True)
    explain.add_argument("--vendor", required=True)
    explain.add_argument("--route", required=True, help="e.g. 'POST /v3/mail/send'")
    explain.add_argument("--payload", required=True, help="a sample body (JSON file)")
    explain.add_argument("--direction", choices=["request", "response"], default="request")
    explain.add_argument("--content-type", default="application/json")
    explain.add_argument("--json", action="store_true", help="machine-readable output")
    explain.add_argument("--log-level", default="WARNING")
    explain.set_defaults(func=cmd_explain)
    suggest = sub.add_parser("suggest", help="draft a contract from captured traffic (NDJSON "
                             "requests or the proxy's audit lines)")
    suggest.add_argument("--traffic", required=True)
    suggest.add_argument("--vendor", default=None, help="only this vendor; also names the draft")
    suggest.add_argument("--upstream", default=None, help="the vendor's base URL")
    suggest.add_argument("--output", default=None, help="write the YAML here (default stdout)")
    suggest.add_argument("--no-ner", action="store_true",
                         help="flag free text by shape only (skip loading the NER model)")
    suggest.add_argument("--log-level", default="WARNING")
    suggest.set_defaults(func=cmd_suggest)
    schema = sub.add_parser("schema", help="print the JSON Schema of vendor contracts "
                            "(--write/--check: vendor and partner schemas)")
    mode = schema.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="regenerate the committed files")
    mode.add_argument("--check", action="store_true", help="fail if a committed file is stale")
    schema.set_defaults(func=cmd_schema)
    audit = sub.add_parser("audit", help="work with audit files")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    reconcile = audit_sub.add_parser(
        "reconcile", help="list intents without a record (exchanges a crash cut short); exit 1 "
        "if there are any")
    reconcile.add_argument("files", nargs="+", help="audit files (JSON lines)")
    reconcile.set_defaults(func=cmd_audit_reconcile)
    add_policy_commands(sub)  # consent, disclosures (proxy.tools.policy_cli)
    add_datamap_command(sub)  # records of processing from the files (proxy.tools.datamap_cli)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(getattr(args, "log_level", "INFO"))
    return int(args.func(args))
