"""Secrets without a provider prefix: JWTs, bearer and basic credentials, private key blocks,
passwords and tokens written as ``key=value`` / ``key: value``, and passwords inside URLs.

For ``key=value`` forms only the value is reported, so ``password=<SECRET>`` stays readable.
Values that are obviously not secrets (``password: ********``, ``token=null``, ``<redacted>``,
template variables ``${TOKEN}``) are skipped.
"""

from __future__ import annotations

import regex

from recognizers.base import RegexRecognizer

_KEYS = (
    r"pass(?:word|wd|phrase|code)?|pwd|secret|client[_-]?secret|api[_-]?key|apikey|x-api-key|"
    r"access[_-]?token|auth[_-]?token|refresh[_-]?token|session[_-]?token|token|"
    r"private[_-]?key|secret[_-]?key|signing[_-]?key|aws_secret_access_key|credentials?"
)
_PLACEHOLDERS = regex.compile(
    r"^(?:\*+|x+|null|none|nil|undefined|true|false|redacted|<[^>]*>?|\$\{.*\}?|\{\{.*|\$\w+|%\w+%|"
    r"%\(.*\)s|changeme|example|\.\.\.|string|required|optional|yes|no)$",
    regex.IGNORECASE,
)


class SecretRecognizer(RegexRecognizer):
    """Credentials that must never leave: JWTs, bearer tokens, key blocks, key=value secrets."""

    ENTITY = "SECRET"
    PATTERNS = (
        ("jwt", r"(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}(?![\w-])", 0.95),
        ("private_key", r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]{16,}?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----", 1.0),
        ("bearer", r"(?i)\bbearer\s+(?P<value>[A-Za-z0-9._~+/-]{16,}=*)", 0.85),
        ("basic", r"(?i)\bbasic\s+(?P<value>[A-Za-z0-9+/]{12,}={0,2})(?![\w+/=])", 0.7),
        ("key_value", r"(?i)(?<![\w-])[\"']?(?:[\w-]*[_-])?(?:" + _KEYS + r")[\"']?\s*(?:=|:|=>|:=)\s*[\"']?(?P<value>[^\s\"',;&<>)\]}]{4,200})", 0.8),
        ("url_password", r"(?i)\b[a-z][a-z0-9+.-]*://[^\s:/@]{1,64}:(?P<value>[^\s@/]{3,128})@", 0.9),
        ("password_is", r"(?i)\b(?:password|passcode|pin|pwd)\s+(?:is|was|=|:)\s*(?P<value>(?=\S*[\d!@#$%^&*])\S{4,64}?)(?=[\s.,;!?]*(?:\s|$))", 0.6),
    )
    CONTEXT = ("password", "secret", "token", "key", "credential", "bearer")
    # A piece of each pattern above: JWT header, PEM armour, scheme words, key names, URL scheme.
    GATE = r"(?i)eyJ|-----BEGIN|bearer|basic|://|passcode|pin|pwd|" + _KEYS

    def validate(self, value: str) -> bool | None:
        """Skip placeholders and masked values."""
        return False if _PLACEHOLDERS.match(value.strip("\"'")) else None
