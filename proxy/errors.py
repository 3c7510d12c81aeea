"""The proxy's exception tree; each member maps to one HTTP answer.

    ProxyError                       status 500, reason "internal_error"
     +-- ConfigError                 a bad proxy.yaml or contract (raised at start / check, never per request)
     +-- RequestRejected             the caller sent something the contract cannot accept
     |    +-- UnknownPartner         401 partner listener: no or unknown credentials
     |    +-- NotFound               404 unknown vendor or route
     |    +-- BadRequest             400 unparseable body, bad path, bad query
     |    +-- RequestTimeout         408 body not received in time
     |    +-- PayloadTooLarge        413 body over the limit
     |    +-- UnsupportedMediaType   415 content type or encoding the route does not accept
     |    +-- policy_gate.SubjectBlocked   403 the privacy policy forbids sending this record
     +-- DetectionUnavailable        503 analyzer error, timeout or overload (Retry-After)
     +-- AuditUnavailable            503 the audit intent could not be written (Retry-After)
     +-- stores.StoreUnavailable     503 the consent store / ledger / vault cannot be reached
     +-- UpstreamError               502 vendor unreachable, broken or unparseable answer
          +-- UpstreamTimeout        504 vendor too slow

Messages are fixed strings written by us; they never contain a value from a payload, a header or
a query string. ``reason`` is a short stable code for machines, audit records and metrics.
"""

from __future__ import annotations

import orjson


def error_body(message: str, reason: str, vendor: str | None = None,
               route: str | None = None) -> bytes:
    """The JSON body of every error answer: ``error``, ``vendor``, ``route``, ``reason``."""
    return orjson.dumps({"error": message, "vendor": vendor, "route": route, "reason": reason})


class ProxyError(Exception):
    """Base class of every error the proxy turns into an HTTP answer."""

    status: int = 500
    reason: str = "internal_error"
    retry_after_s: int | None = None  # when set, the answer carries Retry-After

    def __init__(self, message: str, reason: str | None = None, vendor: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.vendor = vendor  # known vendor name (from a contract), for the error body
        if reason is not None:
            self.reason = reason


class ConfigError(ProxyError):
    """Configuration or contract errors, one line per problem (file, vendor, key, what to do)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems), reason="invalid_config")


class RequestRejected(ProxyError):
    """The request cannot be forwarded as sent."""

    status = 400
    reason = "bad_request"


class UnknownPartner(RequestRejected):
    """The partner listener could not identify the caller (no or unknown key or certificate)."""

    status = 401
    reason = "unknown_partner"


class NotFound(RequestRejected):
    status = 404
    reason = "unknown_route"


class BadRequest(RequestRejected):
    status = 400
    reason = "bad_request"


class RequestTimeout(RequestRejected):
    status = 408
    reason = "body_timeout"


class PayloadTooLarge(RequestRejected):
    status = 413
    reason = "body_too_large"


class UnsupportedMediaType(RequestRejected):
    status = 415
    reason = "unsupported_media_type"


class DetectionUnavailable(ProxyError):
    """Free text could not be checked, so nothing is forwarded."""

    status = 503
    reason = "detection_failed"
    retry_after_s: int | None = 1


class AuditUnavailable(ProxyError):
    """The write-ahead audit line could not be written, so nothing is forwarded."""

    status = 503
    reason = "audit_unavailable"
    retry_after_s: int | None = 5


class UpstreamError(ProxyError):
    """The vendor could not be reached or gave an answer we cannot check.

    ``vendor_status`` is set when the vendor's answer head had arrived (its body then failed):
    the vendor accepted the request, so the caller is not answered 5xx (proxy.exchange.handler).
    """

    status = 502
    reason = "upstream_error"
    vendor_status: int | None = None


class UpstreamTimeout(UpstreamError):
    status = 504
    reason = "upstream_timeout"
