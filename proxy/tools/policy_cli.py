"""Command line for the privacy policy: consent changes, disclosure reports, the admin listener.

    python -m proxy consent opt-out --config DIR --subject ID --purpose P
    python -m proxy consent opt-in  --config DIR --subject ID --purpose P
    python -m proxy consent erase   --config DIR --subject ID
    python -m proxy consent show    --config DIR --subject ID
    python -m proxy disclosures     --config DIR --subject ID [--json]

They use the stores of ``proxy.yaml`` directly (SQLite file or Redis), so with Redis they act on
every replica at once. ``--subject -`` reads the id from stdin, keeping it out of shell history
and process lists. The id itself is never stored: only its HMAC with the proxy's secret.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

import orjson
from aiohttp import web

from proxy.config.loader import LoadedConfig, load_config
from proxy.config.problems import INVALID_CONFIG, report_problems
from proxy.contract.secrets import SecretMissing, read_secret
from proxy.errors import ConfigError
from proxy.policy.runtime import PolicyRuntime, open_policy_runtime
from proxy.policy.stores import StoreUnavailable


def _subject(args: argparse.Namespace) -> str:
    subject = sys.stdin.readline() if args.subject == "-" else args.subject
    subject = subject.strip()
    if not subject:
        raise SystemExit("--subject: give the subject's id (or '-' to read it from stdin)")
    return subject


def _open(args: argparse.Namespace) -> tuple[LoadedConfig, PolicyRuntime] | None:
    try:
        config = load_config(args.config)
        if config.policy is None:
            raise ConfigError([f"{config.directory}/policy.yaml: not found; consent and "
                               "disclosures need the privacy policy"])
        return config, open_policy_runtime(config, force=True)
    except ConfigError as exc:
        report_problems(exc.problems)
        return None


async def _consent(args: argparse.Namespace, runtime: PolicyRuntime) -> int:
    assert runtime.keys is not None and runtime.consent is not None and runtime.policy
    key = runtime.keys.key(_subject(args))
    if args.action in ("opt-out", "opt-in"):
        purpose = runtime.policy.purpose(args.purpose or "")
        if purpose is None or not purpose.opt_out:
            allowed = ", ".join(p.id for p in runtime.policy.purposes if p.opt_out)
            print(f"error: --purpose: name a purpose that allows opt-out: {allowed}",
                  file=sys.stderr)
            return 1
        if args.action == "opt-out":
            await runtime.consent.opt_out(key, purpose.id)
        else:
            await runtime.consent.opt_in(key, purpose.id)
        print(f"{args.action} recorded for purpose {purpose.id}")
    elif args.action == "erase":
        await runtime.consent.erase(key)
        if runtime.placeholders is not None:  # the model APIs' placeholder mappings go too
            await runtime.placeholders.erase_subject(key)
        print("erasure recorded: no record of this subject will be sent for any purpose that "
              "does not survive erasure; see `disclosures` for the vendors to notify")
    else:
        state = (await runtime.consent.states([key]))[key]
        print(orjson.dumps({"opted_out": sorted(state.opted_out), "erased": state.erased})
              .decode())
    return 0


async def _disclosures(args: argparse.Namespace, runtime: PolicyRuntime) -> int:
    assert runtime.keys is not None and runtime.ledger is not None
    entries = await runtime.ledger.for_subject(runtime.keys.key(_subject(args)))
    rows: list[dict[str, Any]] = [
        {k: v for k, v in e.to_dict().items() if k != "subject"} for e in entries]
    if args.json:
        print(orjson.dumps({"disclosures": rows}).decode())
        return 0
    if not rows:
        print("no disclosures recorded for this subject")
        return 0
    vendors = sorted({r["vendor"] for r in rows})
    print(f"{len(rows)} disclosure(s) to {len(vendors)} vendor(s): {', '.join(vendors)}")
    for vendor in vendors:
        mine = [r for r in rows if r["vendor"] == vendor]
        purposes = sorted({p for r in mine for p in r["purposes"]})
        fields = sorted({f for r in mine for f in r["fields"]})
        print(f"\n{vendor}: purposes {', '.join(purposes)}; first {mine[0]['time']}, "
              f"last {mine[-1]['time']}, {len(mine)} time(s)")
        for name in fields:
            print(f"  {name}")
    return 0


def _run(args: argparse.Namespace, command: Any) -> int:
    opened = _open(args)
    if opened is None:
        return INVALID_CONFIG
    _, runtime = opened

    async def go() -> int:
        try:
            return int(await command(args, runtime))
        except StoreUnavailable:
            print("error: the policy store cannot be used (check stores in proxy.yaml)",
                  file=sys.stderr)
            return 3
        finally:
            await runtime.close()

    return asyncio.run(go())


def cmd_consent(args: argparse.Namespace) -> int:
    return _run(args, _consent)


def cmd_disclosures(args: argparse.Namespace) -> int:
    return _run(args, _disclosures)


def add_policy_commands(sub: Any) -> None:
    """Register ``consent`` and ``disclosures`` on the CLI's subparsers."""
    consent = sub.add_parser("consent", help="record opt-outs and erasure requests, or show them")
    consent.add_argument("action", choices=["opt-out", "opt-in", "erase", "show"])
    consent.add_argument("--config", required=True)
    consent.add_argument("--subject", required=True, help="the subject's id ('-': from stdin)")
    consent.add_argument("--purpose", help="for opt-out / opt-in: a purpose of the policy")
    consent.set_defaults(func=cmd_consent)
    disclosures = sub.add_parser("disclosures", help="which vendors received data about a "
                                 "subject, for which purposes, when, which fields")
    disclosures.add_argument("--config", required=True)
    disclosures.add_argument("--subject", required=True, help="the subject's id ('-': stdin)")
    disclosures.add_argument("--json", action="store_true", help="machine-readable output")
    disclosures.set_defaults(func=cmd_disclosures)


async def start_policy_admin(runtime: PolicyRuntime, config: LoadedConfig,
                             port: int | None = None) -> tuple[web.AppRunner, str] | None:
    """Start the policy admin listener if ``policy_admin.enabled``; ConfigError if it cannot."""
    from proxy.server.policy_admin import build_policy_admin_app

    settings = config.settings.policy_admin
    if not settings.enabled:
        return None
    try:
        token = read_secret(settings.token)
    except SecretMissing as exc:
        raise ConfigError([f"{config.directory}/proxy.yaml: policy_admin.token: {exc}"]) \
            from None
    try:
        app = build_policy_admin_app(runtime, token)
    except ValueError as exc:
        raise ConfigError([f"{config.directory}/proxy.yaml: policy_admin: {exc}"]) from None
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port if port is None else port)
    await site.start()
    server = site._server
    bound = server.sockets[0].getsockname()[1] if server else settings.port  # type: ignore[attr-defined]
    return runner, f"{settings.host}:{bound}"
