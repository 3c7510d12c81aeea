"""SecretRecognizer and ApiKeyRecognizer: credentials in text, and placeholders that are not."""

from __future__ import annotations

import pytest
from presidio_analyzer import EntityRecognizer

from recognizers.patterns.api_key_recognizer import ApiKeyRecognizer
from recognizers.patterns.secret_recognizer import SecretRecognizer

JWT = (
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
    "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
)
PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx4f\n-----END RSA PRIVATE KEY-----"
GHP = "ghp_" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5"

CASES: list[tuple[type[EntityRecognizer], str, list[str]]] = [
    (ApiKeyRecognizer, "key AKIAIOSFODNN7EXAMPLE here", ["AKIAIOSFODNN7EXAMPLE"]),
    (ApiKeyRecognizer, f"token {GHP}", [GHP]),
    (ApiKeyRecognizer, "glpat-xYz12345678901234567", ["glpat-xYz12345678901234567"]),
    (ApiKeyRecognizer, "xoxb-12345678901-1234567890123-abcdefGHIJKL",
     ["xoxb-12345678901-1234567890123-abcdefGHIJKL"]),
    (ApiKeyRecognizer, "sk_live_4eC39HqLyjWDarjtT1zdp7dc", ["sk_live_4eC39HqLyjWDarjtT1zdp7dc"]),
    (ApiKeyRecognizer, "sk_live_examplekeyvalueonly", []),  # placeholder: no digit or capital
    (ApiKeyRecognizer, "AKIA is the prefix", []),
    (SecretRecognizer, JWT, [JWT]),
    (SecretRecognizer, f"log:\n{PEM}\nend", [PEM]),
    (SecretRecognizer, "Authorization: Bearer abcdefghijklmnop1234", ["abcdefghijklmnop1234"]),
    (SecretRecognizer, "password=hunter2!", ["hunter2!"]),
    (SecretRecognizer, 'db_password: "s3cr3t-pw"', ["s3cr3t-pw"]),
    (SecretRecognizer, "api_key=abcd1234efgh", ["abcd1234efgh"]),
    (SecretRecognizer, "postgres://app:s3cr3tpw@db:5432/x", ["s3cr3tpw"]),
    (SecretRecognizer, "my password is Summer2024", ["Summer2024"]),
    (SecretRecognizer, "password: ********", []),
    (SecretRecognizer, "token=null", []),
    (SecretRecognizer, "password=${DB_PASSWORD}", []),
    (SecretRecognizer, "the password is incorrect", []),
    (SecretRecognizer, "reset your password today", []),
    # passwords in prose: the name, a few words, a verb or a colon, then the value
    (SecretRecognizer, "pw: Harbor!2031", ["Harbor!2031"]),
    (SecretRecognizer, "temp password for her account: Tr0ub4dor&3", ["Tr0ub4dor&3"]),
    (SecretRecognizer, "the password for the VPN is Xk7#mP2q!v.", ["Xk7#mP2q!v"]),
    (SecretRecognizer, "new password is: Tulip#77 and", ["Tulip#77"]),
    (SecretRecognizer, "Password - Winter2023!", ["Winter2023!"]),
    (SecretRecognizer, "I set her password to kelsparty2024", ["kelsparty2024"]),
    (SecretRecognizer, "PIN was changed to: 7781", ["7781"]),
    (SecretRecognizer, "the wifi password is \"Lemon tree 42\"", ["Lemon tree 42"]),
    (SecretRecognizer, "Passwort: Sommer2024!", ["Sommer2024!"]),
    (SecretRecognizer, "mot de passe : Soleil2020", ["Soleil2020"]),
    (SecretRecognizer, "PIN 4421", ["4421"]),
    (SecretRecognizer, "door code is 4512#", ["4512#"]),
    (SecretRecognizer, "session cookie sess_9qX4vL2mB7tR8wK1zN5yP0cJ3dF6gH",
     ["sess_9qX4vL2mB7tR8wK1zN5yP0cJ3dF6gH"]),
    # a generated-looking token right after the name, or answering it a line or two later
    (SecretRecognizer, "her old password Qm7!vR2x#Lp won't work", ["Qm7!vR2x#Lp"]),
    (SecretRecognizer, "admin password h&Yt*8kd%Pq2 expired", ["h&Yt*8kd%Pq2"]),
    (SecretRecognizer, "send me the router password pls\nbob: it's Wq9$rT4!mZx", ["Wq9$rT4!mZx"]),
    (SecretRecognizer, "wifi password?\nuse K7#nbP+2qzL.", ["K7#nbP+2qzL"]),
    (SecretRecognizer, "password reset requested", []),
    (SecretRecognizer, "the password manager crashed", []),
    (SecretRecognizer, "password for my account", []),
    (SecretRecognizer, "password 90210 days old", []),  # digits alone
    (SecretRecognizer, "password expired!", []),
    (SecretRecognizer, "password (optional) here", []),
    (SecretRecognizer, "password 2FA-enabled accounts", []),
    (SecretRecognizer, "password\nit's Summer2024 now", []),  # far from the name: needs a symbol too
    (SecretRecognizer, "password change\nuse the portal at ab12", []),
    # ... and their near misses: no value, a word, a number that is something else
    (SecretRecognizer, "her password was changed yesterday", []),
    (SecretRecognizer, "the password was sent to 555-0199", []),
    (SecretRecognizer, "the password for 2 accounts is required", []),
    (SecretRecognizer, "password must be 12 chars", []),
    (SecretRecognizer, 'Your password is "incorrect"', []),
    (SecretRecognizer, "PIN code 560001, Bengaluru", []),
    (SecretRecognizer, "boarding pass is 12B", []),
    (SecretRecognizer, "session started at 10:42:11", []),
    (SecretRecognizer, "DEBUG session f8479753-dbd9-489f-bbce-8068b1119d0f jwt=none", []),
    (SecretRecognizer, "cookie consent given by 12 users", []),
    # provider keys added with the prose cases
    (ApiKeyRecognizer, "hf token hf_" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3f", ["hf_" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3f"]),
    (ApiKeyRecognizer, "SG.aB3dE5gH7jK9mN1p.Q3sT5vW7yZ9bC1dE3fG5hJ7k", ["SG.aB3dE5gH7jK9mN1p.Q3sT5vW7yZ9bC1dE3fG5hJ7k"]),
    (ApiKeyRecognizer, "mailgun key-" + "0123456789abcdef" * 2, ["key-" + "0123456789abcdef" * 2]),
    (ApiKeyRecognizer, "press key-value pairs", []),
    # a short OpenAI key is found whole, prefix included; a hyphenated word is not a key
    (ApiKeyRecognizer, "use sk-Zr4mQ9pLx2Tn8Vb6Kc1Hd3 here", ["sk-Zr4mQ9pLx2Tn8Vb6Kc1Hd3"]),
    (ApiKeyRecognizer, "a sk-learn-compatible-estimator-api", []),
]


@pytest.mark.parametrize(("cls", "text", "expected"), CASES)
def test_secrets(cls: type[EntityRecognizer], text: str, expected: list[str]) -> None:
    recognizer = cls()
    results = recognizer.analyze(text, recognizer.supported_entities)
    assert [text[r.start : r.end] for r in results] == expected
