"""``make demo``: watch the proxy clean one request full of PII, then try it yourself.

    python -m proxy.tools.demo --config config [--port 8080] [--vendor-port 9099] [--rounds 30]
                               [--once]

What it does, on 127.0.0.1 only (nothing else is contacted):

1. sets ``PROXY_PSEUDONYMIZE_KEY`` to a fixed, public demo value if it is not set;
2. starts a recording stand-in vendor (``proxy.testing.RecordingVendor``);
3. loads the contracts, warms the detection workers and serves the proxy in front of the vendor;
4. sends one SendGrid-shaped request full of PII to ``/mailer/v3/mail/send``;
5. shows what the service sent next to what the vendor received, the audit record, and a legend;
   then one streamed model-API request to a fake model vendor (``proxy.tools.demo_llm``): the
   prompt, the placeholders the vendor received, the restored answer, the audit's ``llm`` part;
6. measures the latency the proxy adds (same request, direct vs. through the proxy);
7. keeps serving until Ctrl-C (unless ``--once``); from then on the vendor prints every request
   it receives and the audit sink every record. During steps 4-6 both stay quiet, because step 5
   shows the same exchange side by side and step 6 would print dozens of identical requests.

PII on screen: showing the values before and after is the whole point of this program, so it
prints them, on the terminal only. It is a teaching tool with made-up data; nothing here logs or
stores values, and the proxy itself never does (its audit records hold paths and counts only).

The detection pool spawns worker processes that re-import the main module, so everything runs
from ``main()`` under ``if __name__ == "__main__":``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import signal
import statistics
import sys
import time
from typing import Any

import aiohttp
from aiohttp import web

from proxy.config.loader import LoadedConfig, load_config
from proxy.config.problems import INVALID_CONFIG, report_problems
from proxy.errors import ConfigError
from proxy.fake_model import FakeModel
from proxy.observe.logs import setup_logging
from proxy.server.app import build_app
from proxy.server.protocol import make_runner
from proxy.testing import ReceivedRequest, RecordingVendor
from proxy.tools.demo_datamap import DEFAULT_PORT, start_datamap
from proxy.tools.demo_llm import (
    MODEL_ANSWER_WORDS,
    model_overrides,
    show_llm_exchange,
    start_model_vendor,
    with_demo_state,
)
from proxy.tools.demo_view import (
    Style,
    body_as_text,
    exchange_view,
    indent_block,
    print_audit_and_legend,
    print_comparison,
    say,
)

DEMO_SECRET_ENV = "PROXY_PSEUDONYMIZE_KEY"
DEMO_SECRET = "demo-only-pseudonymization-key-0123456789"  # public on purpose: demo only
DEMO_VAULT_ENV = "PROXY_VAULT_KEY"  # seals the placeholders of the model-API contracts
DEMO_VAULT_KEY = "demo-only-vault-key-0123456789abcdef"
ROUTE_PATH = "/mailer/v3/mail/send"
VENDOR_PATH = "/v3/mail/send"
WARM_UP_ROUNDS = 3



# -- the example request -------------------------------------------------------------------------

def example_headers() -> dict[str, str]:
    """Headers an internal service typically sends: only ``Authorization`` is in the contract."""
    return {
        "Content-Type": "application/json",
        "Authorization": "Bearer demo-key",
        "Cookie": "session=5f2b9c0e71d4; theme=dark",
        "X-Internal-User": "jsmith@corp.example",
    }


def example_body() -> dict[str, Any]:
    """A SendGrid-shaped mail with PII in free text and fields the contract does not list."""
    return {
        "personalizations": [
            {"to": [{"email": "maria.gonzalez@example.com", "name": "Maria Gonzalez"}]}
        ],
        "from": {"email": "orders@shop.example", "name": "Example Shop"},
        "subject": "Maria Gonzalez, your order 10442 shipped - questions? call 212-555-0198",
        "content": [
            {
                "type": "text/plain",
                "value": (
                    "Hi Maria Gonzalez, thanks for your order! We charged your card "
                    "4111 1111 1111 1111. Our agent David Miller verified your SSN 536-22-8147 "
                    "and will deliver to 742 Evergreen Terrace, Springfield, IL 62704. "
                    "Questions? Call him at (415) 555-0134 or write to maria.g@example.net."
                ),
            }
        ],
        "categories": ["order"],
        "custom_args": {
            "customer_id": "cus_8842",
            "internal_note": "VIP - complained twice, offer 20% refund",
        },
        "customer": {
            "id": "cus_8842",
            "date_of_birth": "1984-03-12",
            "ssn": "536-22-8147",
            "ip_address": "203.0.113.42",
            "loyalty_tier": "gold",
        },
    }


def curl_example(port: int) -> str:
    """A single-line curl that posts a small body with PII through the proxy."""
    body = {
        "personalizations": [{"to": [{"email": "maria@example.com", "name": "Maria Gonzalez"}]}],
        "subject": "Hi Maria Gonzalez, call us at 212-555-0143",
        "content": [{"type": "text/plain",
                     "value": "Card 4111 1111 1111 1111 on file, ship to Maria Gonzalez in Boston"}],
        "custom_args": {"customer_id": "cus_42", "internal_note": "VIP"},
    }
    payload = json.dumps(body, separators=(",", ":"))
    return (f"curl -sS http://127.0.0.1:{port}{ROUTE_PATH} "
            f"-H 'Content-Type: application/json' -d '{payload}'")


async def mailer_responder(_: web.Request, received: ReceivedRequest) -> web.StreamResponse:
    """Answer like the mail API: a message id in the body and in ``X-Message-Id``."""
    message_id = f"msg_{len(received.body):05d}"
    return web.json_response({"message_id": message_id, "status": "queued"},
                             headers={"X-Message-Id": message_id})


# The demo's own client sends only the headers it shows (no automatic Accept / User-Agent).
CLIENT_SKIP_AUTO_HEADERS = ("Accept", "Accept-Encoding", "User-Agent")


# -- printing sinks ------------------------------------------------------------------------------

class DemoAuditSink:
    """Keeps every audit record; prints it (pretty, dimmed) while ``live`` is on."""

    def __init__(self, style: Style) -> None:
        self.records: list[dict[str, Any]] = []
        self.live = False
        self._style = style

    def write(self, record: dict[str, Any]) -> None:
        self.records.append(record)
        if self.live:
            say(self._style("audit record:", "cyan"))
            say(self._style(json.dumps(record, indent=2), "dim"))

    def close(self) -> None:
        pass


class VendorEcho:
    """Prints each request the demo vendor receives, while ``live`` is on."""

    def __init__(self, style: Style) -> None:
        self.live = False
        self._style = style

    def __call__(self, received: ReceivedRequest) -> None:
        if not self.live:
            return
        say(self._style(f"vendor received: {received.method} {received.path}", "green", "bold"))
        for name, value in received.headers.items():
            say(f"  {name}: {value}")
        say(indent_block(body_as_text(received.body), "  "))


# -- latency -------------------------------------------------------------------------------------

def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


async def timed_post(session: aiohttp.ClientSession, url: str, headers: dict[str, str],
                     body: bytes) -> float:
    """Milliseconds for one POST, response body read; raises if the answer is not 2xx."""
    started = time.perf_counter()
    async with session.post(url, data=body, headers=headers) as resp:
        await resp.read()
        resp.raise_for_status()
    return (time.perf_counter() - started) * 1000


async def measure_latency(proxy_url: str, vendor_url: str, rounds: int,
                          audit: DemoAuditSink, style: Style) -> None:
    """Same request direct and through the proxy, alternating; print median / p90 / difference."""
    headers = example_headers()
    body = json.dumps(example_body()).encode()
    direct: list[float] = []
    proxied: list[float] = []
    first_record = len(audit.records)
    async with aiohttp.ClientSession(skip_auto_headers=CLIENT_SKIP_AUTO_HEADERS) as session:
        for i in range(WARM_UP_ROUNDS + rounds):
            d = await timed_post(session, vendor_url + VENDOR_PATH, headers, body)
            p = await timed_post(session, proxy_url + ROUTE_PATH, headers, body)
            if i >= WARM_UP_ROUNDS:
                direct.append(d)
                proxied.append(p)
    detection = [r["detection_ms"] for r in audit.records[first_record + WARM_UP_ROUNDS:]
                 if r.get("detection_ms") is not None]
    say(style(f"ADDED LATENCY ({rounds} rounds after {WARM_UP_ROUNDS} warm-up, "
              "same request, alternating, one at a time)", "bold"))
    say(f"  direct to vendor : median {statistics.median(direct):7.2f} ms   "
        f"p90 {percentile(direct, 0.9):7.2f} ms")
    say(f"  through the proxy: median {statistics.median(proxied):7.2f} ms   "
        f"p90 {percentile(proxied, 0.9):7.2f} ms")
    added = statistics.median(proxied) - statistics.median(direct)
    say(style(f"  added latency    : median {added:7.2f} ms", "bold")
        + (f"   (of which detection in the workers: median "
           f"{statistics.median(detection):.2f} ms)" if detection else ""))
    say(style("  a rough single-client figure on this machine; the benchmark harness measures "
              "load properly", "dim"))


# -- the demo ------------------------------------------------------------------------------------

def ensure_demo_secret(style: Style) -> None:
    for name, value in ((DEMO_SECRET_ENV, DEMO_SECRET), (DEMO_VAULT_ENV, DEMO_VAULT_KEY)):
        if not os.environ.get(name):
            os.environ[name] = value
            say(style(f"note: {name} set to a fixed, public DEMO secret; "
                      "never use it outside this demo", "yellow"))


async def start_proxy(config: LoadedConfig, pool: Any, audit: DemoAuditSink,
                      overrides: dict[str, str], port: int) -> tuple[web.AppRunner, int]:
    """Serve the proxy on 127.0.0.1:port (0 = a free port); return the runner and the port."""
    app = build_app(config, pool, audit, upstream_overrides=overrides)
    runner = make_runner(app, config.settings.limits)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", port).start()
    except BaseException:
        await runner.cleanup()  # closes the upstream client that setup() started
        raise
    return runner, int(runner.addresses[0][1])


async def show_one_exchange(proxy_url: str, vendor: RecordingVendor, audit: DemoAuditSink,
                            style: Style) -> bool:
    """Send the example through the proxy and show both sides; False if it did not get through."""
    headers, body = example_headers(), example_body()
    before = len(vendor.received)
    say(style(f"sending one mail with PII: POST {proxy_url}{ROUTE_PATH}", "cyan"))
    async with aiohttp.ClientSession(skip_auto_headers=CLIENT_SKIP_AUTO_HEADERS) as session, \
            session.post(
        proxy_url + ROUTE_PATH, data=json.dumps(body).encode(), headers=headers
    ) as resp:
        answer = await resp.read()
        status = resp.status
    say(f"the service got back: {status} {answer.decode(errors='replace')}")
    say()
    if len(vendor.received) == before:
        say(style("the proxy did not forward the request (see its answer above); "
                  "nothing reached the vendor", "red", "bold"))
        if audit.records:
            say(json.dumps(audit.records[-1], indent=2))
        return False
    got = vendor.received[-1]
    print_comparison(exchange_view(headers, body), exchange_view(got.headers, got.json()), style)
    say()
    if audit.records:
        print_audit_and_legend(audit.records[-1], style)
    say()
    return True


def stop_on_signals() -> None:
    """SIGINT / SIGTERM cancel the running demo task, whatever step it is in; cleanup follows."""
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, task.cancel)


async def run(args: argparse.Namespace) -> int:
    """Steps 1-7; every resource started here is stopped in the ``finally`` blocks."""
    from recognizers import DetectionPool  # spaCy/Presidio load only in the workers

    stop_on_signals()
    style = Style.for_stdout()
    started = time.perf_counter()
    ensure_demo_secret(style)
    config = with_demo_state(load_config(args.config))  # SQLite stores under .demo/

    echo = VendorEcho(style)
    vendor = RecordingVendor(responder=mailer_responder, on_request=echo)
    await vendor.start(args.vendor_port)
    audit = DemoAuditSink(style)
    model = FakeModel(answer_tokens=MODEL_ANSWER_WORDS)
    pool = DetectionPool(config.settings.analyzer)
    runner: web.AppRunner | None = None
    admin: web.AppRunner | None = None
    try:
        say(f"demo vendor listening on {vendor.url} (records what it receives; prints it live "
            "after the walkthrough)")
        say(f"warming detection workers ({pool.worker_count}, model "
            f"{config.settings.analyzer.model})...")
        await pool.start()
        await start_model_vendor(model, style)
        overrides = {"*": vendor.url, **model_overrides(config, model.url)}
        runner, port = await start_proxy(config, pool, audit, overrides, args.port)
        proxy_url = f"http://127.0.0.1:{port}"
        say(style(f"proxy ready on {proxy_url} in {time.perf_counter() - started:.2f} s "
                  f"(contracts: {', '.join(sorted(config.vendors))}; version {config.version})",
                  "green", "bold"))
        admin = await start_datamap(runner.app, config, pool, DEFAULT_PORT if args.port else 0,
                                    style)
        if not await show_one_exchange(proxy_url, vendor, audit, style):
            return 1
        if not await show_llm_exchange(proxy_url, config, model, audit.records, style):
            return 1
        await measure_latency(proxy_url, vendor.url, args.rounds, audit, style)
        say()
        if args.once:
            return 0
        echo.live = audit.live = True
        say(style("try it yourself (paste in another terminal):", "bold"))
        say(curl_example(port))
        say(style("the demo vendor prints what it receives; Ctrl-C to stop", "cyan"))
        await asyncio.Event().wait()  # serve until a signal cancels this task
        return 0
    except asyncio.CancelledError:
        say("stopping...")
        return 0
    finally:
        for each in (admin, runner):
            if each is not None:
                await each.cleanup()
        await pool.close()
        await model.stop()
        await vendor.stop()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m proxy.tools.demo",
        description="Show the proxy cleaning a request full of PII on its way to a demo vendor.")
    parser.add_argument("--config", default="config", help="directory with proxy.yaml, vendors/")
    parser.add_argument("--port", type=int, default=8080, help="proxy port (0: any free port)")
    parser.add_argument("--vendor-port", type=int, default=9099,
                        help="demo vendor port (0: any free port)")
    parser.add_argument("--rounds", type=int, default=30, help="latency rounds (after warm-up)")
    parser.add_argument("--once", action="store_true",
                        help="exit after the showcase and the latency numbers instead of serving")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.rounds < 1:
        raise SystemExit("--rounds must be at least 1")
    setup_logging("WARNING")
    try:
        return asyncio.run(run(args))
    except ConfigError as exc:
        report_problems(exc.problems)
        return INVALID_CONFIG
    except OSError as exc:  # typically a port already in use
        print(f"cannot start the demo: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C in the instant before the handlers are installed
        return 0


if __name__ == "__main__":
    sys.exit(main())
