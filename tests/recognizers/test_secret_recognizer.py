"""SecretRecognizer and ApiKeyRecognizer: credentials in text, and placeholders that are not."""

from __future__ import annotations

import pytest
from presidio_analyzer import EntityRecognizer

from recognizers.api_key_recognizer import ApiKeyRecognizer
from recognizers.secret_recognizer import SecretRecognizer

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
]


@pytest.mark.parametrize(("cls", "text", "expected"), CASES)
def test_secrets(cls: type[EntityRecognizer], text: str, expected: list[str]) -> None:
    recognizer = cls()
    results = recognizer.analyze(text, recognizer.supported_entities)
    assert [text[r.start : r.end] for r in results] == expected
