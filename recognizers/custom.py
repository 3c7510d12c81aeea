"""Contract-level detection options, declared in YAML: allow list, deny list, custom recognizers.

A contract's ``detection:`` section (see ``DetectionConfig``) lets a privacy team add an internal
customer-number format without writing Python::

    detection:
      allow_list: [support@shop.example, "Acme Turbo 3000"]   # never redacted
      deny_list: [Project Bluebird]                          # always redacted (DENIED_TERM)
      phone_regions: [US, CA]      # national phone formats to look for (default: proxy.yaml's)
      recognizers:
        - name: customer_number
          entity: CUSTOMER_NUMBER
          patterns:
            - {regex: '\\bCUST-\\d{8}\\b', score: 0.9}
          context: [customer, account]
          validator: luhn                                     # optional, from VALIDATORS

The models import nothing heavy, so contract validation stays cheap; ``build_custom_recognizer``
turns a spec into a Presidio recognizer inside a detection worker.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

import regex
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from recognizers.entities import STANDARD_ENTITIES

if TYPE_CHECKING:
    from recognizers.base import RegexRecognizer


class Validator(StrEnum):
    """Checks a custom recognizer may apply to each match (by name, from a fixed registry)."""

    LUHN = "luhn"
    IBAN = "iban"
    MOD97 = "mod97"
    MOD11 = "mod11"
    NL_BSN = "nl_bsn"
    ES_NIF = "es_nif"
    FR_NIR = "fr_nir"
    DE_TAX_ID = "de_tax_id"


def _validator_function(name: Validator) -> Callable[[str], bool]:
    from recognizers.base import digits_of, luhn_valid, mod97_valid
    from recognizers.patterns.national_ids.de_tax_id_recognizer import steuer_id_valid
    from recognizers.patterns.national_ids.es_nif_recognizer import nif_valid
    from recognizers.patterns.national_ids.fr_nir_recognizer import nir_valid
    from recognizers.patterns.national_ids.nl_bsn_recognizer import bsn_valid

    def mod97_numeric(value: str) -> bool:
        digits = digits_of(value)
        return bool(digits) and int(digits) % 97 == 1

    def mod11(value: str) -> bool:
        # Weights 2, 3, 4, ... from the right, check digit included with weight 1.
        digits = digits_of(value)
        if len(digits) < 2:
            return False
        body, check = digits[:-1], int(digits[-1])
        total = sum(int(d) * w for d, w in zip(reversed(body), range(2, 2 + len(body)), strict=True))
        return (11 - total % 11) % 11 % 10 == check

    functions: dict[Validator, Callable[[str], bool]] = {
        Validator.LUHN: lambda value: (d := digits_of(value)) != "" and luhn_valid(d),
        Validator.IBAN: lambda value: mod97_valid(re.sub(r"\s", "", value).upper()),
        Validator.MOD97: mod97_numeric,
        Validator.MOD11: mod11,
        Validator.NL_BSN: lambda value: bsn_valid(digits_of(value)),
        Validator.ES_NIF: nif_valid,
        Validator.FR_NIR: nir_valid,
        Validator.DE_TAX_ID: lambda value: steuer_id_valid(digits_of(value)),
    }
    return functions[name]


_NAME = re.compile(r"[a-z0-9][a-z0-9_./-]{0,127}")
_ENTITY = re.compile(r"[A-Z][A-Z0-9_]{1,63}")


class PatternSpec(BaseModel):
    """One regular expression (Python ``regex`` syntax) and the score of its matches.

    A named group ``value`` narrows the reported span: ``'cust(?:omer)? no\\.? (?P<value>\\d{8})'``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    regex: str = Field(min_length=1, max_length=2000)
    score: float = Field(default=0.8, gt=0.0, le=1.0)
    name: str | None = None

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            compiled = regex.compile(value)
        except regex.error as exc:
            raise ValueError(f"invalid regular expression: {exc}") from None
        if compiled.fullmatch("") is not None or compiled.search("") is not None:
            raise ValueError("the regular expression matches the empty string")
        return value


class CustomRecognizerSpec(BaseModel):
    """A pattern recognizer declared in YAML.

    ``context``: words that raise the score when near a match; with ``context_required`` a match
    without one of them within ``context_window`` characters before it is not reported.
    ``validator``: a check each match must pass (its score becomes 1.0 when it does).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    entity: str
    patterns: tuple[PatternSpec, ...] = Field(min_length=1, max_length=32)
    context: tuple[str, ...] = ()
    context_required: bool = False
    context_window: int = Field(default=40, ge=1, le=500)
    validator: Validator | None = None
    case_sensitive: bool = True

    @field_validator("name")
    @classmethod
    def _name_shape(cls, value: str) -> str:
        if not _NAME.fullmatch(value):
            raise ValueError("names are lowercase letters, digits and '_', '-', '.', '/'")
        return value

    @field_validator("entity")
    @classmethod
    def _entity_shape(cls, value: str) -> str:
        if not _ENTITY.fullmatch(value):
            raise ValueError("entity names are UPPER_SNAKE_CASE, e.g. CUSTOMER_NUMBER")
        return value

    @model_validator(mode="after")
    def _context_for_required(self) -> CustomRecognizerSpec:
        if self.context_required and not self.context:
            raise ValueError("context_required needs at least one context word")
        return self

    def qualified(self, scope: str) -> CustomRecognizerSpec:
        """A copy named ``scope/name`` (e.g. the vendor), unique across contracts."""
        return self.model_copy(update={"name": f"{scope}/{self.name}"})


def phone_region_codes(value: tuple[str, ...]) -> tuple[str, ...]:
    """Upper-cased ISO 3166 alpha-2 regions known to the phone library; ``ValueError`` naming
    the bad ones otherwise (``UK`` is the usual slip: the code is ``GB``)."""
    import phonenumbers  # light: metadata loads per region on first use

    upper = tuple(dict.fromkeys(region.upper() for region in value))
    bad = [
        region for region in upper
        if len(region) != 2 or not region.isalpha()
        or phonenumbers.country_code_for_region(region) == 0
    ]
    if bad:
        hint = " (the United Kingdom is GB)" if "UK" in bad else ""
        raise ValueError(
            f"unknown phone region {', '.join(bad)}: use ISO 3166 alpha-2 codes such as US, GB, "
            f"DE{hint}"
        )
    return upper


class DetectionConfig(BaseModel):
    """The ``detection:`` section of a vendor contract.

    ``phone_regions``: the regions whose national phone formats are looked for in this vendor's
    texts, instead of ``analyzer.phone_regions`` of proxy.yaml (numbers written with a ``+``
    country code are found for every region either way). Each region costs a pass of the phone
    matcher over every text, so a contract whose data is from one country says so.

    ``sensitivity``: what a ``redact`` rule without its own ``entities`` list removes.
    ``standard`` (the default) removes every personal type and leaves ordinary dates, weekdays,
    company names, nationalities and bare city names; ``strict`` removes those too.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    sensitivity: Literal["standard", "strict"] = "standard"
    allow_list: tuple[str, ...] = ()
    deny_list: tuple[str, ...] = ()
    recognizers: tuple[CustomRecognizerSpec, ...] = ()
    phone_regions: tuple[str, ...] | None = Field(default=None, min_length=1)

    @field_validator("phone_regions")
    @classmethod
    def _known_regions(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        return phone_region_codes(value) if value is not None else None

    @field_validator("allow_list", "deny_list")
    @classmethod
    def _no_blank_terms(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not term.strip() for term in value):
            raise ValueError("terms must not be blank")
        return tuple(dict.fromkeys(value))

    @field_validator("recognizers")
    @classmethod
    def _unique_names(
        cls, value: tuple[CustomRecognizerSpec, ...]
    ) -> tuple[CustomRecognizerSpec, ...]:
        seen: set[str] = set()
        for spec in value:
            if spec.name in seen:
                raise ValueError(f"recognizer name '{spec.name}' is used twice")
            seen.add(spec.name)
        return value

    @property
    def entities(self) -> frozenset[str]:
        """Entity types the custom recognizers produce (for checking ``entities: [...]``)."""
        return frozenset(spec.entity for spec in self.recognizers)

    def default_entities(self) -> tuple[str, ...] | None:
        """The entity types of a ``redact`` rule without its own list (``None``: every type)."""
        if self.sensitivity == "strict":
            return None
        return STANDARD_ENTITIES + tuple(sorted(self.entities))


def build_custom_recognizer(spec: CustomRecognizerSpec, language: str = "en") -> RegexRecognizer:
    """A Presidio recognizer for ``spec`` (imports Presidio; call it in a worker)."""
    from recognizers.base import RegexRecognizer

    validate = _validator_function(spec.validator) if spec.validator else None
    patterns = tuple(
        (pattern.name or f"pattern{index}", pattern.regex, pattern.score)
        for index, pattern in enumerate(spec.patterns)
    )

    class CustomPatternRecognizer(RegexRecognizer):
        ENTITY = spec.entity
        PATTERNS = patterns
        FLAGS = 0 if spec.case_sensitive else regex.IGNORECASE
        CONTEXT = spec.context
        REQUIRED_CONTEXT = (
            r"(?<!\w)(?:" + "|".join(regex.escape(word) for word in spec.context) + r")(?!\w)"
            if spec.context_required
            else None
        )
        CONTEXT_PATTERNS = frozenset(name for name, _, _ in patterns)
        CONTEXT_WINDOW = spec.context_window

        def validate(self, value: str) -> bool | None:
            return validate(value) if validate is not None else None

    CustomPatternRecognizer.__name__ = "CustomPatternRecognizer"
    return CustomPatternRecognizer(supported_language=language, name=f"custom:{spec.name}")
