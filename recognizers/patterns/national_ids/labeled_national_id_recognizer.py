"""National identity numbers of any country, right after their label.

``resident ID is 440304199008175230``, ``Codice fiscale: DSNGLI79M52D612L``, ``CURP
GUOF880623MJCTCR08``, ``PAN: AKJPI4827L``, ``NIK 3174051207830004``, ``C.C. 1.020.745.318``,
``dowód osobisty AYD 482917``, ``"cccd":"079203004128"``. The checksummed identifiers of this
package (SSN, NINO, BSN, NIR, NIF, Steuer-ID) are found without a label; the dozens of others
have formats no pattern could tell from an order number, so the label is what marks them. The
value is eight or more capitals and digits (four digits at least), in groups split by dots,
dashes or spaces.
"""

from __future__ import annotations

from recognizers.patterns.labeled_number_recognizer import LabeledNumberRecognizer
from recognizers.prefilter import WordGate


class LabeledNationalIdRecognizer(LabeledNumberRecognizer):
    """An identity number after the name of a national identity document or number."""

    ENTITY = "NATIONAL_ID"
    LABEL = (
        r"(?i:national[ \t_-]?id(?:entity)?(?:[ \t_-]?(?:card|number|no))?|resident[ \t_-]?id|"
        r"identity[ \t_-]?(?:card|number|document)|id[ \t_-]?card|citizen[ \t_-]?id|"
        r"codice[ \t_]fiscale|curp|rfc|pan|aadhaar|nik|ktp|cccd|cmnd|c\.c\.|"
        r"c[ée]dula(?:[ \t]+de[ \t]+(?:ciudadan[ií]a|identidad))?|dni|cpf|pesel|"
        r"dow[óo]d(?:[ \t]+osobisty)?|personnummer|personnr|cpr(?:-nr\.?)?|hetu|henkil[öo]tunnus|"
        r"tc[ \t]+kimlik(?:[ \t]+no)?|tckn|kimlik[ \t]+no|emirates[ \t]+id|iqama|nric|mykad|"
        r"hkid|rut|nin|bvn|tfn|rnokpp|инн|снилс|身份证号?|주민등록번호|マイナンバー|"
        # a record's "ssn" holding another country's number ("ssn=19321348072"), and the
        # personal codes of more countries
        r"ssn|isikukood|asmens[ \t]+kodas|personas[ \t]+kods|egn|егн|oib|jmbg|emšo|cnp|amka|afm|"
        r"αμκα|αφμ)"
        # "Codice fiscale per contratto: ...", "NIK untuk kontrak: ...": words, then a colon.
        r"(?:[ \t]+\p{Ll}+){0,2}(?=[ \t]*:)?"
    )
    GATE_WORDS = WordGate([
        "national", "resident", "identity", "id", "citizen", "codice", "curp", "rfc", "pan",
        "aadhaar", "nik", "ktp", "cccd", "cmnd", "c.c.", "cédula", "cedula", "dni", "cpf", "pesel",
        "dowód", "dowod", "personn", "cpr", "hetu", "henkil", "tc", "tckn", "kimlik", "emirates",
        "iqama", "nric", "mykad", "hkid", "rut", "nin", "bvn", "tfn", "rnokpp", "инн", "снилс",
        "身份证", "주민등록번호", "マイナンバー", "ssn", "isikukood", "asmens", "personas", "egn",
        "егн", "oib", "jmbg", "emšo", "cnp", "amka", "afm", "αμκα", "αφμ",
    ], at_word_start=True)
    VALUE = r"(?=[A-Z0-9.\- ]*\d)[A-Z0-9](?:[A-Z0-9]|[.\- ](?=[A-Z0-9])){7,24}"
    MIN_VALUE_DIGITS = 4  # an Indian PAN (AKJPI4827L) has four
    SCORE = 0.75
