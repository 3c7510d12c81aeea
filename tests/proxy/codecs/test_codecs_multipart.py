"""The multipart codec without sockets: text parts, allow-listed files, refusals, re-encoding."""

from __future__ import annotations

import pytest

from proxy.codecs.base import CodecError
from proxy.codecs.multipart import MultipartCodec, UnsupportedPart
from proxy.contract.models import MessageContract
from proxy.enforce.report import MessageReport

PDF = b"%PDF-1.4 body"
BODY = (
    b"preamble\r\n--b1\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n"
    b"--b1\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"Jo Doe.PDF\"\r\n"
    b"Content-Type: application/pdf\r\n\r\n" + PDF + b"\r\n"
    b"--b1\r\nContent-Disposition: form-data; name=\"pic\"; filename=\"p.png\"\r\n"
    b"Content-Type: image/png\r\n\r\nnot a png\r\n--b1--\r\nepilogue"
)


def bound(files: dict[str, list[str]]) -> tuple[MultipartCodec, MessageReport]:
    report = MessageReport()
    contract = MessageContract(content_types=("multipart",), files=files, body={})
    return MultipartCodec().bind(contract, report), report


def test_decode_and_encode() -> None:
    codec, report = bound({"doc": ["application/pdf"], "pic": ["image/png"]})
    assert codec.decode(BODY, {"boundary": "b1"}, 64) == {"note": "hello"}
    assert report.kept == {"body:doc"} and report.dropped == {"body:pic"}  # magic mismatch
    body, media = codec.encode({"note": "<REDACTED>"})
    boundary = media.split("boundary=")[1]
    assert media.startswith("multipart/form-data; boundary=proxy-")
    assert body == (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n<REDACTED>\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"file.pdf\"\r\n"
        f"Content-Type: application/pdf\r\n\r\n").encode() + PDF + f"\r\n--{boundary}--\r\n".encode()


def test_unlisted_file_is_dropped() -> None:
    codec, report = bound({})
    codec.decode(BODY, {"boundary": "b1"}, 64)
    assert report.dropped == {"body:doc", "body:pic"}
    assert b"%PDF" not in codec.encode({})[0]


@pytest.mark.parametrize("body", [
    b"--b1\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx",  # unterminated
    b"--b1\r\n\r\nx\r\n--b1--",  # no disposition
    b"--b1\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b1--",  # no name
    b"--b1\r\nContent-Disposition: form-data; name=\"a\"; name=\"b\"\r\n\r\nx\r\n--b1--",
    b"--b1\r\nContent-Disposition: form-data; name=\"a\"\r\n folded\r\n\r\nx\r\n--b1--",
    b"--b1junk\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--b1--",
    b"xx--b1\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--b1--",
])
def test_refused(body: bytes) -> None:
    codec, _ = bound({})
    with pytest.raises(CodecError) as exc:
        codec.decode(body, {"boundary": "b1"}, 64)
    assert not isinstance(exc.value, UnsupportedPart)


def test_bad_boundary() -> None:
    codec, _ = bound({})
    for params in ({}, {"boundary": ""}, {"boundary": "a" * 71}, {"boundary": "bad\x00"}):
        with pytest.raises(CodecError):
            codec.decode(b"", params, 64)
