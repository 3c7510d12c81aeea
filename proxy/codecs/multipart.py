"""``multipart/form-data``: text parts are fields named by their part name, files are allow-listed.

A text part (no filename; no Content-Type or ``text/plain`` in UTF-8) becomes one string in the
document, so body selectors govern it by name (``description: redact``). A file part never enters
the document: it passes only when the route's ``files`` section lists its name with its declared
media type (``files: {attachment: [application/pdf]}``) and, for a few well-known types, its
first bytes agree with that type; otherwise it is dropped and audited. The file name is replaced
by ``file`` plus the original extension (a file name often holds a person's name).

Refused with 415: nested ``multipart/*`` parts and a ``Content-Transfer-Encoding`` other than
7bit/8bit/binary. Refused with 400: a missing or bad boundary, an unterminated body, a part
without ``Content-Disposition: form-data; name="..."``, RFC 2231 ``name*=`` parameters,
backslashes in quoted names (parsers disagree on them), duplicate part names or headers,
text that is not UTF-8. The whole body is already bounded by ``limits.max_body_bytes``.

Re-encoded with a fresh boundary, parts in their original order, only the headers the proxy
writes. A codec instance is bound to one message: it holds the kept files between decode and
encode.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from proxy.codecs.base import CodecError, parse_media_type
from proxy.contract.selectors import format_path

if TYPE_CHECKING:
    from proxy.contract.models import MessageContract
    from proxy.enforce.report import MessageReport

MULTIPART_MEDIA_TYPE = "multipart/form-data"
MAX_PARTS = 256
MAX_PART_HEADERS = 16

_BOUNDARY = re.compile(r"[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]")
_PARAM = re.compile(r';[ \t]*([A-Za-z0-9_*\-]+)[ \t]*=[ \t]*(?:"([^"\\\r\n]*)"|([^;"\s\\]+))[ \t]*')
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,8}$")
_TRANSFER_IDENTITY = {"7bit", "8bit", "binary"}
# Magic numbers checked for file types we can verify cheaply.
_MAGIC: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
}


class UnsupportedPart(CodecError):
    """A part the proxy does not inspect (nested multipart, transfer-encoded); answered with 415."""


@dataclass(frozen=True, slots=True)
class FilePart:
    """A file part that the contract lets through."""

    media_type: str
    filename: str
    data: bytes


def _invalid(message: str) -> CodecError:
    return CodecError(message, "invalid_multipart")


def _disposition(value: str) -> tuple[str, str | None]:
    """``form-data; name="x"; filename="y"`` -> (name, filename); strict."""
    kind, sep, rest = value.partition(";")
    if kind.strip().lower() != "form-data":
        raise _invalid("a part's Content-Disposition is not form-data")
    params: dict[str, str] = {}
    rest = sep + rest
    pos = 0
    while pos < len(rest.rstrip()):
        m = _PARAM.match(rest, pos)
        if m is None:
            raise _invalid("a part's Content-Disposition cannot be parsed")
        name = m.group(1).lower()
        if name.endswith("*"):
            raise _invalid("RFC 2231 parameters (name*=) are not accepted in multipart bodies")
        if name in params:
            raise _invalid("a Content-Disposition parameter is given twice")
        params[name] = m.group(2) if m.group(2) is not None else m.group(3)
        pos = m.end()
    field = params.get("name")
    if not field:
        raise _invalid("a part has no name")
    return field, params.get("filename")


def _part_headers(block: bytes) -> dict[str, str]:
    try:
        text = block.decode("utf-8")
    except UnicodeDecodeError:
        raise _invalid("part headers are not valid UTF-8") from None
    headers: dict[str, str] = {}
    lines = text.split("\r\n") if text else []
    if len(lines) > MAX_PART_HEADERS:
        raise _invalid("a part has too many headers")
    for line in lines:
        if line[:1] in (" ", "\t"):
            raise _invalid("folded part headers are not accepted")
        name, sep, value = line.partition(":")
        lowered = name.strip().lower()
        if not sep or not lowered or lowered != name.lower():
            raise _invalid("a part header cannot be parsed")
        if lowered in headers:
            raise _invalid("a part header is given twice")
        headers[lowered] = value.strip()
    return headers


def _quote_name(name: str) -> str:
    return name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


class MultipartCodec:
    """Strict multipart/form-data parsing; text parts into the document, allowed files aside."""

    name = "multipart"

    def __init__(
        self, files: dict[str, tuple[str, ...]] | None = None, report: MessageReport | None = None
    ) -> None:
        self._allowed = files or {}
        self._report = report
        self._order: list[str] = []
        self._files: dict[str, FilePart] = {}

    def bind(self, contract: MessageContract, report: MessageReport) -> MultipartCodec:
        """A fresh instance for one message, with the route's file allow-list and report."""
        return MultipartCodec(dict(contract.files), report)

    def accepts(self, media_type: str, params: dict[str, str]) -> bool:
        return media_type == MULTIPART_MEDIA_TYPE

    def decode(self, body: bytes, params: dict[str, str], max_depth: int) -> dict[str, Any]:
        boundary = params.get("boundary", "")
        if not _BOUNDARY.fullmatch(boundary):
            raise _invalid("the multipart boundary is missing or invalid")
        delimiter = b"--" + boundary.encode("ascii")
        start = body.find(delimiter)
        if start < 0 or (start > 0 and body[start - 2 : start] != b"\r\n"):
            raise _invalid("the multipart body does not start with its boundary")
        document: dict[str, Any] = {}
        pos = start + len(delimiter)
        while True:
            if body[pos : pos + 2] == b"--":
                break  # the close delimiter; the epilogue is ignored
            line_end = body.find(b"\r\n", pos)
            if line_end < 0 or body[pos:line_end].strip(b" \t"):
                raise _invalid("a multipart boundary line is malformed")
            part_start = line_end + 2
            part_end = body.find(b"\r\n" + delimiter, part_start)
            if part_end < 0:
                raise _invalid("the multipart body is not terminated")
            self._add_part(body[part_start:part_end], document)
            pos = part_end + 2 + len(delimiter)
            if len(self._order) > MAX_PARTS:
                raise _invalid("the multipart body has too many parts")
        return document

    def _add_part(self, part: bytes, document: dict[str, Any]) -> None:
        if part.startswith(b"\r\n"):
            head, content = b"", part[2:]
        else:
            head, sep, content = part.partition(b"\r\n\r\n")
            if not sep:
                raise _invalid("a part has no blank line after its headers")
        headers = _part_headers(head)
        if "content-disposition" not in headers:
            raise _invalid("a part has no Content-Disposition")
        name, filename = _disposition(headers["content-disposition"])
        if name in self._order:
            raise _invalid("two parts have the same name")
        self._order.append(name)
        transfer = headers.get("content-transfer-encoding", "binary").lower()
        if transfer not in _TRANSFER_IDENTITY:
            raise UnsupportedPart("transfer-encoded parts (e.g. base64) are not accepted",
                                  "unsupported_part_encoding")
        media, media_params = parse_media_type(headers.get("content-type", "text/plain"))
        if media.startswith("multipart/"):
            raise UnsupportedPart("nested multipart parts are not accepted", "nested_multipart")
        charset = media_params.get("charset", "utf-8").lower()
        if filename is None and media == "text/plain" and charset in ("utf-8", "utf8",
                                                                      "us-ascii"):
            try:
                document[name] = content.decode("utf-8")
            except UnicodeDecodeError:
                raise _invalid("a text part is not valid UTF-8") from None
            return
        self._consider_file(name, filename or "", media, content)

    def _consider_file(self, name: str, filename: str, media: str, content: bytes) -> None:
        label = "body:" + format_path((name,))
        allowed = media in self._allowed.get(name, ())
        magic = _MAGIC.get(media)
        if allowed and magic is not None and not content.startswith(magic):
            allowed = False  # declared as one type, looks like another
        if not allowed:
            if self._report is not None:
                if name in self._allowed:  # listed, but of another type
                    self._report.drop(label)
                else:
                    self._report.drop_unlisted(label)
            return
        ext = _EXTENSION.search(filename)
        self._files[name] = FilePart(media, "file" + (ext.group(0).lower() if ext else ""),
                                     content)
        if self._report is not None:
            self._report.keep(label)

    def encode(self, document: Any) -> tuple[bytes, str]:
        fields = document if isinstance(document, dict) else {}
        names = [n for n in self._order if n in fields or n in self._files]
        names += [n for n in fields if n not in self._order]  # injected by the proxy
        parts: list[tuple[bytes, bytes]] = []
        for name in names:
            disposition = f'Content-Disposition: form-data; name="{_quote_name(name)}"'
            if name in fields:
                value = fields[name]
                text = "" if value is None else str(value)
                head = disposition + "\r\nContent-Type: text/plain; charset=utf-8"
                parts.append((head.encode("utf-8"), text.encode("utf-8")))
            else:
                file = self._files[name]
                head = (f'{disposition}; filename="{file.filename}"\r\n'
                        f"Content-Type: {file.media_type}")
                parts.append((head.encode("utf-8"), file.data))
        boundary = "proxy-" + secrets.token_hex(16)
        while any(boundary.encode() in data for _, data in parts):  # pragma: no cover - 2**-128
            boundary = "proxy-" + secrets.token_hex(16)
        delimiter = b"--" + boundary.encode()
        out = bytearray()
        for part_head, part_data in parts:
            out += delimiter + b"\r\n" + part_head + b"\r\n\r\n" + part_data + b"\r\n"
        out += delimiter + b"--\r\n"
        return bytes(out), f"{MULTIPART_MEDIA_TYPE}; boundary={boundary}"
