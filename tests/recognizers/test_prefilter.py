"""Gates (recognizers.prefilter) only skip texts that could give no result.

Every recognizer of the registry runs twice over the accuracy corpus, the benchmark payloads
and hand-written edge cases: once as built (gated) and once with its gate removed. The results
must be identical; a gate that hid one match would fail here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.predefined_recognizers import CryptoRecognizer, EmailRecognizer

import recognizers.patterns.url_recognizer as url_module
import recognizers.prefilter as prefilter_module
from benchmarks.accuracy.synthetic import FROZEN_TEST, read_jsonl
from benchmarks.payloads import make_payloads
from recognizers.base import RegexRecognizer
from recognizers.custom import CustomRecognizerSpec, build_custom_recognizer
from recognizers.patterns.context_gated_recognizer import ContextGatedRecognizer
from recognizers.prefilter import (
    AnyGate,
    PrefilteredCryptoRecognizer,
    PrefilteredEmailRecognizer,
    WordGate,
    context_words_gate,
    digits_gate,
    loosened_context_gate,
    passes,
)
from recognizers.registry import build_recognizers
from recognizers.settings import AnalyzerSettings

# Texts at the edges of the gates: context words at window edges and split across the
# before/after join, Unicode digits, case-folded letters, separators inside numbers.
EDGE_CASES = [
    "xnhs 943 476 5919",
    "NHS number 943 476 5919",
    "tax 912-70-1234 id",
    "driver's license D1234567",
    "passport no. 912803456",
    "Routing 021000021 account 123456789012",
    "uuid 123e4567-e89b-12d3-a456-426614174000",
    "Card ٤١١١ ١١١١ ١١١١ ١١١١ please",
    "SSN ١٢٣-٤٥-٦٧٨٩",
    "visit EXAMPLE.COM or exampleK.com or www.example.org/path",
    "mail JANE.ROE@EXAMPLE.COM and x@y.z",
    "wallet 1BoatSLRHtKNngkdXEeobR76b53LETtpyT and bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
    "IBAN DE89 3704 0044 0532 0130 00 and gb82west12345698765432",
    "ip 10.0.0.1, ::1 and fe80::1ff:fe23:4567:890a, mac 00:1A:2B:3C:4D:5E, 0011.2233.4455",
    "born 1990-04-12, aged 42, dob 4/12/90, 12th of March 1984",
    "Steuer-ID 65 929 970 489, BSN 1112.22.333, NIR 2 84 12 2A 123 456 78",
    "token=abc123XYZ password is hunter2! Bearer abcdefghijklmnopqrstuvwxyz",
    "key AKIAIOSFODNN7EXAMPLE and ghp_" + "a1B2" * 9 + " and sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
    "SG." + "a" * 22 + "." + "b" * 43,
    "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----",
    "NINO QQ 12 34 56 C, NIE X1234567L, DNI 12345678Z",
    "National Insurance AB 12 34 56 C and JG103759A",
    "zip 94103, SW1A 1AA, K1A 0B1, 1012 AB",
    "12 Main Street, Springfield, IL 62704",
    "ping @maya_k, user=j.okafor\n[10:42] maya_k: hi\n<j_ok> hey",
    "passport no. C01X00T47, DL# D123-4567-8901, member #88301927",
    "",
    "no digits and no symbols at all",
    # Word gates (cue words, key names) meet other casings and letters that fold to theirs:
    # the Kelvin sign and long s, a dotted capital I, Greek and Cyrillic capitals.
    "HELLO ANNA-MARIA, THANKS", "Grüße, Jürgen Weiß", "\u212aunde: Jan Novák",
    "paſſword: Xy12345!abc", "USERNAME: maya_k", "İyi günler, Ayşe Yılmaz",
    "ΓΕΙΑ ΣΟΥ Νίκο", "ЗДРАВСТВУЙТЕ, Иван Петров", "postal_code: 60200", "ZIP=94103",
    "Attendees: Ana Ruiz, Tom Lee.", "between Ana Ruiz and Tom Lee ", "Ana Ruiz speaking",
    "first,last,email\nAna,Ruiz,ana@example.com", "NOM;PRÉNOM\nMartin;Élodie",
]


def _corpus() -> list[str]:
    texts = [record["full_text"] for record in read_jsonl(FROZEN_TEST)[:1800]]
    texts += [text for payload in make_payloads(200) for text in payload.free_texts]
    return texts + EDGE_CASES


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    return _corpus()


def _key(results: list[RecognizerResult] | None) -> list[tuple[str, int, int, float]]:
    return sorted((r.entity_type, r.start, r.end, round(r.score, 6)) for r in results or [])


def _without(owner: Any, names: tuple[str, ...], value: Any, run: Any) -> Any:
    """``run`` with the attributes ``names`` of ``owner`` set to ``value`` for its duration."""

    def call(text: str) -> Any:
        saved = [getattr(owner, name) for name in names]
        for name in names:
            setattr(owner, name, value)
        try:
            return run(text)
        finally:
            for name, old in zip(names, saved, strict=True):
                setattr(owner, name, old)

    return call


def _ungated(recognizer: EntityRecognizer) -> Any:
    """A function that runs ``recognizer`` without its gate."""

    def own(text: str) -> Any:
        return recognizer.analyze(text, recognizer.supported_entities, None)

    if isinstance(recognizer, RegexRecognizer):
        every_pattern = _without(recognizer, ("PATTERN_GATES",), {}, own)
        return _without(recognizer, ("_gate", "_digits_gate", "_context_gate"), None,
                        every_pattern)
    if isinstance(recognizer, ContextGatedRecognizer):
        return _without(recognizer, ("_gate",), None, own)
    if isinstance(recognizer, PrefilteredEmailRecognizer):
        # Same input as the recognizer's own (query delimiters blanked), without the "@" gate.
        return lambda text: EmailRecognizer.analyze(
            recognizer, text.translate(prefilter_module._QUERY_DELIMITERS), ["EMAIL_ADDRESS"], None
        )
    if isinstance(recognizer, PrefilteredCryptoRecognizer):
        return lambda text: CryptoRecognizer.analyze(recognizer, text, ["CRYPTO"], None)
    if isinstance(recognizer, url_module.BoundedUrlRecognizer):
        # An empty pattern is found in every text.
        return _without(url_module, ("_URL_GATE",), regex.compile(""), own)
    return None


def _gated_recognizers() -> Iterator[EntityRecognizer]:
    for recognizer in build_recognizers(AnalyzerSettings()):
        if _ungated(recognizer) is not None:
            yield recognizer


@pytest.mark.parametrize("recognizer", list(_gated_recognizers()), ids=lambda r: str(r.name))
def test_gate_never_hides_a_result(recognizer: EntityRecognizer, corpus: list[str]) -> None:
    ungated = _ungated(recognizer)
    found = 0
    for text in corpus:
        expected = _key(ungated(text))
        assert _key(recognizer.analyze(text, recognizer.supported_entities, None)) == expected, (
            f"{recognizer.name}: the gate changed the result on corpus text #{corpus.index(text)}"
        )
        found += bool(expected)
    if recognizer.name not in {"GatedUsItinRecognizer", "GatedMedicalLicenseRecognizer"}:
        assert found, f"{recognizer.name} found nothing: the comparison proves nothing"


def test_every_pattern_recognizer_of_the_registry_is_checked() -> None:
    names = {str(r.name) for r in _gated_recognizers()}
    # The two without a gate: spaCy NER and the phone matcher (it has its own digit check).
    others = {str(r.name) for r in build_recognizers(AnalyzerSettings())} - names
    assert others == {"NerRecognizer", "PhoneNumberRecognizer"}


@pytest.mark.parametrize(
    ("count", "text", "expected"),
    [
        (0, "", True),
        (1, "", False),
        (3, "a1b2c3", True),
        (4, "a1b2c3", False),
        (2, "١ and 2", True),  # Unicode digits count, as \d counts them in the patterns
        (9, "123-45-6789", True),
    ],
)
def test_digits_gate(count: int, text: str, expected: bool) -> None:
    assert passes(digits_gate(count), text) is expected


def test_context_words_gate_is_looser_than_any_window() -> None:
    gate = context_words_gate(["tax id", "itin"])
    assert gate is not None
    assert gate.search("TAX") and gate.search("xid") and gate.search("Itinerary")
    assert not gate.search("nothing here")
    assert context_words_gate([]) is None


@pytest.mark.parametrize(
    ("required", "loosened"),
    [
        (r"\bbsn\b|sofi", "bsn|sofi"),
        (r"(?<!\w)(?:tax id|vat)(?!\w)", "(?:tax id|vat)"),
        (r"^born", None),  # an anchor depends on text outside the window
        (r"(?<=x)born", None),
        (r"[\b]born", None),  # inside a class \b is a backspace
        (r"a\\b", None),  # an escaped backslash, then a letter b
    ],
)
def test_loosened_context_gate(required: str, loosened: str | None) -> None:
    gate = loosened_context_gate(required)
    assert (gate.pattern if gate is not None else None) == loosened


def test_custom_recognizer_with_required_context_is_gated_and_unchanged() -> None:
    spec = CustomRecognizerSpec(
        name="member-id", entity="MEMBER_ID", patterns=[{"regex": r"\bM\d{7}\b"}],
        context=["member", "membership no."], context_required=True,
    )
    recognizer = build_custom_recognizer(spec, "en")
    assert recognizer._context_gate is not None
    texts = ["member M1234567", "xmember M1234567", "M1234567 alone", "Membership No. M7654321",
             "membership noM1234567"]
    ungated = _ungated(recognizer)
    for text in texts:
        assert _key(recognizer.analyze(text, ["MEMBER_ID"], None)) == _key(ungated(text))
    assert _key(recognizer.analyze("member M1234567", ["MEMBER_ID"], None))
    assert not recognizer.analyze("M1234567 alone", ["MEMBER_ID"], None)


@pytest.mark.parametrize(("text", "expected"), [
    ("Hi Anna", True), ("HI ANNA", True), ("this", False), ("xhi there", False),
    ("_hi", False), ("(hi)", True), ("Grüße Jan", True), ("ПРИВЕТ", True),
    ("bare words only", False),
])
def test_word_gate(text: str, expected: bool) -> None:
    gate = prefilter_module.WordGate(["hi", "grüße", "привет"], at_word_start=True)
    assert bool(gate.search(text)) is expected


def test_word_gate_is_implied_by_case_insensitive_regex_matching() -> None:
    """Every BMP character regex's (?i) matches to a gate letter passes the gate, lowered or not."""
    words = ["key", "pass", "secret", "grüße", "γεια"]
    gate = prefilter_module.WordGate(words)
    for word in words:
        pattern = regex.compile("(?i)" + regex.escape(word))
        for position in range(len(word)):
            for char in prefilter_module._cased_bmp():
                text = word[:position] + char + word[position + 1:]
                if pattern.fullmatch(text):
                    assert gate.search(text), (word, hex(ord(char)))


def test_any_gate_passes_when_one_of_its_gates_does() -> None:
    gate = AnyGate(WordGate(["login"]), WordGate(["ig"], at_word_start=True), re.compile("@"))

    assert gate.search("LOGIN: maya") and gate.search("IG maya") and gate.search("a@b")
    assert gate.search("right, no handle here") is None
    assert passes(gate, "x_LoGiN") and not passes(gate, "big")
