"""Every entity type the engine from ``build_analyzer`` (default model) can return.

Hard-coded so that contract validation (``entities: [...]`` in vendor YAML) needs no model load.
``tests/recognizers/test_engine.py`` checks this set against a real engine, so it cannot drift.
"""

from __future__ import annotations

# Entity types produced by spaCy NER through the mapping in `recognizers.engine`.
NER_ENTITIES: frozenset[str] = frozenset(
    {"PERSON", "LOCATION", "NRP", "DATE_TIME", "ORGANIZATION"}
)

# Entity types of Presidio's predefined recognizers enabled for English by default.
PATTERN_ENTITIES: frozenset[str] = frozenset(
    {
        "CREDIT_CARD",
        "CRYPTO",
        "EMAIL_ADDRESS",
        "IBAN_CODE",
        "IP_ADDRESS",
        "MAC_ADDRESS",
        "MEDICAL_LICENSE",
        "PHONE_NUMBER",
        "URL",
        "US_BANK_NUMBER",
        "US_DRIVER_LICENSE",
        "US_ITIN",
        "US_PASSPORT",
        "US_SSN",
        "UK_NHS",
        "UUID",
    }
)

KNOWN_ENTITIES: frozenset[str] = NER_ENTITIES | PATTERN_ENTITIES
