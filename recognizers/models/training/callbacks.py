"""spaCy registry functions for ``spacy train --code recognizers/models/training/callbacks.py``.

Nothing here is needed to *load* the trained model: the tokenizer's rules are saved with it, and
the numpy-ops callback is removed from the shipped config (``package.py``).
"""

from __future__ import annotations

from collections.abc import Callable

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex
from thinc.api import NumpyOps, set_current_ops

# Compact JSON and key=value logs glue a value to its key: `"name":"Petr` and `user="Petr` are
# one token each for the English tokenizer, so no entity could start at the name. Split there.
JSON_INFIXES: tuple[str, ...] = (r'"\s*[:,]\s*"', r'(?<=[\w\]])=["\']')


def add_json_infixes(nlp: Language) -> None:
    """Let ``nlp``'s tokenizer split compact JSON and ``key="value"`` pairs."""
    infixes = list(nlp.Defaults.infixes or []) + list(JSON_INFIXES)
    tokenizer: Tokenizer = nlp.tokenizer  # type: ignore[assignment]  # typed as any callable
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


@spacy.registry.callbacks("pii_ner.numpy_ops.v1")
def numpy_ops() -> Callable[[type[Language]], type[Language]]:
    """Multiply with numpy's OpenBLAS while training, as the engine does when it runs the model.

    thinc's default blis kernels fall back to portable C on CPUs the blis wheel does not know
    (this project's AMD Zen 5 machines), about 3 x slower per product (``recognizers.engine``).
    """

    def before_creation(lang_cls: type[Language]) -> type[Language]:
        set_current_ops(NumpyOps(use_blis=False))
        return lang_cls

    return before_creation


@spacy.registry.callbacks("pii_ner.base_tokenizer.v1")
def base_tokenizer(base_model: str) -> Callable[[Language], Language]:
    """The base model's tokenizer and vocab, with the JSON infixes (saved with the model)."""

    def before_init(nlp: Language) -> Language:
        base = spacy.load(base_model, exclude=["parser", "senter", "tagger", "attribute_ruler",
                                               "lemmatizer", "ner", "tok2vec"])
        tokenizer: Tokenizer = nlp.tokenizer  # type: ignore[assignment]
        base_tokenizer: Tokenizer = base.tokenizer  # type: ignore[assignment]
        tokenizer.from_bytes(base_tokenizer.to_bytes(exclude=["vocab"]))
        nlp.vocab.from_bytes(base.vocab.to_bytes())
        add_json_infixes(nlp)
        return nlp

    return before_init
