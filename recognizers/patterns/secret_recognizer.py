"""Secrets without a provider prefix: JWTs, bearer and basic credentials, private key blocks,
passwords and tokens written as ``key=value`` / ``key: value``, passwords inside URLs, passwords
and PINs written in prose (``the password for her account is Harbor!2031``, ``set his PIN to
4471``, in several languages) and session ids or cookies.

For ``key=value`` forms only the value is reported, so ``password=<SECRET>`` stays readable.
Values that are obviously not secrets (``password: ********``, ``token=null``, ``<redacted>``,
template variables ``${TOKEN}``) are skipped.
"""

from __future__ import annotations

import regex

from recognizers.base import RegexRecognizer
from recognizers.prefilter import WordGate

_KEYS = (
    r"pass(?:word|wd|phrase|code)?|pwd|secret|client[_-]?secret|api[_-]?key|apikey|x-api-key|"
    r"access[_-]?token|auth[_-]?token|refresh[_-]?token|session[_-]?token|token|"
    r"private[_-]?key|secret[_-]?key|signing[_-]?key|aws_secret_access_key|credentials?|"
    # Short and non-English names of a password, as people type them in tickets and chats.
    r"pw|pin|passwort|kennwort|wachtwoord|contrase[ñn]a|senha|has[łl]o|mot[ _]de[ _]passe"
)
# A password's name in prose; ``pass`` alone is left out (boarding pass, bus pass), and so is
# ``pin code`` (an Indian postcode is a "PIN code").
_PASSWORD = (
    r"(?:(?:temp(?:orary)?|new|old|initial|one[- ]time|wi-?fi|admin|root|master)[ \t]+)?"
    r"(?:password|passwort|kennwort|wachtwoord|passcode|passphrase|pw|pwd|pin(?:[ \t]+number)?|"
    r"contrase[ñn]a|senha|has[łl]o|mot[ \t]+de[ \t]+passe|(?:access|door|gate|alarm|entry|lock|safe)[ \t]+code)"
)
# What a password looks like when nothing quotes it: no spaces, a digit or a symbol somewhere
# (``the password is incorrect`` has neither); trailing sentence punctuation is not part of it.
# A final ``!`` stays: passwords end with one more often than sentences around them do.
_BARE_VALUE = r"(?P<value>(?=\S*[\d!@#$%^&*])\S{4,64}?)(?=[.,;?)]*(?:\s|$))"
# A token that looks generated, where no ``is`` or colon says a value follows: 8 to 64 characters
# with a letter and a digit, or a letter and a symbol inside it (a final ``!`` or ``)`` is prose's);
# not a URL, not a UUID, not opening with a bracket (``password (optional)``).
_TOKEN_START = r"(?![0-9a-f]{8}-[0-9a-f]{4}-)(?!\S*://)(?=\S*[A-Za-z])(?=[!#$%^&*+=~A-Za-z0-9])"
_SYMBOL = r"[!@#$%^&*()+=~|<>{}\[\]]"
_TOKEN_END = r"(?=[.,;?)\"'”’]*(?:\s|$))"
_LOOKS_GENERATED = (
    # ``password 2FA-enabled``: hyphenated words are prose, even with a digit.
    rf"(?P<value>{_TOKEN_START}(?![A-Za-z0-9]+(?:-[A-Za-z0-9]+)+{_TOKEN_END})"
    rf"(?=\S*(?:\d|{_SYMBOL}[A-Za-z0-9]))\S{{8,64}}?){_TOKEN_END}"
)
# The same with a letter, a digit and a symbol: for a token a line or two away from the name.
_LOOKS_GENERATED_STRICT = (
    rf"(?P<value>{_TOKEN_START}(?=\S*\d)(?=\S*{_SYMBOL}[A-Za-z0-9])\S{{8,64}}?){_TOKEN_END}"
)
# Quoted, anything but a single lowercase word (``password is "incorrect"``).
_QUOTED_VALUE = r"[\"“'‘](?P<value>(?![a-zà-ÿ]+[\"”'’])[^\"”'’\n]{4,64})[\"”'’]"
# Up to five plain words between the name and the verb: ``password for the VPN is ...``.
_FILLER = r"(?:[ \t]+(?!is\b|was\b|to\b)[\w’'-]+){0,5}?"
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
        ("password_is", rf"(?i)\b{_PASSWORD}{_FILLER}[ \t]*(?:(?:is(?:[ \t]+now)?|was|will[ \t]+be)[ \t]*[:-]?|=|:|-)[ \t]*(?:{_BARE_VALUE}|{_QUOTED_VALUE})", 0.6),
        # ``my temp password 7Hq!x92mLk``: the value right after the name, when it looks generated
        # (``password reset``, ``password manager``, ``password 12345 days`` do not).
        ("password_token", rf"(?i)\b{_PASSWORD}[ \t]+{_LOOKS_GENERATED}", 0.6),
        # ``what's the wifi password?`` / ``it's Fj8&PTqP+fvb!y``: an answer within two lines.
        ("password_answer", rf"(?i)\b{_PASSWORD}\b(?:[^\n]{{0,100}}?\n){{0,2}}[^\n]{{0,100}}?"
                            rf"\b(?:it['’]?s|it[ \t]+is|use)[ \t]+(?:(?:just|now)[ \t]+)?[:\"'“‘]?"
                            rf"{_LOOKS_GENERATED_STRICT}", 0.6),
        # ``PIN 4421``, ``passcode 88213``: a PIN-like name right before four to eight digits.
        ("pin_digits", r"(?i)\b(?:pin(?:[ \t]+number)?|passcode|(?:access|door|gate|alarm|entry|lock|safe)[ \t]+code)[ \t]+(?:#[ \t]*)?(?P<value>\d{4,8})(?![\w-])", 0.6),
        # ``set her password to X``, ``PIN changed to X``: ``to`` only after a verb of setting
        # (``password sent to 555-0199`` is not one).
        ("password_set_to", rf"(?i)\b(?:(?:set|changed?|reset|updated?)[ \t]+(?:[\w’'-]+[ \t]+){{0,3}}?{_PASSWORD}|{_PASSWORD}{_FILLER}[ \t]+(?:has[ \t]+been[ \t]+|was[ \t]+|is[ \t]+)?(?:set|changed|reset|updated))[ \t]+to[ \t]*:?[ \t]*(?:{_BARE_VALUE}|{_QUOTED_VALUE})", 0.6),
        # Session ids and cookies: long, letters and digits mixed (``session cookie sess_9qX4...``);
        # not a UUID, which logs print after "session" as a trace id.
        ("session", r"(?i)\b(?:session|cookie|sid|sessionid|phpsessid|jsessionid)(?:[ \t]+(?:id|cookie|token|key))?[ \t]*(?:[:=]|is)?[ \t]*[\"']?(?P<value>(?![0-9a-f]{8}-[0-9a-f]{4}-)(?=[\w.-]*\d)(?=[\w.-]*[A-Za-z])[\w.-]{16,256})(?![\w.-])", 0.7),
    )
    CONTEXT = ("password", "secret", "token", "key", "credential", "bearer")
    # A piece of each pattern above: JWT header, PEM armour, scheme words, key names, URL scheme.
    # Substrings implied by those pieces (``pass`` for password, passphrase, mot de passe ...).
    GATE_WORDS = WordGate([
        "eyj", "-----begin", "bearer", "basic", "://", "pin", "pw", "code", "session", "cookie",
        "sid", "pass", "secret", "api", "token", "key", "credential", "kennwort", "wachtwoord",
        "contrase", "senha", "hasło", "haslo",
    ])

    def validate(self, value: str) -> bool | None:
        """Skip placeholders and masked values."""
        return False if _PLACEHOLDERS.match(value.strip("\"'")) else None
