"""word_alternation: the trie regex matches exactly the listed words, longest first."""

from __future__ import annotations

import regex

from recognizers.word_alternation import alternation, words

WORDS = ["hi", "hiya", "hello", "hey", "best", "best regards", "dank je", "grüße", "c'est"]


def test_matches_exactly_the_words() -> None:
    pattern = regex.compile(alternation(WORDS))
    for word in WORDS:
        assert pattern.fullmatch(word), word
    for other in ["h", "he", "hell", "bes", "best regard", "grüß", "c'es", "hiy"]:
        assert not pattern.fullmatch(other), other


def test_longest_word_first_and_any_whitespace_inside() -> None:
    pattern = regex.compile(alternation(WORDS))
    assert pattern.match("best regards, Ana").group() == "best regards"
    assert pattern.match("hiya there").group() == "hiya"
    assert pattern.fullmatch("dank  je")


def test_words_splits_on_bars_and_ignores_blank_items() -> None:
    assert words(" hi | hello |\n | best regards ") == ["hi", "hello", "best regards"]
