"""Placeholders: deterministic names, collisions, restoring whole answers and streamed ones."""

from __future__ import annotations

import itertools
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proxy.enforce.placeholders import (
    MAX_PLACEHOLDER_LEN,
    PLACEHOLDER_RE,
    PlaceholderBook,
    PlaceholderCollisionError,
    PlaceholderFormat,
    PlaceholderNamer,
    StreamRestorer,
    normalize,
)
from recognizers.types import Span

KEY = b"k" * 32


def typed_book(scope: str = "tenant-a", key: bytes = KEY) -> PlaceholderBook:
    return PlaceholderBook(PlaceholderNamer(key), scope)


def surrogate_book(scope: str = "tenant-a") -> PlaceholderBook:
    return PlaceholderBook(PlaceholderNamer(KEY, PlaceholderFormat.SURROGATE), scope)


class CollidingNamer(PlaceholderNamer):
    """The values (all by default) draw the same name at ``collide_below`` hex digits and fewer."""

    def __init__(
        self,
        collide_below: int = 8,
        fmt: PlaceholderFormat = PlaceholderFormat.TYPED,
        values: frozenset[str] | None = None,
    ) -> None:
        super().__init__(KEY, fmt)
        self.collide_below = collide_below
        self.values = values

    def name(self, scope: str, entity: str, value: str, length: int = 8) -> str:
        if length <= self.collide_below and (self.values is None or value in self.values):
            return super().name(scope, entity, "same for all", length)
        return super().name(scope, entity, value, length)


# --- names ---------------------------------------------------------------------------------


def test_same_value_same_placeholder_across_books_and_calls() -> None:
    first = typed_book().placeholder_for("PERSON", "Jane Doe")
    book = typed_book()
    assert book.placeholder_for("PERSON", "Jane Doe") == first
    assert book.placeholder_for("PERSON", "Jane Doe") == first
    assert re.fullmatch(r"<PERSON_[0-9a-f]{8}>", first)
    assert PLACEHOLDER_RE.fullmatch(first)


def test_other_scope_key_or_entity_gives_another_placeholder() -> None:
    name = typed_book().placeholder_for("PERSON", "Jane Doe")
    assert typed_book(scope="tenant-b").placeholder_for("PERSON", "Jane Doe") != name
    assert typed_book(key=b"other key").placeholder_for("PERSON", "Jane Doe") != name
    assert typed_book().placeholder_for("PERSON", "John Doe") != name
    assert typed_book().placeholder_for("NRP", "Jane Doe")[1:4] == "NRP"


def test_name_is_the_documented_hmac() -> None:
    import hashlib
    import hmac

    digest = hmac.new(KEY, b"s\0EMAIL_ADDRESS\0jane@x.com", hashlib.sha256).hexdigest()
    namer = PlaceholderNamer(KEY)
    assert namer.name("s", "EMAIL_ADDRESS", " Jane@X.com ") == f"<EMAIL_ADDRESS_{digest[:8]}>"
    assert namer.name("s", "EMAIL_ADDRESS", "jane@x.com", 16) == f"<EMAIL_ADDRESS_{digest[:16]}>"


def test_bad_key_length_or_entity_label() -> None:
    with pytest.raises(ValueError):
        PlaceholderNamer(b"")
    with pytest.raises(ValueError):
        PlaceholderNamer(KEY).name("s", "PERSON", "x", 17)
    odd = PlaceholderNamer(KEY).name("s", "custom/thing-1", "x")
    assert PLACEHOLDER_RE.fullmatch(odd) and odd.startswith("<CUSTOM_THING_1_")


@pytest.mark.parametrize(
    ("entity", "value", "expected"),
    [
        ("PERSON", "  Jane \t\n  Doe ", "Jane Doe"),
        ("PERSON", "Jane\u00a0Doe", "Jane Doe"),  # NFKC: no-break space
        ("PERSON", "\uff2a\uff41\uff4e\uff45", "Jane"),  # NFKC: fullwidth letters
        ("PERSON", "JANE DOE", "JANE DOE"),  # case kept outside email addresses
        ("EMAIL_ADDRESS", " Jane.Doe@Example.COM ", "jane.doe@example.com"),
        ("EMAIL_ADDRESS", "STRASSE@x.de", "strasse@x.de"),
        ("PHONE_NUMBER", "212  555 0198", "212 555 0198"),
    ],
)
def test_normalize(entity: str, value: str, expected: str) -> None:
    assert normalize(entity, value) == expected


def test_normalized_forms_share_a_placeholder_and_restore_the_first_form() -> None:
    book = typed_book()
    name = book.placeholder_for("EMAIL_ADDRESS", "Jane@Example.com")
    assert book.placeholder_for("EMAIL_ADDRESS", " jane@example.COM") == name
    assert book.placeholder_for("PERSON", "Jane  Doe") == book.placeholder_for("PERSON", "Jane Doe")
    assert book.value_of(name) == "Jane@Example.com"
    assert book.placeholder_for("PERSON", "jane doe") != book.placeholder_for("PERSON", "Jane Doe")


def test_collision_lengthens_to_12_then_16_hex() -> None:
    book = PlaceholderBook(CollidingNamer(collide_below=12), "s")
    a = book.placeholder_for("PERSON", "Alice")
    b = book.placeholder_for("PERSON", "Bob")
    c = book.placeholder_for("PERSON", "Carol")
    assert [len(PLACEHOLDER_RE.fullmatch(p).group(2)) for p in (a, b, c)] == [8, 12, 16]  # type: ignore[union-attr]
    assert len({a, b, c}) == 3
    assert book.restore_text(f"{a} {b} {c}") == "Alice Bob Carol"
    assert book.placeholder_for("PERSON", "Bob") == b  # still deterministic


def test_collision_with_a_value_from_the_store_is_resolved_the_same_way() -> None:
    first = PlaceholderBook(CollidingNamer(), "s")
    a = first.placeholder_for("PERSON", "Alice")
    b = first.placeholder_for("PERSON", "Bob")
    assert len(b) == len(a) + 4
    second = PlaceholderBook(CollidingNamer(), "s", known=first.new)
    assert second.placeholder_for("PERSON", "Bob") == b
    assert second.placeholder_for("PERSON", "Alice") == a
    assert second.new == {}  # nothing to persist: both were known


def test_two_values_never_share_a_placeholder() -> None:
    book = PlaceholderBook(CollidingNamer(collide_below=16), "s")
    names = [book.placeholder_for("PERSON", v) for v in ("Alice", "Bob", "Carol")]
    assert len(set(names)) == 3
    with pytest.raises(PlaceholderCollisionError):  # no fourth length: fail, never share
        book.placeholder_for("PERSON", "Dave")
    assert book.placeholder_for("PERSON", "Carol") == names[2]


def test_new_holds_only_the_bindings_of_this_exchange() -> None:
    earlier = typed_book()
    old = earlier.placeholder_for("PERSON", "Jane Doe")
    book = PlaceholderBook(PlaceholderNamer(KEY), "tenant-a", known=earlier.new)
    new = book.placeholder_for("PERSON", "John Roe")
    assert book.placeholder_for("PERSON", "Jane Doe") == old
    assert book.new == {new: "John Roe"}
    assert book.value_of(old) == "Jane Doe" and book.value_of("<PERSON_00000000>") is None


# --- replacing and restoring ---------------------------------------------------------------


def test_replace_spans_merges_overlaps_and_neighbours() -> None:
    book = typed_book()
    text = "Mail jane.doe@example.com or call Jane Doe"
    spans = [
        Span(5, 25, "EMAIL_ADDRESS", 0.9),
        Span(5, 13, "PERSON", 0.6),  # inside the address: one replacement
        Span(34, 38, "PERSON", 0.8),
        Span(38, 42, "LOCATION", 0.5),  # touches the first name: merged, the higher score wins
        Span(40, 99, "PERSON", 0.1),  # past the end: clamped
    ]
    out, types = book.replace_spans(text, spans)
    email = book.placeholder_for("EMAIL_ADDRESS", "jane.doe@example.com")
    person = book.placeholder_for("PERSON", "Jane Doe")
    assert out == f"Mail {email} or call {person}"
    assert types == ["EMAIL_ADDRESS", "PERSON"]
    assert book.restore_text(out) == text
    assert book.replace_spans("nothing", []) == ("nothing", [])


def test_restore_known_unknown_and_adjacent() -> None:
    book = typed_book()
    jane = book.placeholder_for("PERSON", "Jane")
    doe = book.placeholder_for("PERSON", "Doe")
    invented = "<PERSON_0123abcd>"
    text = f"{jane}{doe}, {invented} and <PERSON> and {jane}."
    assert book.restore_text(text) == f"JaneDoe, {invented} and <PERSON> and Jane."
    assert (book.restored, book.unknown) == (3, 1)


def test_restore_whole_tokens_only() -> None:
    book = typed_book()
    jane = book.placeholder_for("PERSON", "Jane")
    longer = jane[:-1] + "ab>"  # the same digits and more: another token
    assert book.restore_text(longer) == longer
    assert book.restore_text("x" + jane[:-1]) == "x" + jane[:-1]
    assert book.restore_text("<" + jane + ">") == "<Jane>"
    assert book.unknown == 1


def test_restore_json_string_escapes_and_keeps_layout() -> None:
    book = typed_book()
    tricky = 'Jane "JD" Doe \\ C:\\temp'
    name = book.placeholder_for("PERSON", tricky)
    args = '{"z":"to NAME","a":[1.50,"NAME",{"k":"caf\\u00e9"}],"NAME":1}'.replace("NAME", name)
    restored = book.restore_json_string(args)
    assert json.loads(restored) == {"z": f"to {tricky}", "a": [1.5, tricky, {"k": "café"}], name: 1}
    assert list(json.loads(restored)) == ["z", "a", name]  # key order, keys not restored
    assert "1.50" in restored and "caf\\u00e9" in restored and ", " not in restored
    spaced = json.dumps({"b": name, "a": 2}, indent=2)
    assert book.restore_json_string(spaced) == spaced.replace(name, json.dumps(tricky)[1:-1])


def test_restore_json_string_falls_back_to_text() -> None:
    book = typed_book()
    name = book.placeholder_for("PERSON", "Jane")
    assert book.restore_json_string('{"a": "' + name) == '{"a": "Jane'
    assert book.restore_json_string(f'"{name}"') == '"Jane"'


# --- streams -------------------------------------------------------------------------------


def streamed(book: PlaceholderBook, pieces: list[str], bound: int) -> str:
    restorer = StreamRestorer(book)
    out = []
    for piece in pieces:
        out.append(restorer.feed(piece))
        assert restorer.held <= bound
    out.append(restorer.flush())
    assert restorer.held == 0
    return "".join(out)


def hold_bound(placeholders: list[str]) -> int:
    return max([MAX_PLACEHOLDER_LEN, *(len(p) for p in placeholders)])


def split(text: str, cuts: list[int]) -> list[str]:
    points = [0, *sorted(min(c, len(text)) for c in cuts), len(text)]
    return [text[a:b] for a, b in itertools.pairwise(points)]


# A stand-in from the store longer than any placeholder: the stream must hold all of it.
LONG_STAND_IN = "Maximiliana Theodora Featherstonehaugh-Cholmondeley of Bexhill-on-Sea"
COLLIDING = frozenset({"Alice", "Bob", "Carol"})


def stream_book(fmt: PlaceholderFormat) -> PlaceholderBook:
    """A book whose names include all three lengths (8, 12 and 16 hex, or surrogate tiers)."""
    namer = CollidingNamer(12, fmt, COLLIDING)
    return PlaceholderBook(namer, "tenant-a", known={LONG_STAND_IN: "the long one"})


def example(book: PlaceholderBook) -> tuple[list[str], list[str]]:
    """Placeholders of a book and filler that looks like them."""
    known = [
        LONG_STAND_IN,
        *(book.placeholder_for("PERSON", v) for v in sorted(COLLIDING)),
        book.placeholder_for("PERSON", "Jane Doe"),
        book.placeholder_for("PERSON", "Li"),
        book.placeholder_for("EMAIL_ADDRESS", "jane@corp.example"),
        book.placeholder_for("PHONE_NUMBER", "212-555-0198"),
        book.placeholder_for("US_SSN", "078-05-1120"),
        book.placeholder_for("A" * 40, "long label"),
    ]
    cuts_of = [p[: len(p) // 2] for p in known]
    filler = [
        "<",
        ">",
        "_",
        "-",
        "@",
        " ",
        "x",
        "é",
        "<PERSON_",
        "<PERSON_0123abcd>",
        "<A_1",
        "<PERSON_0123456789abcdef0>",
        "\n",
        *cuts_of,
        *(p + "s" for p in known),
    ]
    return known, filler


@pytest.mark.parametrize("fmt", list(PlaceholderFormat))
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_stream_equals_whole_for_any_split(fmt: PlaceholderFormat, data: st.DataObject) -> None:
    book = stream_book(fmt)
    known, filler = example(book)
    parts = data.draw(st.lists(st.sampled_from(known + filler), max_size=25))
    text = "".join(parts)
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=len(text) + 3))
    whole = book.restore_text(text)
    counts = (book.restored, book.unknown)
    book.restored = book.unknown = 0
    assert streamed(book, split(text, cuts), hold_bound(known)) == whole
    assert (book.restored, book.unknown) == counts


@pytest.mark.parametrize("fmt", list(PlaceholderFormat))
def test_stream_split_inside_each_placeholder_at_every_offset(fmt: PlaceholderFormat) -> None:
    book = stream_book(fmt)
    known, _ = example(book)
    text = "Hi " + " ".join(known) + "".join(known) + " <PERSON_0123abcd>, bye"
    whole = book.restore_text(text)
    bound = hold_bound(known)
    for first in range(len(text) + 1):
        assert streamed(book, [text[:first], "", text[first:]], bound) == whole
        for second in range(first, min(first + 30, len(text)) + 1):
            pieces = [text[:first], text[first:second], text[second:]]
            assert streamed(book, pieces, bound) == whole
    assert streamed(book, list(text), bound) == whole


def test_stream_holds_nothing_without_an_angle_bracket() -> None:
    book = typed_book()
    name = book.placeholder_for("PERSON", "Jane")
    restorer = StreamRestorer(book)
    for piece in ["Hello ", "there, ", "how are you?", ""]:
        assert restorer.feed(piece) == piece
        assert restorer.held == 0
    assert restorer.feed("Dear " + name[:5]) == "Dear "
    assert restorer.held == 5
    assert restorer.feed(name[5:] + ", hi") == "Jane, hi"
    assert restorer.feed("a < b, 1 <") == "a < b, 1 "  # "< " can never become a placeholder
    assert restorer.feed("2") == "<2"
    assert restorer.flush() == ""


def test_stream_flushes_a_cut_off_placeholder_as_written() -> None:
    book = typed_book()
    name = book.placeholder_for("PERSON", "Jane")
    restorer = StreamRestorer(book)
    assert restorer.feed("see " + name[:-1]) == "see "
    assert restorer.flush() == name[:-1]
    assert restorer.feed(name) == "Jane"  # a new block after flush


def test_stream_of_a_long_answer_holds_little() -> None:
    book = typed_book()
    name = book.placeholder_for("PERSON", "Jane")
    text = ("word " * 7 + name + " <NOT_A_PLACEHOLDER ") * 2000
    restorer = StreamRestorer(book)
    out = [restorer.feed(text[i : i + 3]) for i in range(0, len(text), 3)]
    assert "".join(out) + restorer.flush() == book.restore_text(text)


# --- surrogates ----------------------------------------------------------------------------


def test_surrogates_are_deterministic_and_realistic() -> None:
    book, again = surrogate_book(), surrogate_book()
    person = book.placeholder_for("PERSON", "Jane Doe")
    email = book.placeholder_for("EMAIL_ADDRESS", "jane@corp.example")
    phone = book.placeholder_for("PHONE_NUMBER", "212-555-0198")
    assert again.placeholder_for("PERSON", " Jane  Doe") == person
    assert surrogate_book("other").placeholder_for("PERSON", "Jane Doe") != person
    assert re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", person)
    assert re.fullmatch(r"[a-z]+\.[a-z]+\.[0-9a-f]{4}@example\.com", email)
    assert re.fullmatch(r"\+1-555-01\d\d-\d{4}", phone)
    assert PLACEHOLDER_RE.fullmatch(book.placeholder_for("US_SSN", "078-05-1120"))


def test_surrogates_restore_exactly_and_whole() -> None:
    book = surrogate_book()
    person = book.placeholder_for("PERSON", "Jane Doe")
    email = book.placeholder_for("EMAIL_ADDRESS", "jane@corp.example")
    text = f"{person} ({email}) wrote to {person}s and {person}-Smith. {person}!"
    assert book.restore_text(text) == (
        f"Jane Doe (jane@corp.example) wrote to {person}s and {person}-Smith. Jane Doe!"
    )
    assert book.restored == 3
    known = PlaceholderBook(
        PlaceholderNamer(KEY, PlaceholderFormat.SURROGATE), "tenant-a", known=book.new
    )
    assert known.restore_text(f"Hi {person}") == "Hi Jane Doe"


def test_colliding_surrogates_gain_a_suffix() -> None:
    book = PlaceholderBook(CollidingNamer(12, PlaceholderFormat.SURROGATE), "s")
    names = [book.placeholder_for("PERSON", v) for v in ("Alice", "Bob", "Carol")]
    assert re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", names[0])
    assert re.fullmatch(re.escape(names[0]) + r"-[A-Z][a-z]+", names[1])
    assert re.fullmatch(r"[A-Z][a-z]+ [A-Z]\. [A-Z][a-z]+-[A-Z][a-z]+", names[2])
    assert len(set(names)) == 3
    assert book.restore_text(" / ".join(names)) == "Alice / Bob / Carol"
    phones = [book.placeholder_for("PHONE_NUMBER", v) for v in ("1", "2")]
    assert re.fullmatch(r"\+1-555-01\d\d-\d{4} ext\. \d{3}", phones[1])
    mails = [book.placeholder_for("EMAIL_ADDRESS", v) for v in ("a@x", "b@x")]
    assert re.fullmatch(r"[a-z]+\.[a-z]+\.[0-9a-f]{8}@example\.com", mails[1])
