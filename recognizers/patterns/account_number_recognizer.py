"""Account, member, customer and loyalty numbers next to their label: ``acct no 00418837261``,
``member #88301927``, ``loyalty account 4410 2281 773``, ``customer number: CU-448812``,
``Kundennummer 7781-2231``.

Each names one person at one company, in a format only that company knows, so only the label
identifies it. Order, invoice, ticket, tracking, booking and case numbers are not labels here:
they name a transaction, not a person. Bank sort codes and routing numbers are not either
(``account and routing number`` stops at ``and``); IBANs and cards are reported by their own
recognizers, which outrank this one on the same digits.
"""

from __future__ import annotations

from recognizers.patterns.labeled_number_recognizer import (
    NUMBER_WORD,
    LabeledNumberRecognizer,
    value_groups,
)
from recognizers.prefilter import WordGate


class AccountNumberRecognizer(LabeledNumberRecognizer):
    """Numbers (five digits at least) after an account, member, customer or loyalty label."""

    ENTITY = "ACCOUNT_NUMBER"
    LABEL = (
        r"(?i:(?:bank|checking|savings|loyalty|rewards?|customer|client|member|billing)[ \t]+account|"
        r"account|acct\.?|a/c|member(?:ship)?|customer(?:[ \t]+ref(?:erence)?)?|client|"
        r"loyalty(?:[ \t]+(?:card|member(?:ship)?|programme|program))?|"
        r"rewards?(?:[ \t]+(?:card|member(?:ship)?))?|frequent[ \t]+flyer|subscriber|"
        r"kunden(?:nummer|-?nr\.?)|mitglieds(?:nummer|-?nr\.?)|konto(?:nummer|-?nr\.?)?|"
        r"klant(?:nummer)?|lid(?:maat)?nummer|rekeningnummer|cliente|socio|klienta|compte|"
        # current accounts in Spanish, Portuguese, Italian; Argentine CBU/CVU, Mexican CLABE
        r"cuenta(?:[ \t]+corriente)?|conta(?:[ \t]+corrente)?|conto(?:[ \t]+corrente)?|"
        r"cbu|cvu|clabe)"
        rf"|(?i:acc)(?=[ \t]*{NUMBER_WORD})"
    )
    # "bank account" holds "account" at a word start; "acc" starts account, acct and acc no.
    GATE_WORDS = WordGate([
        "acc", "a/c", "member", "customer", "client", "loyalty", "reward", "frequent",
        "subscriber", "kunden", "mitglieds", "konto", "klant", "lid", "rekeningnummer", "socio",
        "cuenta", "klienta", "compte", "conta", "conto", "cbu", "cvu", "clabe",
    ], at_word_start=True)
    # ``CU-448812``, ``4410 2281 773``, ``ZA-7731-0029-55``: groups after the first hold a digit.
    # One group may be as long as a CBU (22 digits).
    VALUE = value_groups(r"[A-Z0-9]{1,22}", r"[A-Z]*[0-9][A-Z0-9]*")
    MIN_VALUE_DIGITS = 5
