"""The wire form of detection requests and spans: tuples that round-trip every field."""

from __future__ import annotations

import pickle

from recognizers.types import (
    DetectionRequest,
    Span,
    requests_from_wire,
    requests_to_wire,
    spans_from_wire,
    spans_to_wire,
)


def test_requests_round_trip_with_every_field_set() -> None:
    requests = [
        DetectionRequest("plain"),
        DetectionRequest("Call Ann", entities=("PERSON",), score_threshold=0.6,
                         allow_list=("Acme",), deny_list=("Project X",),
                         recognizers=("mailer/order_id",), phone_regions=("US", "GB")),
    ]

    wire = pickle.loads(pickle.dumps(requests_to_wire(requests)))

    assert all(type(item) is tuple for item in wire)
    assert requests_from_wire(wire) == requests


def test_spans_round_trip_per_request() -> None:
    results = [[], [Span(0, 3, "PERSON", 0.85), Span(9, 21, "EMAIL_ADDRESS", 1.0)]]

    wire = pickle.loads(pickle.dumps(spans_to_wire(results)))

    assert wire == [[], [(0, 3, "PERSON", 0.85), (9, 21, "EMAIL_ADDRESS", 1.0)]]
    assert spans_from_wire(wire) == results
