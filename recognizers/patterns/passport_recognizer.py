"""Passport numbers next to their label, in the languages our users write in.

``passport no. C01X00T47``, ``Reisepass C4F9KJ7L2``, ``passport: 512345678``, ``n° de passeport
09AA12345``. Passport numbers are six to ten capitals and digits in most countries, with no
check digit outside the machine-readable zone, so a bare one cannot be told from a product code;
Presidio's US_PASSPORT stays for US numbers with its own context.
"""

from __future__ import annotations

from recognizers.patterns.labeled_number_recognizer import LabeledNumberRecognizer
from recognizers.prefilter import WordGate


class PassportRecognizer(LabeledNumberRecognizer):
    """Six to ten capitals and digits (two digits at least) after a passport label."""

    ENTITY = "PASSPORT"
    LABEL = (
        r"(?i:passports?|pasaporte|passeport|reisepass(?:nummer|-?nr\.?)?|pass(?:nummer|-nr\.?)|"
        r"paszport(?:u)?|passaporto|paspoort(?:nummer)?|passaporte)"
        # Korean, Chinese, Japanese, Thai, Arabic, Russian
        r"|여권(?:번호)?|护照(?:号码?)?|護照(?:號碼?)?|パスポート(?:番号)?|旅券番号|หนังสือเดินทาง|"
        r"جواز(?: السفر)?|паспорт"
    )
    # Every label holds one of these (cheaper to scan for than the label alternation).
    GATE_WORDS = WordGate(["pas", "reisepass", "여권", "护照", "護照", "パスポート", "旅券",
                           "หนังสือเดินทาง", "جواز", "паспорт"])
    # One block; lowercase letters are not part of a passport number (``passport 12 pages``).
    VALUE = r"(?=[A-Z]*[0-9])[A-Z0-9]{6,10}"
