"""Fuzzing the running proxy with generated JSON documents and header sets.

Every generated value that sits at a path the contract does not allow carries the marker
``LEAK``; whatever the document looks like, the vendor must never receive that marker, and the
proxy must answer only with documented statuses. The default suite runs a sample; the long run
(``-m fuzz_full``, 10,000 cases per test) is documented in the README.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from typing import Any
from urllib.parse import parse_qsl

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proxy.testing import RecordingVendor
from tests.conftest import ProxyFactory, RunningProxy

pytestmark = pytest.mark.functional

CONTRACT = """
vendor: acme
upstream: https://api.acme.example
routes:
  - method: POST
    path: /v1/m
    request:
      headers: [x-allowed, authorization]
      body:
        a: keep
        b.c: keep
        list[*].x: keep
        meta.*: {action: keep, type: integer}
        id: pseudonymize
"""
DOCUMENTED = {200, 400, 404, 413, 415}
SAMPLE = int(os.environ.get("FUZZ_EXAMPLES", "150"))

safe_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20).filter(
    lambda s: "LEAK" not in s
)
leak_text = st.builds(lambda s: f"LEAK{s}", st.text(alphabet="abcdefXYZ0189", max_size=8))
scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1),
                    st.floats(allow_nan=False, allow_infinity=False), safe_text)
leaky = st.recursive(
    st.one_of(leak_text, st.integers(), st.booleans()),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=8,
)
# Keys that look like allowed ones (escapes, case, look-alikes) but are not.
lookalike_keys = st.sampled_from(["A", "a\u200b", "\uff41", "b.c", "ｂ", "list ", "id\x00", "Id",
                                  "meta\u200b", "\u0430"])


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    if draw(st.booleans()):
        doc["a"] = draw(scalars)
    if draw(st.booleans()):
        doc["b"] = {"c": draw(scalars), draw(st.text(max_size=5).filter(lambda k: k != "c")):
                    draw(leaky)}
    if draw(st.booleans()):
        doc["list"] = draw(st.lists(st.fixed_dictionaries({"x": scalars, "y": leaky}), max_size=3))
    if draw(st.booleans()):
        doc["meta"] = draw(st.dictionaries(st.text(max_size=5), st.integers(), max_size=3))
    if draw(st.booleans()):
        doc["id"] = draw(st.one_of(safe_text, st.integers()))
    for _ in range(draw(st.integers(0, 3))):
        doc[draw(st.one_of(lookalike_keys, st.text(max_size=8)))] = draw(leaky)
    return doc


def leaf_paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths of the leaves (and of empty containers) as tuples of keys and indexes."""
    if isinstance(value, dict) and value:
        return [p for k, v in value.items() for p in leaf_paths(v, prefix + (k,))]
    if isinstance(value, list) and value:
        return [p for i, v in enumerate(value) for p in leaf_paths(v, prefix + (i,))]
    return [prefix]


def allowed(path: tuple[Any, ...]) -> bool:
    """Written independently of proxy.selectors: the contract above, spelled out."""
    match path:
        case () | ("a",) | ("b", "c") | ("id",) | ("b",) | ("list",) | ("meta",):
            return True  # (), b, list, meta: containers left empty after minimization
        case ("list", int()) | ("list", int(), "x"):
            return True
        case ("meta", str()):
            return True
    return False


async def send(proxy: RunningProxy, body: bytes, headers: dict[str, str]) -> int:
    resp = await proxy.session.post(f"{proxy.url}/acme/v1/m", data=body,
                                    headers={"Content-Type": "application/json", **headers})
    await resp.read()
    return resp.status


def check_vendor(vendor: RecordingVendor) -> None:
    assert b"LEAK" not in vendor.all_bytes()
    for received in vendor.received:
        for path in leaf_paths(received.json()):
            assert allowed(path), path


def run(coro: Any) -> Any:
    return asyncio.get_event_loop().run_until_complete(coro)


async def _fuzz_documents(start_proxy: ProxyFactory, vendor: RecordingVendor,
                          examples: int) -> None:
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url)
    statuses: list[int] = []
    loop = asyncio.get_running_loop()

    @settings(max_examples=examples, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(doc=documents(), raw_suffix=st.sampled_from([b"", b" ", b",", b"}", b"\x00"]))
    def case(doc: dict[str, Any], raw_suffix: bytes) -> None:
        body = json.dumps(doc).encode() + raw_suffix  # stdlib: big integers, \u escapes
        status = asyncio.run_coroutine_threadsafe(send(proxy, body, {}), loop).result(30)
        statuses.append(status)
        assert status in DOCUMENTED

    await asyncio.to_thread(case)
    check_vendor(vendor)
    assert statuses.count(200) > examples // 4  # most generated documents are valid


async def _fuzz_headers(start_proxy: ProxyFactory, vendor: RecordingVendor,
                        examples: int) -> None:
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url)
    loop = asyncio.get_running_loop()
    names = st.one_of(st.sampled_from(["X-Allowed", "x-allowed", "Authorization", "Cookie",
                                       "X-Forwarded-For", "X-Real-IP", "Proxy-Authorization",
                                       "Connection", "TE", "Trailer", "Forwarded", "Via"]),
                      st.from_regex(r"X-[A-Za-z0-9-]{1,12}", fullmatch=True))
    values = st.from_regex(r"[ -~]{0,20}", fullmatch=True).map(lambda v: "LEAK" + v.strip())

    @settings(max_examples=examples, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(headers=st.dictionaries(names, values, max_size=6))
    def case(headers: dict[str, str]) -> None:
        headers = {k: v for k, v in headers.items() if k.lower() not in ("x-allowed",
                                                                          "authorization")}
        status = asyncio.run_coroutine_threadsafe(
            send(proxy, b'{"a": 1}', headers), loop).result(30)
        assert status in DOCUMENTED

    await asyncio.to_thread(case)
    assert b"LEAK" not in vendor.all_bytes()
    for received in vendor.received:
        assert set(received.headers) <= {"host", "content-type", "content-length",
                                         "x-request-id"}


FORM_CONTRACT = """
vendor: forms
upstream: https://api.forms.example
routes:
  - method: POST
    path: /v1/f
    request:
      content_types: [form]
      body:
        a: keep
        b.c: keep
        list[*].x: keep
"""
# Keys the vendor may receive, in the canonical bracket form the proxy writes.
FORM_ALLOWED = re.compile(r"a|b\[c\]|list\[\d+\]\[x\]")
form_key_parts = st.sampled_from(["a", "b", "c", "x", "list", "[c]", "[x]", "[0]", "[1]", "[]",
                                  "%5B", "%5D", "%61", "s%73n", "[", "]", ";", "+", "%", "%2", ".",
                                  "A", "\u0061", "\x00", "ｂ"])


async def _fuzz_forms(start_proxy: ProxyFactory, vendor: RecordingVendor, examples: int) -> None:
    proxy = await start_proxy({"forms": FORM_CONTRACT}, upstream=vendor.url)
    loop = asyncio.get_running_loop()
    keys = st.lists(form_key_parts, min_size=1, max_size=4).map("".join)
    values = st.text(alphabet="abcLEAK019%+;&=[]", max_size=8)

    @settings(max_examples=examples, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(pairs=st.lists(st.tuples(keys, values), max_size=6))
    def case(pairs: list[tuple[str, str]]) -> None:
        body = "&".join(f"{k}={v}" for k, v in pairs).encode()
        async def post() -> int:
            resp = await proxy.session.post(f"{proxy.url}/forms/v1/f", data=body, headers={
                "Content-Type": "application/x-www-form-urlencoded"})
            await resp.read()
            return resp.status
        status = asyncio.run_coroutine_threadsafe(post(), loop).result(30)
        assert status in DOCUMENTED

    await asyncio.to_thread(case)
    for received in vendor.received:
        for key, _ in parse_qsl(received.body.decode(), keep_blank_values=True):
            assert FORM_ALLOWED.fullmatch(key), key
    assert len(vendor.received) > examples // 20  # enough valid forms reached the vendor


async def test_fuzz_form_bodies(start_proxy: ProxyFactory, vendor: RecordingVendor) -> None:
    await _fuzz_forms(start_proxy, vendor, SAMPLE)


@pytest.mark.fuzz_full
async def test_fuzz_form_bodies_full(start_proxy: ProxyFactory, vendor: RecordingVendor) -> None:
    await _fuzz_forms(start_proxy, vendor, 10_000)


async def test_fuzz_json_documents(start_proxy: ProxyFactory, vendor: RecordingVendor) -> None:
    await _fuzz_documents(start_proxy, vendor, SAMPLE)


async def test_fuzz_header_sets(start_proxy: ProxyFactory, vendor: RecordingVendor) -> None:
    await _fuzz_headers(start_proxy, vendor, SAMPLE)


@pytest.mark.fuzz_full
async def test_fuzz_json_documents_full(start_proxy: ProxyFactory,
                                        vendor: RecordingVendor) -> None:
    await _fuzz_documents(start_proxy, vendor, 10_000)


@pytest.mark.fuzz_full
async def test_fuzz_header_sets_full(start_proxy: ProxyFactory, vendor: RecordingVendor) -> None:
    await _fuzz_headers(start_proxy, vendor, 10_000)
