"""The vendor contract: what one vendor may receive, route by route, and in what form.

A contract is one YAML file (see config/vendors/). These pydantic models check its shape with
``extra="forbid"``; ``contract_loader`` adds the checks that need more than one field (duplicate
routes, selector syntax, entity names) and turns every problem into a message that names the file,
the vendor and the key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from proxy.contract.categories import check_category
from proxy.contract.settings import SecretSource
from recognizers.custom import DetectionConfig


class Action(StrEnum):
    """What happens to a value the contract names. Anything unnamed is dropped."""

    KEEP = "keep"
    DROP = "drop"
    REDACT = "redact"
    MASK = "mask"
    PSEUDONYMIZE = "pseudonymize"
    GENERALIZE = "generalize"
    TOKENIZE = "tokenize"  # reversible: the value goes to the vault, the vendor gets a token
    DETOKENIZE = "detokenize"  # response side: a token of this vendor is swapped back
    # LLM prompts: a detected value becomes a deterministic placeholder (<PERSON_7f3a9c01>) that
    # the route's answer has restored (proxy.exchange.llm); see the route's ``llm:`` section.
    PLACEHOLDER = "placeholder"


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
    COORDINATE_GRID = "coordinate_grid"  # a latitude or longitude snapped down to a grid
    NUMBER_BUCKET = "number_bucket"  # a number replaced by the lower bound of its bucket


class TokenFormat(StrEnum):
    """Shapes of ``tokenize`` tokens."""

    OPAQUE = "opaque"  # tok_ + random characters
    DIGITS = "digits"  # every digit replaced by a random digit; length and separators kept
    LAST4 = "last4"  # like digits, but the last four digits are kept


# Actions that only make sense on text; the default shape for the others is any scalar.
_TEXT_ACTIONS = {Action.REDACT, Action.MASK, Action.GENERALIZE, Action.TOKENIZE,
                 Action.DETOKENIZE, Action.PLACEHOLDER}
_NUMERIC_TARGETS = {Generalization.COORDINATE_GRID, Generalization.NUMBER_BUCKET}


class FieldRule(BaseModel):
    """The rule for one selector: ``keep`` or ``{action: redact, entities: [PERSON]}``."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

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
    grid: float | None = Field(default=None, gt=0, le=90)  # coordinate_grid cell, in degrees
    bucket_size: float | None = Field(default=None, gt=0)  # number_bucket: equal widths
    buckets: tuple[float, ...] | None = Field(default=None, min_length=1)  # or boundaries
    # tokenize
    format: TokenFormat | None = None
    # keep / placeholder: the value is JSON (an object or array, or a string holding one, such
    # as a tool call's arguments): keep it whole, or put placeholders into its string values.
    json_value: bool | None = Field(default=None, alias="json")
    # What kind of personal data this is (proxy.contract.categories), for the data map.
    category: str | None = None

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str | None) -> str | None:
        return None if value is None else check_category(value)

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
            Action.GENERALIZE: {"to", "prefix_length", "grid", "bucket_size", "buckets"},
            Action.TOKENIZE: {"format"},
            Action.PLACEHOLDER: {"entities", "score_threshold", "json_value"},
            Action.KEEP: {"json_value"},
        }.get(self.action, set())
        params = {"entities", "score_threshold", "keep_last", "keep_first", "mask_char", "to",
                  "prefix_length", "grid", "bucket_size", "buckets", "format", "json_value"}
        wrong = sorted(("json" if p == "json_value" else p) for p in params
                       if getattr(self, p) is not None and p not in allowed)
        if wrong:
            raise ValueError(
                f"option(s) {', '.join(wrong)} do not apply to action '{self.action.value}'"
            )
        if self.action is Action.GENERALIZE and self.to is None:
            raise ValueError(
                "generalize needs 'to': one of " + ", ".join(g.value for g in Generalization)
            )
        if self.to is Generalization.NUMBER_BUCKET:
            if (self.bucket_size is None) == (self.buckets is None):
                raise ValueError("number_bucket needs exactly one of 'bucket_size' (a width) or "
                                 "'buckets' (ascending lower bounds)")
            if self.buckets is not None and list(self.buckets) != sorted(set(self.buckets)):
                raise ValueError("'buckets' must be strictly ascending lower bounds")
        elif self.bucket_size is not None or self.buckets is not None:
            raise ValueError("'bucket_size' and 'buckets' apply to 'to: number_bucket' only")
        if self.grid is not None and self.to is not Generalization.COORDINATE_GRID:
            raise ValueError("'grid' applies to 'to: coordinate_grid' only")
        return self

    @property
    def value_type(self) -> ValueType:
        """The declared shape, or the action's default."""
        if self.type is not None:
            return self.type
        if self.json_value:
            return ValueType.SCALAR  # a JSON string; containers are taken whole (minimize)
        if self.to in _NUMERIC_TARGETS:
            return ValueType.SCALAR  # numbers, or numeric strings ("52.52,13.40")
        return ValueType.STRING if self.action in _TEXT_ACTIONS else ValueType.SCALAR


_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")


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


class StreamSpec(BaseModel):
    """``stream:`` on a message: the body is a stream of records handled as they arrive.

    Body selectors then apply to one record (an NDJSON line, an element of the array at
    ``records``, an SSE event's data); ``text`` streams use ``$text`` like ``text/plain``.
    See ``proxy.exchange.streaming``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["ndjson", "json_array", "sse", "text"]
    records: str | None = None  # json_array: the array, e.g. contacts[*] (default: top level)
    sse_data: Literal["json", "text"] = "json"  # sse: what each event's data is
    sse_fields: tuple[Literal["event", "id", "retry"], ...] = ()  # sse fields passed with data
    on_record_error: Literal["fail", "drop"] = "fail"  # drop: a bad record is left out, audited
    max_record_bytes: int | None = Field(default=None, ge=16)  # default: limits
    window: int | None = Field(default=None, ge=16, le=65536)  # text: chars held back


class MessageContract(BaseModel):
    """What may pass in one direction: headers, query parameters and body fields.

    ``body: None`` (the key absent) means no body passes at all.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    headers: dict[str, FieldRule] = Field(default_factory=dict)
    query: dict[str, FieldRule] = Field(default_factory=dict)
    body: dict[str, FieldRule] | None = None
    content_types: tuple[str, ...] = ("json",)  # codec names (proxy.codecs), tried in order
    stream: StreamSpec | None = None  # a record stream (proxy.exchange.streaming), not a whole body
    # The Cookie header (request) or Set-Cookie headers (response), cookie by cookie.
    cookies: dict[str, FieldRule] = Field(default_factory=dict)
    # multipart/form-data file parts: part name -> media types allowed for it.
    files: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    @field_validator("headers", "query", "cookies", mode="before")
    @classmethod
    def _list_shorthand(cls, value: Any) -> Any:
        return _rules_from_list_or_map(value)

    @field_validator("files")
    @classmethod
    def _file_media_types(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for name, types in value.items():
            for media in types:
                if not _MEDIA_TYPE.fullmatch(media) or media != media.lower():
                    raise ValueError(
                        f"files.{name}: '{media}' is not a lowercase media type such as "
                        "application/pdf"
                    )
        return value

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


class BasicAuth(BaseModel):
    """HTTP basic auth built by the proxy from two secrets (the password may be absent)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    username: SecretSource
    password: SecretSource | None = None


class CredentialSpec(BaseModel):
    """A vendor credential the proxy holds and injects; callers never hold vendor secrets.

    Exactly one of ``header`` (with optional ``scheme``, e.g. ``Bearer``), ``basic`` or ``field``
    (a body field of a form or JSON body, dotted keys) says where the secret goes.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    secret: SecretSource | None = None
    header: str | None = None
    scheme: str | None = None
    basic: BasicAuth | None = None
    field: str | None = None

    @model_validator(mode="after")
    def _one_place(self) -> CredentialSpec:
        places = [p for p in ("header", "basic", "field") if getattr(self, p) is not None]
        if len(places) != 1:
            raise ValueError("give exactly one of 'header', 'basic' or 'field'")
        if self.basic is None and self.secret is None:
            raise ValueError("'secret' is required: {env: NAME} or {file: /run/secrets/name}")
        if self.basic is not None and self.secret is not None:
            raise ValueError("basic auth takes its secrets from basic.username / basic.password")
        if self.header is not None and not _HEADER_NAME.fullmatch(self.header):
            raise ValueError(f"'{self.header}' is not a valid header name")
        if self.scheme is not None and (self.header is None or not _HEADER_NAME.fullmatch(
                self.scheme)):
            raise ValueError("'scheme' (a single word such as Bearer) goes with 'header'")
        return self

    @property
    def header_name(self) -> str | None:
        """The (lowercase) header the credential is sent in, if any."""
        if self.basic is not None:
            return "authorization"
        return self.header.lower() if self.header is not None else None


class SubjectSpec(BaseModel):
    """Where a route's payload names the person the data is about (see ``proxy.contract.subjects``).

    Selectors are relative to one record: the body, or each element of ``records`` (a list
    selector such as ``contacts[*]``; a top-level JSON array is a batch of records by itself).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    birth_date: str | None = None
    age: str | None = None
    country: str | None = None
    records: str | None = None

    @model_validator(mode="after")
    def _one_age_source(self) -> SubjectSpec:
        if self.birth_date is not None and self.age is not None:
            raise ValueError("give one of 'birth_date' or 'age', not both")
        return self


class LlmApi(StrEnum):
    """The model APIs whose shapes the proxy understands (proxy.exchange.llm)."""

    OPENAI_CHAT = "openai_chat"  # POST /v1/chat/completions
    OPENAI_RESPONSES = "openai_responses"  # POST /v1/responses
    ANTHROPIC_MESSAGES = "anthropic_messages"  # POST /v1/messages
    EMBEDDINGS = "embeddings"  # POST /v1/embeddings


class LlmSpec(BaseModel):
    """``llm:`` on a route: the request is a model API call; placeholders come back restored.

    The request body still passes by the route's selectors (default deny); ``placeholder``
    rules name the text to check. What this section adds is knowledge of the API: content
    parts it does not know and token arrays are refused, and the answer (whole or streamed)
    has this conversation's placeholders put back.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    api: LlmApi
    placeholder: Literal["typed", "surrogate"] = "typed"  # <PERSON_7f3a9c01> or a stand-in name
    # Request headers whose values scope the placeholders (tenant, conversation). Without them
    # one scope per vendor: the same value is the same placeholder in every conversation.
    scope_headers: tuple[str, ...] = ()
    restore: bool = True  # put placeholders back in the answer
    unknown_events: Literal["fail", "pass"] = "fail"  # streamed events of a type not known
    token_arrays: Literal["refuse", "allow"] = "refuse"  # input given as token ids: uncheckable
    images: Literal["drop", "keep"] = "drop"  # image parts of a prompt
    # What the model may not hand the caller: its answer text (whole or streamed) is redacted
    # with this rule ({action: redact, entities: [PHONE_NUMBER]}) before placeholders go back,
    # so the caller's own values still come back (proxy.exchange.llm.answer_windows).
    answer: FieldRule | None = None
    # Characters of context either side of a cut in a streamed answer; the text goes out about
    # two windows behind the model.
    answer_window: int = Field(default=64, ge=16, le=4096)

    @field_validator("scope_headers")
    @classmethod
    def _scope_header_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            if not _HEADER_NAME.fullmatch(name):
                raise ValueError(f"'{name}' is not a valid header name")
        return tuple(name.lower() for name in value)


_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class Mode(StrEnum):
    """``enforce`` applies the contract; ``shadow`` forwards as before and audits what it would do."""

    ENFORCE = "enforce"
    SHADOW = "shadow"


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
    # Actions for the template's {params}; an unlisted value that looks like PII is refused.
    params: dict[str, FieldRule] = Field(default_factory=dict)
    credentials: CredentialSpec | None = None  # overrides the vendor's
    purposes: tuple[str, ...] | None = None  # default: the vendor's; must be among them
    subject: SubjectSpec | None = None  # whose data this is: opt-outs, minors, regions, ledger
    mode: Mode | None = None  # default: the vendor's mode
    llm: LlmSpec | None = None  # a model API call (proxy.exchange.llm)

    @field_validator("method")
    @classmethod
    def _known_method(cls, value: str) -> str:
        upper = value.upper()
        if upper not in _METHODS:
            raise ValueError(f"unknown method '{value}'; use one of {', '.join(sorted(_METHODS))}")
        return upper

    def iter_rules(self) -> Iterator[FieldRule]:
        """Every rule of the route: headers, query, body and cookies of both directions, and
        its path parameters."""
        for message in (self.request, self.response):
            if message is None:
                continue
            for mapping in (message.headers, message.query, message.body or {},
                            message.cookies):
                yield from mapping.values()
        yield from self.params.values()
        if self.llm is not None and self.llm.answer is not None:
            yield self.llm.answer


_VENDOR_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")


class VendorContract(BaseModel):
    """One vendor: where it lives, why it receives data, and its routes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    vendor: str
    description: str | None = None
    upstream: str
    purposes: tuple[str, ...] = ()
    region: str | None = None
    transfer_mechanisms: tuple[str, ...] = ()  # safeguards signed with the vendor (policy ids)
    credentials: CredentialSpec | None = None  # injected on every route that sets none itself
    mode: Mode = Mode.ENFORCE  # shadow: roll a new contract out without breaking the vendor
    # Allow list, deny list and custom recognizers for this vendor's free text.
    detection: DetectionConfig = Field(default_factory=DetectionConfig)
    # Records of processing (GDPR Art. 30), shown by the data map; empty ones are warned about.
    retention: str | None = None  # how long the vendor keeps what it receives
    processing_agreement: str | None = None  # reference of the signed DPA (Art. 28)
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
