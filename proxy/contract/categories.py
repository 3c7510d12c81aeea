"""Data categories: what kind of personal data a field path carries, as dot-separated labels.

Contracts label field paths with a category (``{action: keep, category: user.contact.email}``);
the data map (``proxy.config.datamap``) shows it next to the action, and counts what was sent per
category. Labels are hierarchical: ``user.contact`` covers ``user.contact.email``. A contract may
use any label under a known one (``user.contact.email.work``); a label under no known root is an
error at load.

The labels below are a small subset of the data categories of Fideslang (Ethyca's privacy
taxonomy, https://github.com/IABTechLab/fideslang), whose taxonomy is published under the
Creative Commons Attribution 4.0 licence (CC BY 4.0); the attribution is in the README. The
descriptions are ours, and so is the choice of what counts as sensitive (GDPR Art. 9 special
categories, Art. 10 criminal data, and identifiers whose loss harms directly: government ids,
card and bank numbers, credentials).

An unlabeled path gets a *suggested* category (``suggest_category``) from the entity types a
redaction rule looks for there and from the field's name; the data map shows it as a suggestion.
"""

from __future__ import annotations

import re

TAXONOMY: dict[str, str] = {
    "system": "Data about the systems, not about a person.",
    "system.operations": "Technical data needed to operate the exchange (ids, types, flags).",
    "user": "Data about a person (the data subject).",
    "user.name": "A person's name.",
    "user.contact": "Ways to reach a person.",
    "user.contact.email": "Email address.",
    "user.contact.phone_number": "Telephone number.",
    "user.contact.address": "Postal address.",
    "user.contact.address.street": "Street and house number.",
    "user.contact.address.city": "Town or city.",
    "user.contact.address.postal_code": "Postcode.",
    "user.contact.address.country": "Country of an address.",
    "user.unique_id": "An identifier of the person in our systems (possibly pseudonymized).",
    "user.account": "Account data: username, settings, status.",
    "user.authorization": "What lets the person, or someone on their behalf, sign in.",
    "user.authorization.credentials": "Passwords, API keys, secrets.",
    "user.content": "Free text written by or about the person (messages, notes, tickets).",
    "user.demographic": "Demographic data.",
    "user.demographic.date_of_birth": "Date of birth.",
    "user.demographic.age_range": "Age band or year of birth.",
    "user.demographic.gender": "Gender.",
    "user.demographic.race_ethnicity": "Racial or ethnic origin (GDPR Art. 9).",
    "user.demographic.religious_belief": "Religious or philosophical beliefs (GDPR Art. 9).",
    "user.demographic.political_opinion": "Political opinions (GDPR Art. 9).",
    "user.demographic.sexual_orientation": "Sex life or sexual orientation (GDPR Art. 9).",
    "user.device": "Device data.",
    "user.device.ip_address": "IP address.",
    "user.device.cookie_id": "Cookie identifiers.",
    "user.location": "Location of the person.",
    "user.location.imprecise": "Coarse location (grid cell, region).",
    "user.location.precise": "Precise location (GPS coordinates).",
    "user.financial": "Financial data.",
    "user.financial.bank_account": "Bank account number (IBAN).",
    "user.financial.credit_card": "Payment card number.",
    "user.payment": "Payment data that is not a card or account number (amounts, tokens).",
    "user.government_id": "Government identifiers (SSN, passport, national id, tax number).",
    "user.health_and_medical": "Health data (GDPR Art. 9).",
    "user.health_and_medical.genetic": "Genetic data (GDPR Art. 9).",
    "user.biometric": "Biometric data (GDPR Art. 9).",
    "user.union_membership": "Trade union membership (GDPR Art. 9).",
    "user.criminal_history": "Criminal convictions and offences (GDPR Art. 10).",
    "user.behavior": "Behaviour: purchases, browsing, usage.",
    "user.behavior.purchase_history": "What the person ordered.",
}

# A field of these categories (or under them) is sensitive: keeping it is worth a warning.
SENSITIVE: tuple[str, ...] = (
    "user.demographic.race_ethnicity", "user.demographic.religious_belief",
    "user.demographic.political_opinion", "user.demographic.sexual_orientation",
    "user.health_and_medical", "user.biometric", "user.union_membership",
    "user.criminal_history", "user.government_id", "user.financial.bank_account",
    "user.financial.credit_card", "user.authorization.credentials",
)

_LABEL = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")


def check_category(label: str) -> str:
    """``label`` if it is a known category or lies under one; ValueError naming the roots."""
    if not _LABEL.fullmatch(label):
        raise ValueError(f"category '{label}': dot-separated lowercase words "
                         "(e.g. user.contact.email)")
    if known_ancestor(label) is None:
        roots = sorted({key.split(".")[0] + "." + key.split(".")[1] for key in TAXONOMY
                        if key.count(".") >= 1})
        raise ValueError(f"category '{label}' is not in the taxonomy; use one of or one under: "
                         + ", ".join(roots))
    return label


def known_ancestor(label: str) -> str | None:
    """The longest known category equal to ``label`` or above it (not a bare root)."""
    parts = label.split(".")
    for end in range(len(parts), 1, -1):
        candidate = ".".join(parts[:end])
        if candidate in TAXONOMY:
            return candidate
    return None


def is_sensitive(label: str | None) -> bool:
    """Whether ``label`` is, or lies under, a sensitive category."""
    if not label:
        return False
    return any(label == s or label.startswith(s + ".") for s in SENSITIVE)


def describe(label: str) -> str:
    """The description of ``label`` or of its nearest known ancestor."""
    known = known_ancestor(label)
    return TAXONOMY.get(known or "", "")


# Entity types a redaction rule looks for -> the category of what it finds.
ENTITY_CATEGORIES: dict[str, str] = {
    "PERSON": "user.name",
    "EMAIL_ADDRESS": "user.contact.email",
    "PHONE_NUMBER": "user.contact.phone_number",
    "STREET_ADDRESS": "user.contact.address.street",
    "LOCATION": "user.location",
    "POSTCODE": "user.contact.address.postal_code",
    "CREDIT_CARD": "user.financial.credit_card",
    "IBAN_CODE": "user.financial.bank_account",
    "US_BANK_NUMBER": "user.financial.bank_account",
    "US_SSN": "user.government_id",
    "US_PASSPORT": "user.government_id",
    "US_DRIVER_LICENSE": "user.government_id",
    "US_ITIN": "user.government_id",
    "IP_ADDRESS": "user.device.ip_address",
    "DATE_TIME": "user.demographic.date_of_birth",
    "API_KEY": "user.authorization.credentials",
    "SECRET": "user.authorization.credentials",
    "MEDICAL_LICENSE": "user.health_and_medical",
}

# Words of a field's last name segment -> category (first match wins; most specific first).
_NAME_HINTS: tuple[tuple[str, str], ...] = (
    ("email", "user.contact.email"),
    ("e_mail", "user.contact.email"),
    ("phone", "user.contact.phone_number"),
    ("mobile", "user.contact.phone_number"),
    ("postal_code", "user.contact.address.postal_code"),
    ("postcode", "user.contact.address.postal_code"),
    ("zip", "user.contact.address.postal_code"),
    ("country", "user.contact.address.country"),
    ("city", "user.contact.address.city"),
    ("street", "user.contact.address.street"),
    ("address", "user.contact.address"),
    ("line1", "user.contact.address.street"),
    ("line2", "user.contact.address.street"),
    ("dob", "user.demographic.date_of_birth"),
    ("birth", "user.demographic.date_of_birth"),
    ("age", "user.demographic.age_range"),
    ("gender", "user.demographic.gender"),
    ("ssn", "user.government_id"),
    ("passport", "user.government_id"),
    ("iban", "user.financial.bank_account"),
    ("card", "user.financial.credit_card"),
    ("ip", "user.device.ip_address"),
    ("lat", "user.location.precise"),
    ("lon", "user.location.precise"),
    ("lng", "user.location.precise"),
    ("name", "user.name"),
    ("customer", "user.unique_id"),
    ("user_id", "user.unique_id"),
    ("external_id", "user.unique_id"),
    ("password", "user.authorization.credentials"),
    ("authorization", "system.operations"),
    ("amount", "user.payment"),
    ("source", "user.payment"),
    ("health", "user.health_and_medical"),
    ("diagnosis", "user.health_and_medical"),
)
_WORD = re.compile(r"[a-z0-9]+")


def suggest_category(path: str, entities: tuple[str, ...] | None = None,
                     free_text: bool = False) -> str:
    """A category for an unlabeled path: from the entity types looked for there (a redaction
    rule's ``entities``; free text without a list is ``user.content``), else from the field's
    name, else ``system.operations``. Only a suggestion: the data map says so."""
    if free_text:
        return "user.content"
    if entities:
        found = [ENTITY_CATEGORIES[e] for e in entities if e in ENTITY_CATEGORIES]
        if len(set(found)) == 1:
            return found[0]
        if found:
            return "user.content"
    last = re.sub(r"\[[^\]]*\]", "", path.rsplit(":", 1)[-1]).lower()
    segments = [s for s in last.split(".") if s]
    name = segments[-1] if segments else last
    words = _WORD.findall(name)
    joined = "_".join(words)
    for hint, category in _NAME_HINTS:
        if hint in words or (("_" in hint) and hint in joined):
            return category
    if len(segments) > 1:  # billing_details.address.country: the parent names it
        return suggest_category(".".join(segments[:-1]))
    return "system.operations"
