"""What the caller gets once the vendor has answered: never a proxy 5xx (unit tests).

The exchange handler runs in an aiohttp test server with a fake upstream client in place of the
network (as httpx's MockTransport lets tests swap the network for a function).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from multidict import CIMultiDict, CIMultiDictProxy

from proxy.config.loader import load_config
from proxy.contract.routing import Router
from proxy.errors import UpstreamError
from proxy.exchange.handler import ExchangeHandler
from proxy.exchange.upstream import UpstreamResponse
from proxy.observe.audit import MemorySink
from tests.conftest import write_config
from tests.proxy.exchange.fakes import NoDetection, serve

CONTRACT = """
vendor: acme
upstream: https://api.acme.example
routes:
  - method: POST
    path: /v1/m
    request:
      body: {a: keep}
    response:
      body: {id: keep}
"""


class Unmeasurable(bytes):
    """A body whose length cannot be taken: stands for any unforeseen error after the answer."""

    def __len__(self) -> int:
        raise RuntimeError("a bug after the vendor answered")


class FakeUpstream:
    """Answers every request with what ``answer`` returns (or raises)."""

    def __init__(self, answer: Callable[[], UpstreamResponse]) -> None:
        self.answer = answer
        self.sent: list[bytes | None] = []

    async def send(self, method: str, url: Any, query: Any, headers: dict[str, str],
                   body: bytes | None) -> UpstreamResponse:
        self.sent.append(body)
        return self.answer()


def response(status: int, body: bytes = b'{"id": 1}') -> UpstreamResponse:
    headers = CIMultiDictProxy(CIMultiDict({"Content-Type": "application/json"}))
    return UpstreamResponse(status=status, headers=headers, body=body, elapsed_ms=1.0)


Client = Callable[[Callable[[], UpstreamResponse]], Any]


@pytest.fixture
async def exchange(tmp_path: Path) -> AsyncIterator[Client]:
    clients: list[TestClient] = []
    config = load_config(write_config(tmp_path, {"acme": CONTRACT}))

    async def make(answer: Callable[[], UpstreamResponse]) -> tuple[TestClient, FakeUpstream,
                                                                    MemorySink]:
        upstream, sink = FakeUpstream(answer), MemorySink()
        handler = ExchangeHandler(router=Router(config.vendors), limits=config.settings.limits,
                                  detector=NoDetection(), upstream=upstream,  # type: ignore[arg-type]
                                  audit=sink, pseudonymizer=None, contract_version="v1")
        client = await serve(handler.handle)
        clients.append(client)
        return client, upstream, sink

    yield make
    for client in clients:
        await client.close()


def raise_(exc: BaseException) -> Callable[[], UpstreamResponse]:
    def answer() -> UpstreamResponse:
        raise exc
    return answer


def upstream_error(vendor_status: int | None) -> UpstreamError:
    exc = UpstreamError("the vendor's answer broke off", reason="upstream_error")
    exc.vendor_status = vendor_status
    return exc


@pytest.mark.parametrize(("answer", "status", "outcome", "reason"), [
    (lambda: response(202, Unmeasurable(b"{}")), 202, "withheld", "internal_error"),
    (lambda: response(201, b"<html>"), 201, "withheld", "upstream_invalid_json"),
    (raise_(upstream_error(200)), 200, "withheld", "upstream_error"),
    (raise_(upstream_error(None)), 502, "rejected", "upstream_error"),  # no answer: 502
    (lambda: response(503, b'{"id": 1}'), 503, "forwarded", None),  # the vendor's own 503
], ids=["bug-after-answer", "bad-answer", "body-broke-off", "no-answer", "vendor-503"])
async def test_the_caller_never_gets_a_proxy_5xx_once_the_vendor_answered(
    exchange: Client, answer: Callable[[], UpstreamResponse], status: int, outcome: str,
    reason: str | None,
) -> None:
    client, upstream, sink = await exchange(answer)
    resp = await client.post("/acme/v1/m", json={"a": 1, "b": "dropped"})
    assert resp.status == status
    assert upstream.sent == [b'{"a":1}']
    [record] = sink.records
    assert (record["status"], record["outcome"], record.get("reason")) == (status, outcome, reason)
    if outcome == "withheld":
        assert record["vendor_status"] == status
        assert resp.headers["Proxy-Status"] == (
            f'privacy-proxy; details="answer withheld: {reason}"')
        assert (await resp.json())["reason"] == reason
    assert sink.intents[0]["exchange_id"] == record["exchange_id"]


async def test_a_withheld_answer_without_a_body_status_has_no_body(exchange: Client) -> None:
    client, _, sink = await exchange(lambda: response(204, Unmeasurable(b"")))
    resp = await client.post("/acme/v1/m", json={"a": 1})
    assert resp.status == 204 and await resp.read() == b""
    assert "answer withheld" in resp.headers["Proxy-Status"]
    assert sink.records[0]["outcome"] == "withheld"
