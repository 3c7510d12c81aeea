"""Match ``/{vendor}/{rest}`` to a vendor and one of its routes.

The path is split into decoded segments once; a route template matches segment by segment
(``{name}`` matches any one non-empty segment). When two routes match, the one with more literal
segments earlier in the path wins (``/customers/search`` beats ``/customers/{id}``). The path sent
to the vendor is rebuilt from the checked segments, never copied from the request line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from proxy.contract.models import FieldRule, MessageContract, Route, VendorContract
from proxy.contract.selectors import TrieNode
from proxy.errors import BadRequest, NotFound

# RFC 3986 pchar characters that need no escaping inside one segment.
_PCHAR_SAFE = ":@!$&'()*+,;="
_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class RouteTemplate:
    """A parsed path template such as ``/v1/customers/{id}``."""

    text: str
    segments: tuple[str | None, ...]  # literal segment, or None for a parameter
    params: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> RouteTemplate:
        if not text.startswith("/"):
            raise ValueError(f"'{text}' must start with '/'")
        raw = text[1:].split("/") if text != "/" else []
        segments: list[str | None] = []
        params: list[str] = []
        for seg in raw:
            m = _PARAM.fullmatch(seg)
            if m:
                if m.group(1) in params:
                    raise ValueError(f"parameter '{{{m.group(1)}}}' appears twice in '{text}'")
                params.append(m.group(1))
                segments.append(None)
            elif not seg:
                raise ValueError(f"'{text}' has an empty segment ('//' or a trailing '/')")
            elif "{" in seg or "}" in seg:
                raise ValueError(
                    f"segment '{seg}' of '{text}': a parameter fills a whole segment, e.g. {{id}}"
                )
            elif seg in (".", ".."):
                raise ValueError(f"'{text}' contains a '{seg}' segment")
            else:
                segments.append(seg)
        return cls(text=text, segments=tuple(segments), params=tuple(params))

    @property
    def shape(self) -> tuple[str | None, ...]:
        """Two templates with the same shape match the same paths."""
        return self.segments

    def match(self, segments: list[str]) -> dict[str, str] | None:
        if len(segments) != len(self.segments):
            return None
        values: dict[str, str] = {}
        names = iter(self.params)
        for want, got in zip(self.segments, segments, strict=False):
            if want is None:
                values[next(names)] = got
            elif want != got:
                return None
        return values

    @property
    def literal_rank(self) -> tuple[int, ...]:
        return tuple(1 if seg is not None else 0 for seg in self.segments)


@dataclass(frozen=True)
class CompiledMessage:
    """One direction of a route, ready to apply."""

    contract: MessageContract
    headers: dict[str, FieldRule]
    query: dict[str, FieldRule]
    body_trie: TrieNode[FieldRule] | None  # None: no body passes


@dataclass(frozen=True)
class CompiledRoute:
    """A route with its compiled request and response contracts."""

    vendor: str
    route: Route
    template: RouteTemplate
    request: CompiledMessage
    response: CompiledMessage | None  # None: response body passes unchanged

    @cached_property  # read several times per exchange (audit, metrics, credentials)
    def name(self) -> str:
        """How the route is named in audit records and error bodies, e.g. ``POST /v1/x/{id}``."""
        return f"{self.route.method} {self.template.text}"


@dataclass(frozen=True)
class CompiledVendor:
    """A vendor contract with its compiled routes."""

    contract: VendorContract
    routes: tuple[CompiledRoute, ...]
    source: Path

    @property
    def upstream_base(self) -> str:
        return self.contract.upstream.rstrip("/")


@dataclass(frozen=True)
class RouteMatch:
    """The outcome of routing one request."""

    vendor: CompiledVendor
    route: CompiledRoute
    params: dict[str, str]
    upstream_url: str  # upstream base + rebuilt path, without query


def split_path(raw_path: str) -> list[str]:
    """Split the request path into decoded segments; reject what could confuse a vendor.

    ``raw_path`` is the path as sent (percent-encoded, without the query). Encoded slashes,
    dot segments, empty segments and control characters are refused.
    """
    path = urlsplit(raw_path).path if "?" in raw_path or "#" in raw_path else raw_path
    if not path.startswith("/"):
        raise BadRequest("the request path must start with '/'", reason="bad_path")
    if path == "/":
        return []
    parts = path[1:].split("/")
    segments: list[str] = []
    for i, part in enumerate(parts):
        if part == "" and i == len(parts) - 1 and i > 0:
            raise BadRequest("the request path must not end with '/'", reason="bad_path")
        if part == "":
            raise BadRequest("the request path has an empty segment", reason="bad_path")
        if "%2f" in part.lower() or "%5c" in part.lower():
            raise BadRequest("encoded '/' or '\\' in the request path", reason="bad_path")
        decoded = unquote(part, errors="strict")
        if decoded in (".", "..") or any(ord(c) < 0x20 or c == "\x7f" for c in decoded):
            raise BadRequest("dot segment or control character in the request path",
                             reason="bad_path")
        segments.append(decoded)
    return segments


# Matches remembered per Router: only of routes without parameters, whose raw paths carry
# nothing but encodings of the template's literals; bounded, since callers choose the paths.
_MAX_CACHED_MATCHES = 1024


class Router:
    """Finds the vendor and route for a request path and method.

    Paths start with the vendor's name (``/{vendor}/...``); with ``prefixed=False`` there is one
    contract and paths are its own (the partner listener: our API's paths).
    """

    def __init__(self, vendors: dict[str, CompiledVendor], prefixed: bool = True) -> None:
        if not prefixed and len(vendors) != 1:
            raise ValueError("an unprefixed router serves exactly one contract")
        self._vendors = vendors
        self._prefixed = prefixed
        # (method, raw path) -> match. A Router and its contracts never change (a reload builds
        # a new one), so a match is a pure function of its key.
        self._literal_matches: dict[tuple[str, str], RouteMatch] = {}

    @property
    def vendors(self) -> dict[str, CompiledVendor]:
        """The compiled vendors by name."""
        return self._vendors

    def match(self, method: str, raw_path: str) -> RouteMatch:
        """Return the match, or raise NotFound / BadRequest (nothing is forwarded then)."""
        cached = self._literal_matches.get((method, raw_path))
        if cached is not None:
            return cached
        found = self._match(method, raw_path)
        if not found.params and len(self._literal_matches) < _MAX_CACHED_MATCHES:
            self._literal_matches[(method, raw_path)] = found
        return found

    def _match(self, method: str, raw_path: str) -> RouteMatch:
        try:
            segments = split_path(raw_path)
        except UnicodeDecodeError:
            raise BadRequest("the request path is not valid UTF-8", reason="bad_path") from None
        if self._prefixed:
            if not segments:
                raise NotFound("no vendor named in the path; call /{vendor}/{path}",
                               reason="unknown_vendor")
            found = self._vendors.get(segments[0])
            if found is None:
                raise NotFound("no contract for this vendor", reason="unknown_vendor")
            vendor, rest = found, segments[1:]
            missing = "the contract of this vendor does not list this route"
        else:
            [vendor] = self._vendors.values()
            rest, missing = segments, "your contract does not list this route"
        best: tuple[tuple[int, ...], CompiledRoute, dict[str, str]] | None = None
        for route in vendor.routes:
            if route.route.method != method:
                continue
            params = route.template.match(rest)
            if params is None:
                continue
            rank = route.template.literal_rank
            if best is None or rank > best[0]:
                best = (rank, route, params)
        if best is None:
            raise NotFound(missing, reason="unknown_route", vendor=vendor.contract.vendor)
        _, route, params = best
        path = "/" + "/".join(quote(seg, safe=_PCHAR_SAFE) for seg in rest) if rest else ""
        return RouteMatch(
            vendor=vendor, route=route, params=params, upstream_url=vendor.upstream_base + path
        )
