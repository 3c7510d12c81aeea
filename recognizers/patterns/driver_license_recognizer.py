"""Driving-licence numbers next to their label: ``DL# D123-4567-8901``, ``driving licence
MORGA753116SM9IJ``, ``Führerschein B072RRE2I55``, ``permis de conduire 12AB34567``.

Licence formats differ by US state and by country and collide with order and ticket numbers,
so only the label identifies one. A bare ``licence`` counts only with a number word, and not
after ``software``, ``product``, ``plate`` and the like (a product key or a business licence is
not a driver's). Reported as DRIVER_LICENSE, whatever the country; Presidio's gated
US_DRIVER_LICENSE stays for US shapes near its own words.
"""

from __future__ import annotations

from recognizers.patterns.labeled_number_recognizer import (
    NUMBER_WORD,
    LabeledNumberRecognizer,
    value_groups,
)
from recognizers.prefilter import WordGate


class DriverLicenseRecognizer(LabeledNumberRecognizer):
    """Licence numbers (four digits at least) after a driving-licence label."""

    ENTITY = "DRIVER_LICENSE"
    LABEL = (
        r"(?i:driver['’]?s?[ \t]+licen[cs]e|driving[ \t]+licen[cs]e|drivers?[ \t]+licen[cs]e|"
        r"führerschein(?:nummer)?|fuehrerschein(?:nummer)?|permis[ \t]+de[ \t]+conduire|"
        r"(?:carnet|licencia|permiso)[ \t]+de[ \t]+conducir|prawo[ \t]+jazdy|"
        r"patente(?:[ \t]+di[ \t]+guida)?|rijbewijs(?:nummer)?|carta[ \t]+de[ \t]+condu[çc][ãa]o)"
        r"|(?-i:DL|D/L|DLN|CDL)"
        rf"|(?i:licen[cs]e)(?=[ \t]*{NUMBER_WORD})"
    )
    GATE_WORDS = WordGate([
        "driver", "driving", "führerschein", "fuehrerschein", "permis", "carnet", "licen",
        "prawo", "patente", "rijbewijs", "carta", "dl", "d/l", "cdl",
    ], at_word_start=True)
    NOT_AFTER = (
        r"software|product|business|trade|medical|nursing|pharmacy|contractor|liquor|plate|"
        r"vehicle|vendor|site|volume|enterprise|pilot|radio|amateur|broker|real[ \t]+estate"
    )
    # ``D123-4567-8901``, ``MORGA 753116 SM9IJ``: groups after the first hold a digit.
    VALUE = value_groups(r"[A-Z0-9]{1,16}", r"[A-Z]*[0-9][A-Z0-9]*")
    MIN_VALUE_DIGITS = 4
