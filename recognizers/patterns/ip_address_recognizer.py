"""IPv4 and IPv6 addresses (with an optional CIDR prefix), checked with ``ipaddress``.

Version strings (``v1.2.3.4``, ``1.2.3.4.5``), dotted numbers glued to words, times
(``10:22:31``) and C++ scopes (``std::vector``) are not addresses; the unspecified address ``::``
is not reported.
"""

from __future__ import annotations

import ipaddress

from recognizers.base import RegexRecognizer


class IpAddressRecognizer(RegexRecognizer):
    """IPv4 and IPv6 addresses."""

    ENTITY = "IP_ADDRESS"
    PATTERNS = (
        ("ipv4", r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?(?![\w]|\.\d)", 0.6),
        (
            "ipv6",
            # An IPv4 tail first (``::ffff:129.144.52.38``): tried after a hex group, the tail's
            # first number would end the match.
            r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{1,4}|(?<=::))"
            r"(?:/\d{1,3})?(?![\w]|\.\d|:[0-9A-Fa-f])",
            0.6,
        ),
    )
    CONTEXT = ("ip", "ipv4", "ipv6", "address", "host", "client", "remote")
    GATE = r"\d\.|:[0-9A-Fa-f]{0,4}:"  # IPv4 has a digit before a dot, IPv6 two colons

    def validate(self, value: str) -> bool | None:
        """A parseable address that is not ``::``, with at least two hex digits."""
        address = value.split("/", 1)[0]
        try:
            parsed = ipaddress.ip_address(address)
        except ValueError:
            return False
        if parsed.version == 6 and (parsed.is_unspecified or sum(c.isalnum() for c in address) < 2):
            return False
        return None
