"""explain: every leaf of a sample gets an outcome; the text and JSON renderings."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import orjson
import pytest

from proxy.config.loader import load_config
from proxy.enforce.transforms import Pseudonymizer
from proxy.tools.explain import ExplainError, explain, render_json, render_text, use_colour
from recognizers.types import DetectionRequest, Span
from tests.conftest import write_config

CONTRACT = """
vendor: acme
upstream: https://api.acme.example
routes:
  - method: POST
    path: /v1/messages
    request:
      body:
        to.email: keep
        note: {action: redact, entities: [PERSON]}
        customer_id: pseudonymize
        card: {action: mask, keep_last: 4}
        born: {action: generalize, to: year}
        amount: {action: keep, type: integer}
        internal: drop
        tags[*]: keep
  - method: GET
    path: /v1/messages/{id}
    request:
      headers: [authorization]
"""

SAMPLE = {"to": {"email": "j@example.com", "name": "Jolene"}, "note": "Call Jolene today",
          "customer_id": "cus_1", "card": "4111111111111111", "born": "1984-07-19",
          "amount": "12", "internal": True, "tags": ["a", "b"], "extra": {"x": 1, "y": [2]}}


class FakeDetector:
    """Finds 'Jolene' as PERSON; records what it was asked."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def analyze_batch(self, requests: Sequence[DetectionRequest]) -> list[list[Span]]:
        self.calls.append([r.text for r in requests])
        out = []
        for r in requests:
            i = r.text.find("Jolene")
            out.append([Span(i, i + 6, "PERSON", 0.9)] if i >= 0 else [])
        return out


@pytest.fixture
def config(tmp_path: Path):
    return load_config(write_config(tmp_path, {"acme": CONTRACT}))


def run(config, body: dict, **kw):
    return explain(config, "acme", "POST /v1/messages", orjson.dumps(body),
                   detector=kw.pop("detector", FakeDetector()),
                   pseudonymizer=Pseudonymizer(b"k" * 32), **kw)


def test_every_leaf_has_an_outcome(config) -> None:
    detector = FakeDetector()
    result = run(config, SAMPLE, detector=detector)
    by_path = {f.path: f for f in result.fields}
    assert {p: f.outcome for p, f in by_path.items()} == {
        "to.email": "kept", "to.name": "unlisted", "note": "redacted",
        "customer_id": "pseudonymized", "card": "masked", "born": "generalized",
        "amount": "wrong_shape", "internal": "dropped", "tags[0]": "kept", "tags[1]": "kept",
        "extra.x": "unlisted", "extra.y[0]": "unlisted",
    }
    assert by_path["note"].after == "Call <PERSON> today"
    assert by_path["note"].entities == ["PERSON"]
    assert by_path["card"].after == "************1111"
    assert by_path["born"].after == "1984"
    assert by_path["customer_id"].after.startswith("psn_")
    assert by_path["tags[1]"].selector == "tags[*]"
    assert detector.calls == [["Call Jolene today"]]  # only free text, one batch
    assert result.result["note"] == "Call <PERSON> today"
    assert "extra" not in result.result and "internal" not in result.result
    assert result.summary()["entities"] == {"PERSON": 1}


def test_no_detector_is_built_when_nothing_is_redacted(config) -> None:
    result = explain(config, "acme", "POST /v1/messages", b'{"to": {"email": "a@b.c"}}',
                     detector=None, pseudonymizer=Pseudonymizer(b"k" * 32))
    assert [f.outcome for f in result.fields] == ["kept"]


def test_route_by_concrete_path_and_no_body_section(config) -> None:
    result = explain(config, "acme", "get /v1/messages/m_1", b'{"a": 1}')
    assert result.route == "GET /v1/messages/{id}"
    assert [f.outcome for f in result.fields] == ["unlisted"] and result.result is None
    assert "no body passes" in result.notes[0]


def test_no_response_contract_passes_everything(config) -> None:
    result = explain(config, "acme", "POST /v1/messages", b'{"a": {"b": 1}}',
                     direction="response")
    assert [(f.path, f.outcome) for f in result.fields] == [("a.b", "kept")]


@pytest.mark.parametrize("vendor,route,body,message", [
    ("nope", "POST /v1/messages", b"{}", "no contract for vendor 'nope'"),
    ("acme", "POST /v2/x", b"{}", "its routes: POST /v1/messages"),
    ("acme", "POST /v1/messages", b'{"a": 1, "a": 2}', "duplicate_key"),
    ("acme", "POST /v1/messages", b'"text"', "JSON object or array"),
])
def test_errors_say_what_to_fix(config, vendor: str, route: str, body: bytes,
                                message: str) -> None:
    with pytest.raises(ExplainError, match=message):
        explain(config, vendor, route, body, detector=FakeDetector())


def test_text_rendering_is_a_diff_and_colour_is_optional(config) -> None:
    result = run(config, SAMPLE)
    plain = render_text(result)
    assert "\x1b[" not in plain
    assert "  = to.email: \"j@example.com\"" in plain
    assert "  - to.name: \"Jolene\"" in plain and "no selector names it" in plain
    assert "  ~ note" in plain and "redacted (PERSON)" in plain
    assert '      - "Call Jolene today"' in plain and '      + "Call <PERSON> today"' in plain
    assert "dropped (3 not in the contract, 1 by a drop rule, 1 of the wrong shape)" in plain
    coloured = render_text(result, colour=True)
    assert "\x1b[31m" in coloured and "\x1b[32m" in coloured


def test_json_rendering(config) -> None:
    data = orjson.loads(render_json(run(config, SAMPLE)))
    note = next(f for f in data["fields"] if f["path"] == "note")
    assert note == {"path": "note", "outcome": "redacted", "selector": "note",
                    "before": "Call Jolene today", "after": "Call <PERSON> today",
                    "entities": ["PERSON"]}
    dropped = next(f for f in data["fields"] if f["path"] == "internal")
    assert "after" not in dropped
    assert data["summary"]["outcomes"]["unlisted"] == 3


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_tty_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_colour(Tty()) is True
    assert use_colour(io.StringIO()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_colour(Tty()) is False
