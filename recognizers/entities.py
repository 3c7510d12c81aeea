"""Every entity type the engine from ``build_analyzer`` (default settings) can return.

Hard-coded so that contract validation (``entities: [...]`` in vendor YAML) needs no model load.
``tests/recognizers/test_engine.py`` checks this set against a real engine, so it cannot drift.
Custom recognizers declared in a contract add their own entity names on top of these.
"""

from __future__ import annotations

# Entity types produced by spaCy NER through the mapping in `recognizers.engine` (the shipped
# PII model adds STREET_ADDRESS and POSTCODE to the small English model's labels).
NER_ENTITIES: frozenset[str] = frozenset(
    {"PERSON", "LOCATION", "NRP", "DATE_TIME", "ORGANIZATION", "STREET_ADDRESS", "POSTCODE"}
)

# Entity types of the pattern recognizers in `recognizers.registry`.
PATTERN_ENTITIES: frozenset[str] = frozenset(
    {
        # ours
        "ACCOUNT_NUMBER",
        "AGE",
        "API_KEY",
        "CREDIT_CARD",
        "DATE_OF_BIRTH",
        "DE_TAX_ID",
        "DRIVER_LICENSE",
        "ES_NIF",
        "FR_NIR",
        "IBAN_CODE",
        "IP_ADDRESS",
        "MAC_ADDRESS",
        "NATIONAL_ID",
        "NL_BSN",
        "PASSPORT",
        "PHONE_NUMBER",
        "POSTCODE",
        "SECRET",
        "STREET_ADDRESS",
        "UK_NINO",
        "USERNAME",
        "US_SSN",
        # Presidio's, kept as they are
        "CRYPTO",
        "EMAIL_ADDRESS",
        "URL",
        "UUID",
        # Presidio's URL pattern, personal pages only (recognizers.patterns.url_recognizer)
        "URL_PERSONAL",
        # Presidio's, behind a context gate
        "MEDICAL_LICENSE",
        "UK_NHS",
        "US_BANK_NUMBER",
        "US_DRIVER_LICENSE",
        "US_ITIN",
        "US_PASSPORT",
    }
)

# Reported by the detector itself rather than a registry recognizer: a request's deny-list terms.
DETECTOR_ENTITIES: frozenset[str] = frozenset({"DENIED_TERM"})

KNOWN_ENTITIES: frozenset[str] = NER_ENTITIES | PATTERN_ENTITIES | DETECTOR_ENTITIES

# Not personal on their own: an ordinary date, a weekday, a company, a nationality, a city named
# outside an address. A `redact` rule with no entity list leaves them to the vendor under the
# standard sensitivity (removing them costs the vendor information and protects no one) and
# removes them under the strict one. A contract that lists them gets them either way.
# URL too: a company's URL (its API, docs, tracking page) is not personal; URL_PERSONAL (a
# profile or personal page) is, and stays in the standard set.
CONTEXT_ENTITIES: frozenset[str] = frozenset(
    {"DATE_TIME", "ORGANIZATION", "NRP", "LOCATION", "URL"}
)

# What `redact` without an entity list removes under the standard sensitivity.
STANDARD_ENTITIES: tuple[str, ...] = tuple(sorted(KNOWN_ENTITIES - CONTEXT_ENTITIES))
