"""The vendor contract: what one vendor may receive, route by route, and in what form.

A contract is one YAML file (see config/vendors/). These pydantic models check its shape with
``extra="forbid"``; ``contract_loader`` adds the checks that need more than one field (duplicate
routes, selector syntax, entity names) and turns every problem into a message that names the file,
the vendor and the key.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Action(StrEnum):
    """What happens to a value the contract names. Anything unnamed is dropped."""

    KEEP = "keep"
    DROP = "drop"
    REDACT = "redact"
    MASK = "mask"
    PSEUDONYMIZE = "pseudonymize"
    GENERALIZE = "generalize"


class ValueType(StrEnum):
    """The shape a value must have; a value of another shape is dropped and audited."""

    STRING = "string"
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    SCALAR = "scalar"  # any of string, number, boolean, null


class Generalization(StrEnum):
    """Targets of ``generalize``."""

    YEAR = "year"
    MONTH = "month"
    IP_NETWORK = "ip_network"
    POSTCODE_PREFIX = "postcode_prefix"
    AGE_BAND = "age_band"


# Actions that only make sense on text; the default shape for the others is any scalar.
_TEXT_ACTIONS = {Action.REDACT, Action.MASK, Action.GENERALIZE}


class FieldRule(BaseModel):
    """The rule for one selector: ``keep`` or ``{action: redact, entities: [PERSON]}``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    action: Action
    type: ValueType | None = None
    # redact
    entities: tuple[str, ...] | None = None
    score_threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    # mask
    keep_last: int | None = Field(default=None, ge=0, le=64)
    keep_first: int | None = Field(default=None, ge=0, le=64)
    mask_char: str | None = Field(default=None, min_length=1, max_length=1)
    # generalize
    to: Generalization | None = None
    prefix_length: int | None = Field(default=None, ge=0, le=128)

    @model_validator(mode="before")
    @classmethod
    def _from_shorthand(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"action": data}
        return data

    @model_validator(mode="after")
    def _params_fit_action(self) -> FieldRule:
        allowed = {
            Action.REDACT: {"entities", "score_threshold"},
            Action.MASK: {"keep_last", "keep_first", "mask_char"},
            Action.GENERALIZE: {"to", "prefix_length"},
        }.get(self.action, set())
        params = {"entities", "score_threshold", "keep_last", "keep_first", "mask_char", "to",
                  "prefix_length"}
        wrong = sorted(p for p in params if getattr(self, p) is not None and p not in allowed)
        if wrong:
            raise ValueError(
                f"option(s) {', '.join(wrong)} do not apply to action '{self.action.value}'"
            )
        if self.action is Action.GENERALIZE and self.to is None:
            raise ValueError(
                "generalize needs 'to': one of " + ", ".join(g.value for g in Generalization)
            )
        return self

    @property
    def value_type(self) -> ValueType:
        """The declared shape, or the action's default."""
        if self.type is not None:
            return self.type
        return ValueType.STRING if self.action in _TEXT_ACTIONS else ValueType.SCALAR


_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def _rules_from_list_or_map(value: Any) -> Any:
    """``[a, b]`` is shorthand for ``{a: keep, b: keep}``."""
    if isinstance(value, list):
        out: dict[str, Any] = {}
        for item in value:
            if not isinstance(item, str):
                raise ValueError("list entries must be names (strings)")
            if item in out:
                raise ValueError(f"'{item}' is listed twice")
            out[item] = "keep"
        return out
    return value


class MessageContract(BaseModel):
    """What may pass in one direction: headers, query parameters and body fields.

    ``body: None`` (the key absent) means no body passes at all.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    headers: dict[str, FieldRule] = Field(default_factory=dict)
    query: dict[str, FieldRule] = Field(default_factory=dict)
    body: dict[str, FieldRule] | None = None
    content_types: tuple[str, ...] = ("json",)  # codec names (proxy.codecs), tried in order

    @field_validator("headers", "query", mode="before")
    @classmethod
    def _list_shorthand(cls, value: Any) -> Any:
        return _rules_from_list_or_map(value)

    @field_validator("headers")
    @classmethod
    def _header_names(cls, value: dict[str, FieldRule]) -> dict[str, FieldRule]:
        out: dict[str, FieldRule] = {}
        for name, rule in value.items():
            if not _HEADER_NAME.fullmatch(name):
                raise ValueError(f"'{name}' is not a valid header name")
            lowered = name.lower()
            if lowered in out:
                raise ValueError(f"header '{name}' is listed twice (header names ignore case)")
            out[lowered] = rule
        return out


_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class Route(BaseModel):
    """One endpoint of the vendor: method, path template and the contract of each direction.

    Without a ``response`` section the vendor's response body is passed back unchanged (only the
    default response headers pass); with one, default deny applies to the response too.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: str
    path: str
    description: str | None = None
    request: MessageContract = Field(default_factory=MessageContract)
    response: MessageContract | None = None

    @field_validator("method")
    @classmethod
    def _known_method(cls, value: str) -> str:
        upper = value.upper()
        if upper not in _METHODS:
            raise ValueError(f"unknown method '{value}'; use one of {', '.join(sorted(_METHODS))}")
        return upper


_VENDOR_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")


class VendorContract(BaseModel):
    """One vendor: where it lives, why it receives data, and its routes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    vendor: str
    description: str | None = None
    upstream: str
    purposes: tuple[str, ...] = ()
    region: str | None = None
    routes: tuple[Route, ...] = Field(min_length=1)

    @field_validator("vendor")
    @classmethod
    def _vendor_name(cls, value: str) -> str:
        if not _VENDOR_NAME.fullmatch(value):
            raise ValueError(
                "vendor names are lowercase letters, digits, '-' and '_' (they become the URL "
                "prefix /{vendor}/)"
            )
        return value
