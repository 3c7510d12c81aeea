"""HTTP framing attacks from a raw socket: refused, value-free answers, nothing forwarded.

And the other way: the vendor (a raw socket server) sees exactly one well-formed message whose
framing was built by the proxy.
"""

from __future__ import annotations

import asyncio
import logging

import orjson
import pytest

from proxy.testing import RecordingVendor
from tests.conftest import ProxyFactory, RunningProxy

pytestmark = pytest.mark.functional

SECRET = b"jolene.brightwater@example.com"

CONTRACT = """
vendor: acme
upstream: https://api.acme.example
routes:
  - method: POST
    path: /v1/m
    request:
      headers: [x-a]
      body:
        a: keep
"""

HEAD = b"POST /acme/v1/m HTTP/1.1\r\nHost: proxy\r\nContent-Type: application/json\r\n"
BODY = b'{"a": 1}'

ATTACKS = {
    "content-length-and-transfer-encoding":
        HEAD + b"Content-Length: 8\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n" + BODY + b"\r\n0\r\n\r\n",
    "duplicate-content-length": HEAD + b"Content-Length: 8\r\nContent-Length: 9\r\n\r\n" + BODY + b" ",
    "duplicate-equal-content-length": HEAD + b"Content-Length: 8\r\nContent-Length: 8\r\n\r\n" + BODY,
    "malformed-content-length": HEAD + b"Content-Length: 8x\r\n\r\n" + BODY,
    "signed-content-length": HEAD + b"Content-Length: +8\r\n\r\n" + BODY,
    "obfuscated-te-value": HEAD + b"Transfer-Encoding: xchunked\r\n\r\n8\r\n" + BODY + b"\r\n0\r\n\r\n",
    "obfuscated-te-space": HEAD + b"Transfer-Encoding : chunked\r\n\r\n8\r\n" + BODY + b"\r\n0\r\n\r\n",
    "obfuscated-te-list": HEAD + b"Transfer-Encoding: chunked, identity\r\n\r\n8\r\n" + BODY + b"\r\n0\r\n\r\n",
    "duplicate-te": HEAD + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n8\r\n"
                    + BODY + b"\r\n0\r\n\r\n",
    "obs-fold": HEAD + b"X-A: 1\r\n  " + SECRET + b"\r\nContent-Length: 8\r\n\r\n" + BODY,
    "bare-lf": HEAD.replace(b"\r\n", b"\n") + b"Content-Length: 8\n\n" + BODY,
    "nul-in-header": HEAD + b"X-A: " + SECRET + b"\x00\r\nContent-Length: 8\r\n\r\n" + BODY,
    "cr-in-header": HEAD + b"X-A: " + SECRET + b"\rx\r\nContent-Length: 8\r\n\r\n" + BODY,
    "duplicate-host": HEAD + b"Host: other\r\nContent-Length: 8\r\n\r\n" + BODY,
    "space-in-header-name": HEAD + b"Content Length: 8\r\n\r\n" + BODY,
    "oversized-header": HEAD + b"X-A: " + SECRET + b"a" * 9000 + b"\r\nContent-Length: 8\r\n\r\n" + BODY,
    "too-many-headers": HEAD + b"".join(b"X-%d: 1\r\n" % i for i in range(150))
                        + b"Content-Length: 8\r\n\r\n" + BODY,
    "pipelined-after-malformed": HEAD + b"Content-Length: 8x\r\n\r\n" + BODY + HEAD
                                 + b"Content-Length: 8\r\n\r\n" + BODY,
}


async def raw_exchange(proxy: RunningProxy, data: bytes, wait_s: float = 3.0) -> bytes:
    host, port = proxy.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(data)
    await writer.drain()
    try:
        return await asyncio.wait_for(reader.read(), wait_s)  # until the proxy closes
    finally:
        writer.close()


@pytest.mark.parametrize("name", list(ATTACKS))
async def test_framing_attacks_are_refused(
    start_proxy: ProxyFactory, vendor: RecordingVendor, caplog: pytest.LogCaptureFixture,
    name: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url)
    answer = await raw_exchange(proxy, ATTACKS[name])
    statuses = [line for line in answer.split(b"\r\n") if line.startswith(b"HTTP/1.")]
    assert len(statuses) == 1, answer[:200]  # one answer: the pipelined request is not served
    assert statuses[0].split(b" ")[1] == b"400"
    body = orjson.loads(answer.split(b"\r\n\r\n", 1)[1])
    assert body["reason"] == "bad_http_message"
    assert vendor.received == []
    assert SECRET not in answer and SECRET.decode() not in caplog.text
    assert "aaaaaaaa" not in caplog.text


async def test_slow_head_gets_408(start_proxy: ProxyFactory, vendor: RecordingVendor) -> None:
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url,
                              proxy_yaml="limits:\n  header_timeout_s: 0.5\n")
    host, port = proxy.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(b"POST /acme/v1/m HTTP/1.1\r\nHost: x\r\n")
    await writer.drain()
    answered = asyncio.create_task(reader.read())  # until the proxy closes
    # Trickle a line every 0.1 s, never finishing the head. The deadline covers the whole
    # head, so the 408 comes while the client still trickles; a deadline that each line
    # restarted would never fire meanwhile. 90 lines (under max_headers) bound a failure.
    lines = 0
    while not answered.done() and lines < 90:
        await asyncio.sleep(0.1)
        if not answered.done():
            writer.write(b"X-A: 1\r\n")
            lines += 1
    trickling = not answered.done()
    answer = await asyncio.wait_for(answered, 30)
    writer.close()
    assert not trickling, "no answer while the client was still trickling its head"
    assert answer.startswith(b"HTTP/1.1 408")
    assert orjson.loads(answer.split(b"\r\n\r\n", 1)[1])["reason"] == "header_timeout"
    assert vendor.received == []


async def test_idle_connection_gets_408(start_proxy: ProxyFactory) -> None:
    proxy = await start_proxy({"acme": CONTRACT}, proxy_yaml="limits:\n  header_timeout_s: 0.3\n")
    answer = await raw_exchange(proxy, b"", wait_s=3)
    assert answer.startswith(b"HTTP/1.1 408")


async def test_body_in_its_own_packet_does_not_arm_the_head_deadline(
    start_proxy: ProxyFactory, vendor: RecordingVendor,
) -> None:
    # A body that arrives after its head (a separate packet) is not the start of a new head:
    # the kept-alive connection must stay usable, not get an unasked-for 408 once idle.
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url,
                              proxy_yaml="limits:\n  header_timeout_s: 0.4\n")
    host, port = proxy.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    for _ in range(2):
        writer.write(HEAD + b"Content-Length: 8\r\n\r\n")
        await writer.drain()
        await asyncio.sleep(0.1)
        writer.write(BODY)
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        assert head.startswith(b"HTTP/1.1 200")
        length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length")))
        await reader.readexactly(length)
        await asyncio.sleep(1.0)  # idle for more than the head deadline
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(reader.read(1), 0.5)  # nothing unasked-for arrives
    writer.close()
    assert len(vendor.received) == 2


async def test_slow_body_gets_408(start_proxy: ProxyFactory, vendor: RecordingVendor) -> None:
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url,
                              proxy_yaml="limits:\n  body_timeout_s: 0.5\n")
    host, port = proxy.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(HEAD + b"Content-Length: 100\r\n\r\n" + b'{"a": "')
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    assert answer.split(b" ")[1] == b"408"
    assert orjson.loads(answer.split(b"\r\n\r\n", 1)[1])["reason"] == "body_timeout"
    assert vendor.received == []
    [record] = proxy.audit_lines()
    assert record["status"] == 408


async def test_vendor_sees_one_message_with_framing_built_by_the_proxy(
    start_proxy: ProxyFactory,
) -> None:
    received = bytearray()
    got_message = asyncio.Event()

    async def raw_vendor(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                chunk = await asyncio.wait_for(reader.read(65536), 1.0)
                if not chunk:
                    break
                received.extend(chunk)
                if b"\r\n\r\n" in received:
                    head, _, rest = bytes(received).partition(b"\r\n\r\n")
                    length = [int(line.split(b":")[1]) for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length:")]
                    if length and len(rest) >= length[0]:
                        got_message.set()
                        body = b'{"ok": true}'
                        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                     b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
                        await writer.drain()
        except TimeoutError:
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(raw_vendor, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        proxy = await start_proxy({"acme": CONTRACT}, upstream=f"http://127.0.0.1:{port}")
        # Chunked in, a header nominated hop-by-hop by Connection, keep-alive parameters.
        chunked = (HEAD + b"Transfer-Encoding: chunked\r\nX-A: hop\r\nConnection: keep-alive, "
                   b"X-A\r\nKeep-Alive: timeout=99\r\n\r\n3\r\n{\"a\r\n"
                   b"d\r\n\": 1, \"b\": 2}\r\n0\r\n\r\n")
        host, cport = proxy.url.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(cport))
        writer.write(chunked)
        status_line = await asyncio.wait_for(reader.readline(), 5)
        writer.close()
        assert status_line.startswith(b"HTTP/1.1 200")
        await asyncio.wait_for(got_message.wait(), 5)
        await asyncio.sleep(0.3)  # anything more the proxy might send
    finally:
        server.close()
        await server.wait_closed()
    head, _, body = bytes(received).partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0] == b"POST /v1/m HTTP/1.1"
    names = [line.split(b":")[0].lower() for line in lines[1:]]
    # x-a is listed by the contract, but Connection made it hop-by-hop (RFC 9110 7.6.1).
    # x-request-id is the proxy's own (issue 9: passed on for tracing).
    assert sorted(names) == sorted([b"host", b"content-type", b"content-length",
                                    b"x-request-id"])
    headers = {line.split(b":")[0].lower(): line.split(b":", 1)[1].strip() for line in lines[1:]}
    assert body == b'{"a":1}'  # the first message only, re-serialized; "b" is not in the contract
    assert int(headers[b"content-length"]) == len(body)
