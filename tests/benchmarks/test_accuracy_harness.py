"""The accuracy harness: a deterministic corpus with exact gold spans, and the matching rules."""

from __future__ import annotations

from benchmarks.accuracy.corpus import GoldSpan, Sample, labeled_corpus, no_pii_corpus
from benchmarks.accuracy.evaluate import count_false_positives, evaluate
from recognizers.types import Span


def test_corpus_is_deterministic_and_spans_are_exact() -> None:
    first, second = labeled_corpus(7, 60), labeled_corpus(7, 60)
    assert first == second
    assert {s.kind for s in first} == {"support_ticket", "shipping_note", "crm_note",
                                        "chat_message", "log_line"}
    for sample in first:
        for gold in sample.spans:
            value = sample.text[gold.start : gold.end]
            assert value and value == value.strip()
    assert all(not s.spans for s in no_pii_corpus(7, 30))


def _sample(text: str, *spans: GoldSpan) -> Sample:
    return Sample(kind="t", template=0, text=text, spans=spans)


def test_overlap_and_class_matching() -> None:
    text = "Ship to 1600 Pennsylvania Avenue NW, Washington, DC 20500 for Ann Lee."
    address = GoldSpan(8, 57, "STREET_ADDRESS")
    person = GoldSpan(62, 69, "PERSON")
    sample = _sample(text, address, person)
    city = text.index("Washington")
    predictions = [[
        Span(city, city + 10, "LOCATION", 0.85),  # same class as the address: found
        Span(62, 65, "ORGANIZATION", 0.85),  # never scored
        Span(0, 4, "URL", 0.5),  # no gold: false positive
    ]]
    result = evaluate([sample], predictions)
    assert result.by_type["STREET_ADDRESS"].found == 1
    assert result.by_type["STREET_ADDRESS"].true_positives == 1
    assert 0 < result.by_type["STREET_ADDRESS"].coverage < 0.5
    assert result.by_type["PERSON"].found == 0
    assert result.false_positives == {"URL": 1}
    assert result.overall.precision == 0.5


def test_false_positives_per_1k_tokens() -> None:
    samples = [_sample("one two three four")] * 5
    counted = count_false_positives(samples, [[Span(0, 3, "PERSON", 0.9)]] + [[]] * 4)
    assert counted.tokens == 20
    assert counted.per_1k(counted.all_types) == 50.0
