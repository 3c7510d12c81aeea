"""normalize: invisible characters, Unicode digits, odd separators; offsets map back."""

from __future__ import annotations

import sys

import pytest

import recognizers.normalize as normalize_module
from recognizers.normalize import normalize


@pytest.mark.parametrize(
    ("original", "normalized"),
    [
        ("plain ascii 212-555-0198", "plain ascii 212-555-0198"),
        ("４１１１ １１１１", "4111 1111"),  # fullwidth digits, ideographic space
        ("٠١٢٣", "0123"),  # Arabic-Indic digits
        ("jo\u200bhn@exa\u200dmple.com", "john@example.com"),  # zero-width space and joiner
        ("ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ", "john@example.com"),
        ("212\u2013555\u20140198", "212-555-0198"),  # en and em dash
        ("4111\u00a01111", "4111 1111"),  # no-break space
        ("caf\u00e9 \u00fcber", "caf\u00e9 \u00fcber"),  # letters are left alone
    ],
)
def test_normalized_text(original: str, normalized: str) -> None:
    assert normalize(original).text == normalized


def test_unchanged_text_has_no_map() -> None:
    result = normalize("café 212-555-0198")
    assert not result.changed
    assert result.to_original(5, 17) == (5, 17)


def test_spans_map_back_to_the_original_characters() -> None:
    original = "mail: jo\u200bhn@example.com, card ４１１１ １１１１"
    result = normalize(original)
    start = result.text.index("john@example.com")
    mapped = result.to_original(start, start + len("john@example.com"))
    assert original[mapped[0] : mapped[1]] == "jo\u200bhn@example.com"
    start = result.text.index("4111 1111")
    mapped = result.to_original(start, start + len("4111 1111"))
    assert original[mapped[0] : mapped[1]] == "４１１１ １１１１"


def test_removed_characters_at_the_edges_stay_outside() -> None:
    original = "\u200b\u200b42\u200b"
    result = normalize(original)
    assert result.text == "42"
    assert result.to_original(0, 2) == (2, 4)


@pytest.mark.parametrize(
    ("original", "normalized"),
    [
        ("jane%40example.com", "jane@example.com"),
        ("jane&#64;example.com", "jane@example.com"),
        ("jane&#x40;example&period;com", "jane@example.com"),
        ("jane&commat;example.com", "jane@example.com"),
        ("100%25 sure", "100% sure"),
        ("50%off and %zz", "50%off and %zz"),   # not escapes: left alone
        ("%00 and %7F", "%00 and %7F"),          # only printable ASCII is decoded
    ],
)
def test_escapes_are_decoded(original: str, normalized: str) -> None:
    assert normalize(original).text == normalized


def test_decoded_escapes_map_back_to_the_whole_escape() -> None:
    result = normalize("mail jane%40example.com now")
    start = result.text.index("jane")
    end = result.text.index(" now")
    assert result.to_original(start, end) == (5, 23)
    assert result.to_original(start + 4, start + 5) == (9, 12)  # "@" came from "%40"


def test_the_fast_path_class_is_exactly_what_normalization_changes() -> None:
    """A text without a character of ``_special`` is returned unchanged without the per-character
    loop: the class must hold every character ``_replacement`` changes and nothing else."""
    special = normalize_module._special()
    wrong = [code for code in range(0x80, sys.maxunicode + 1)
             if (normalize_module._replacement(chr(code)) is not None)
             != (special.fullmatch(chr(code)) is not None)]
    assert wrong == []
