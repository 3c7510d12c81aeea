"""One regex for a long list of cue words, shaped as a trie.

A pattern ``(?i:hi|hiya|hello|hey|...)`` with hundreds of words makes the regex engine try every
word at every position of a text. The same words as a trie (``h(?:i(?:ya)?|e(?:llo|y))``)
let it give up at the first character that no word continues with, which makes the cue
recognizers several times cheaper on ordinary text. The words match exactly as before; spaces
inside a word match any run of whitespace.
"""

from __future__ import annotations

from collections.abc import Iterable

import regex

_END = ""


def alternation(words: Iterable[str]) -> str:
    """A non-capturing regex matching exactly one of ``words`` (longest alternatives first at
    each branch, so a longer word is preferred where a shorter one is its prefix)."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[_END] = {}
    return _render(trie)


def _render(node: dict[str, dict]) -> str:
    ends_here = _END in node
    branches = [
        _atom(char) + _render(child) for char, child in sorted(node.items()) if char != _END
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    # Where a word may stop or go on, going on is tried first (the longest match).
    return "(?:" + body + ")?" if ends_here else body


def _atom(char: str) -> str:
    return r"\s+" if char == " " else regex.escape(char)


def words(text: str) -> list[str]:
    """Cue words written one per ``|``-separated item, whitespace around items ignored."""
    return [item.strip() for item in text.split("|") if item.strip()]
