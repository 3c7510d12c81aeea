"""The generalizations added for the policy: coordinates to a grid, numbers to buckets."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from proxy.contract.models import FieldRule
from proxy.enforce.transforms import TransformError, generalize


def rule(**options: object) -> FieldRule:
    return FieldRule(action="generalize", **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(("options", "value", "expected"), [
    ({"to": "coordinate_grid"}, 52.520008, 52.5),
    ({"to": "coordinate_grid"}, -13.4049, -13.5),  # floor: the cell's south-west corner
    ({"to": "coordinate_grid", "grid": 0.01}, 48.85661, 48.85),
    ({"to": "coordinate_grid", "grid": 1}, "48.8566, 2.3522", "48,2"),
    ({"to": "number_bucket", "bucket_size": 50}, 137.5, 100),
    ({"to": "number_bucket", "bucket_size": 0.5}, "1.74", 1.5),
    ({"to": "number_bucket", "buckets": [0, 20000, 50000]}, 64000, 50000),
    ({"to": "number_bucket", "buckets": [0, 20000, 50000]}, 0, 0),
])
def test_generalize_numbers(options: dict, value: object, expected: object) -> None:
    assert generalize(rule(**options), value) == expected


@pytest.mark.parametrize(("options", "value"), [
    ({"to": "coordinate_grid"}, 200.0),
    ({"to": "coordinate_grid"}, "north"),
    ({"to": "coordinate_grid"}, "1,2,3"),
    ({"to": "coordinate_grid"}, True),
    ({"to": "number_bucket", "bucket_size": 10}, "nan"),
    ({"to": "number_bucket", "buckets": [10, 20]}, 5),
])
def test_generalize_refuses_what_it_cannot_coarsen(options: dict, value: object) -> None:
    with pytest.raises(TransformError):
        generalize(rule(**options), value)


@pytest.mark.parametrize("options", [
    {"to": "number_bucket"},
    {"to": "number_bucket", "bucket_size": 5, "buckets": [0]},
    {"to": "number_bucket", "buckets": [5, 1]},
    {"to": "year", "grid": 0.1},
    {"to": "coordinate_grid", "bucket_size": 3},
])
def test_bucket_and_grid_options_are_checked(options: dict) -> None:
    with pytest.raises(ValidationError):
        rule(**options)
