"""API keys and access tokens of common providers, recognized by their documented prefixes.

AWS access key IDs, GitHub, GitLab, Slack, Stripe, Google, OpenAI, SendGrid, Twilio, npm, PyPI,
Hugging Face, Shopify, DigitalOcean and Mailgun tokens, and Slack webhook URLs. The formats are distinctive enough to need no context; a key
must still contain a digit or a capital letter past its prefix (no ``sk_live_example``).
"""

from __future__ import annotations

from recognizers.base import RegexRecognizer

_E = r"(?![A-Za-z0-9_-])"


class ApiKeyRecognizer(RegexRecognizer):
    """Provider API keys and tokens."""

    ENTITY = "API_KEY"
    PATTERNS = (
        ("aws_access_key_id", r"(?<![A-Za-z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}(?![A-Za-z0-9])", 0.95),
        ("github", r"(?<![\w])(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255}" + _E, 0.95),
        ("github_fine_grained", r"(?<![\w])github_pat_[A-Za-z0-9_]{60,255}" + _E, 0.95),
        ("gitlab", r"(?<![\w])gl(?:pat|dt|rt|ptt|cbt|oas)-[A-Za-z0-9_-]{20,64}" + _E, 0.95),
        ("slack", r"(?<![\w])xox[abposr]-[A-Za-z0-9-]{10,250}" + _E, 0.95),
        ("slack_app", r"(?<![\w])xapp-\d-[A-Za-z0-9-]{10,250}" + _E, 0.95),
        ("slack_webhook", r"https://hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9/_-]{20,}", 0.95),
        ("stripe", r"(?<![\w])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,247}" + _E, 0.95),
        ("stripe_webhook", r"(?<![\w])whsec_[A-Za-z0-9]{24,}" + _E, 0.95),
        ("google", r"(?<![\w-])AIza[0-9A-Za-z_-]{35}" + _E, 0.9),
        # Keys pasted into tickets are often shorter than the documented 48 characters; a digit in
        # the random part keeps out ``sk-learn-style`` words.
        ("openai", r"(?<![\w-])sk-(?:proj-|svcacct-|admin-)?(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{20,200}" + _E, 0.85),
        ("anthropic", r"(?<![\w-])sk-ant-[A-Za-z0-9_-]{32,200}" + _E, 0.95),
        # Documented as 22 and 43 characters; keys quoted in tickets are often cut or re-typed.
        ("sendgrid", r"(?<![\w])SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}" + _E, 0.95),
        ("twilio", r"(?<![\w])SK[0-9a-f]{32}" + _E, 0.8),
        ("npm", r"(?<![\w])npm_[A-Za-z0-9]{36}" + _E, 0.95),
        ("pypi", r"(?<![\w])pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}" + _E, 0.95),
        ("huggingface", r"(?<![\w])hf_[A-Za-z0-9]{34,40}" + _E, 0.9),
        ("shopify", r"(?<![\w])shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}" + _E, 0.95),
        ("digitalocean", r"(?<![\w])do[opr]_v1_[a-f0-9]{64}" + _E, 0.95),
        ("mailgun", r"(?<![\w-])key-[0-9a-f]{32}" + _E, 0.85),
    )
    CONTEXT = ("key", "token", "api", "secret", "credential")
    # The literal prefix of each pattern above.
    GATE = (
        r"AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|gh[ousr]_|ghp_|github_pat_|"
        r"gl(?:pat|dt|rt|ptt|cbt|oas)-|xox[abposr]-|hooks\.slack\.com/|k_(?:live|test)_|whsec_|"
        r"AIza|sk-|SG\.|SK[0-9a-f]|npm_|pypi-|xapp-|hf_|shp(?:at|ss|ca|pa)_|do[opr]_v1_|key-"
    )

    def validate(self, value: str) -> bool | None:
        """The random part carries a digit or a capital letter (not a placeholder word)."""
        tail = value.split("_", 2)[-1] if "_" in value else value[4:]
        if value.startswith("https://"):
            return None
        return None if any(ch.isdigit() or ch.isupper() for ch in tail) else False
