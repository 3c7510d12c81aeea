"""International bank account numbers (IBAN), checked with ISO 7064 MOD 97-10.

Written compact (``DE89370400440532013000``) or in groups of four (``DE89 3704 0044 0532 0130
00``, ``AL47-2121-1009-...``). The country's registered length decides where the IBAN ends, so a word written right after
it (``... 00 ASAP``) is not swallowed; countries outside the table are tried at every length from
the longest down.
"""

from __future__ import annotations

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.base import RegexRecognizer, mod97_valid

# Registered IBAN lengths (SWIFT IBAN registry) of the countries people here deal with most.
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
    "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27, "HR": 21, "HU": 28,
    "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31,
    "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
    "AE": 23, "BR": 29, "IL": 23, "SA": 24, "TR": 26, "UA": 29,
}


class IbanRecognizer(RegexRecognizer):
    """IBANs of any country, compact or grouped, with a valid MOD 97 check."""

    ENTITY = "IBAN_CODE"
    PATTERNS = (
        # Groups split by spaces or by dashes (one kind in an IBAN), as banks print them.
        ("iban", r"(?<![\w])[A-Z]{2}\d{2}(?:(?: ?[A-Z0-9]){11,30}|(?:-?[A-Z0-9]){11,30})(?![a-z0-9])",
         0.5),
    )
    CONTEXT = ("iban", "bank", "account", "transfer", "sepa")
    GATE = r"[A-Z]{2}\d{2}"  # country code and check digits open every match

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Return IBANs cut at their country's length."""
        results: list[RecognizerResult] = []
        if not self.may_match(text):
            return results
        for _, match, _ in self.pattern_matches(text):
            end = self._valid_end(match.group(), match.start())
            if end is not None:
                results.append(self._result(match.start(), end, self.VALIDATED_SCORE, "iban"))
        return results

    @staticmethod
    def _valid_end(candidate: str, offset: int) -> int | None:
        # Positions (in text) just after each alphanumeric character of the candidate.
        ends: list[int] = []
        compact: list[str] = []
        for index, char in enumerate(candidate):
            if char not in " -":
                compact.append(char)
                ends.append(offset + index + 1)
        expected = IBAN_LENGTHS.get(candidate[:2])
        lengths = [expected] if expected else list(range(min(len(compact), 34), 14, -1))
        for length in lengths:
            if length > len(compact):
                continue
            if mod97_valid("".join(compact[:length])):
                return ends[length - 1]
        return None


