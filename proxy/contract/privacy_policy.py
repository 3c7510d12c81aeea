"""The company's privacy policy as data: purposes, minimum age, regions and allowed transfers.

``config/policy.yaml`` is read by ``contract_loader`` and checked by these models (``extra=
"forbid"``). Contracts are then checked against it: every vendor names purposes the policy lists,
a vendor's region and transfer mechanisms are ones the policy knows. At run time the proxy asks
it three questions, all pure functions here: may this person opt out of this purpose, is this
person old enough, and may data of a person from this country go to a vendor in that region
under these safeguards.

Without a policy file, ``purposes`` in contracts are unchecked labels and no route may declare a
``subject`` (there would be nothing to check it against); see ``contract_loader``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from proxy.contract.models import Action, VendorContract
from proxy.contract.subjects import compile_subject

# GDPR Art. 6(1) (a) to (f).
LegalBasis = Literal["consent", "contract", "legal_obligation", "vital_interests", "public_task",
                     "legitimate_interests"]
_ID = re.compile(r"[a-z][a-z0-9_]{0,62}")
_COUNTRY = re.compile(r"[A-Z]{2}")


def _check_id(value: str, what: str) -> str:
    if not _ID.fullmatch(value):
        raise ValueError(f"{what} '{value}': use lowercase letters, digits and '_' (e.g. "
                         "market_research)")
    return value


class Purpose(BaseModel):
    """One purpose the policy allows personal data to serve."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    description: str
    opt_out: bool = False  # people may object to this purpose (marketing, market research)
    survives_erasure: bool = False  # e.g. legal obligations: kept after an erasure request
    # Records of processing (GDPR Art. 30), shown by the data map (proxy.config.datamap).
    legal_basis: LegalBasis | None = None  # Art. 6(1)
    data_subjects: tuple[str, ...] = ()  # customers, prospects, employees, ...

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return _check_id(value, "purpose")


class Region(BaseModel):
    """A legal area: its countries (ISO 3166-1 alpha-2)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str | None = None
    countries: tuple[str, ...] = Field(min_length=1)

    @field_validator("countries")
    @classmethod
    def _codes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for code in value:
            if not _COUNTRY.fullmatch(code):
                raise ValueError(f"'{code}' is not an ISO 3166-1 alpha-2 code in capitals (DE)")
        return value


class Mechanism(BaseModel):
    """A legal basis for a transfer (adequacy decision, standard contractual clauses, ...)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str
    # False for a property of the destination (adequacy): no contract with the vendor needed.
    contract_required: bool = True


class TransferRule(BaseModel):
    """Data of people in ``from`` may go to vendors in ``to`` under one of ``mechanisms``."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_region: str = Field(alias="from")
    to: tuple[str, ...] = Field(min_length=1)
    mechanisms: tuple[str, ...] = Field(min_length=1)

    @field_validator("to", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


class Controller(BaseModel):
    """Who answers for the processing (GDPR Art. 30(1)(a)): the header of the data map."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    contact: str | None = None
    dpo: str | None = None  # the data protection officer's contact
    representative: str | None = None  # Art. 27, for a controller outside the EU


class PrivacyPolicy(BaseModel):
    """The whole of ``policy.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str | None = None
    controller: Controller | None = None
    security_measures: tuple[str, ...] = ()  # Art. 30(1)(g), beyond what the proxy enforces
    minimum_age: int | None = Field(default=None, ge=0, le=120)
    purposes: tuple[Purpose, ...] = Field(min_length=1)
    regions: dict[str, Region] = Field(default_factory=dict)
    mechanisms: dict[str, Mechanism] = Field(default_factory=dict)
    transfers: tuple[TransferRule, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> PrivacyPolicy:
        problems: list[str] = []
        seen: set[str] = set()
        for purpose in self.purposes:
            if purpose.id in seen:
                problems.append(f"purpose '{purpose.id}' is listed twice")
            seen.add(purpose.id)
        owner: dict[str, str] = {}
        for name, region in self.regions.items():
            _check_id(name, "region")
            for code in region.countries:
                if code in owner:
                    problems.append(f"country {code} is in regions '{owner[code]}' and '{name}'")
                owner[code] = name
        for name in self.mechanisms:
            _check_id(name, "mechanism")
        for index, rule in enumerate(self.transfers):
            for region_id in (rule.from_region, *rule.to):
                if region_id not in self.regions:
                    problems.append(f"transfers[{index}]: unknown region '{region_id}'; known: "
                                    + ", ".join(sorted(self.regions)))
            for mechanism in rule.mechanisms:
                if mechanism not in self.mechanisms:
                    problems.append(f"transfers[{index}]: unknown mechanism '{mechanism}'; "
                                    "declare it under 'mechanisms'")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # -- questions asked at run time -------------------------------------------------------

    def purpose(self, purpose_id: str) -> Purpose | None:
        return next((p for p in self.purposes if p.id == purpose_id), None)

    @property
    def purpose_ids(self) -> frozenset[str]:
        return frozenset(p.id for p in self.purposes)

    def region_of(self, country: str) -> str | None:
        """The region of an ISO alpha-2 country code (any case), or None if the policy has none."""
        code = country.strip().upper()
        for name, region in self.regions.items():
            if code in region.countries:
                return name
        return None

    def transfer_allowed(self, from_region: str, to_region: str,
                         contract_mechanisms: tuple[str, ...]) -> bool:
        """Whether data of a person in ``from_region`` may go to a vendor in ``to_region``.

        Within one region it always may. Otherwise a rule must cover the pair with a mechanism
        that needs no contract (adequacy) or one the vendor's contract declares.
        """
        if from_region == to_region:
            return True
        for rule in self.transfers:
            if rule.from_region != from_region or to_region not in rule.to:
                continue
            for name in rule.mechanisms:
                if not self.mechanisms[name].contract_required or name in contract_mechanisms:
                    return True
        return False

    def is_minor(self, age: int) -> bool:
        return self.minimum_age is not None and age < self.minimum_age


def age_on(born: date, today: date) -> int:
    """Completed years between ``born`` and ``today``."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def check_contract(prefix: str, contract: VendorContract, policy: PrivacyPolicy | None,
                   policy_file: str, problems: list[str]) -> None:
    """Check one vendor contract against the policy (and the placement of token actions).

    Appends one line per problem, naming the key and what to do. Without a policy, purposes are
    labels, but a ``subject`` section is an error: there would be nothing to enforce.
    """
    _check_routes(prefix, contract, policy, policy_file, problems)
    if policy is not None:
        _check_purposes_and_region(prefix, contract, policy, policy_file, problems)


def _check_routes(prefix: str, contract: VendorContract, policy: PrivacyPolicy | None,
                  policy_file: str, problems: list[str]) -> None:
    """Token actions in the right direction, and subject sections the gate can enforce."""
    for index, route in enumerate(contract.routes):
        where = f"routes[{index}]"
        for direction, message in (("request", route.request), ("response", route.response)):
            if message is None:
                continue
            wrong = Action.DETOKENIZE if direction == "request" else Action.TOKENIZE
            for section in ("headers", "query", "body"):
                for key, rule in (getattr(message, section) or {}).items():
                    if rule.action is wrong:
                        problems.append(
                            f"{prefix}: {where}.{direction}.{section}.'{key}': '{wrong.value}' "
                            f"is not for the {direction}; tokenize what goes to the vendor, "
                            "detokenize what comes back")
        for key, rule in route.params.items():
            if rule.action in (Action.TOKENIZE, Action.DETOKENIZE):
                problems.append(f"{prefix}: {where}.params.{key}: '{rule.action.value}' applies "
                                "to headers, query and body fields only")
        if route.subject is not None:
            if policy is None:
                problems.append(f"{prefix}: {where}.subject: a subject section needs the privacy "
                                f"policy; add {policy_file} (see config/policy.yaml)")
            _, subject_problems = compile_subject(route.subject)
            problems.extend(f"{prefix}: {where}.subject.{p}" for p in subject_problems)
            streamed = route.request.stream is not None or (
                route.response is not None and route.response.stream is not None)
            if streamed:  # fail closed: the gate and the ledger see whole exchanges only
                problems.append(f"{prefix}: {where}.subject: subject checks and the disclosure "
                                "ledger do not cover streamed routes yet; send the records as one "
                                "JSON body (a top-level array or a records list)")
            if route.subject.country is not None and contract.region is None:
                problems.append(f"{prefix}: {where}.subject.country: checking transfers needs the "
                                "vendor's 'region'; declare where the vendor processes data")


def _check_purposes_and_region(prefix: str, contract: VendorContract, policy: PrivacyPolicy,
                               policy_file: str, problems: list[str]) -> None:
    """The vendor's purposes, region and transfer mechanisms are among the policy's."""
    known = policy.purpose_ids
    if not contract.purposes:
        problems.append(f"{prefix}: purposes: required by the privacy policy; name the purposes "
                        "this vendor serves, among: " + ", ".join(sorted(known)))
    for purpose in contract.purposes:
        if purpose not in known:
            problems.append(f"{prefix}: purposes: '{purpose}' is not a purpose of {policy_file}; "
                            "use one of: " + ", ".join(sorted(known)))
    for index, route in enumerate(contract.routes):
        if route.purposes is not None and not route.purposes:
            problems.append(f"{prefix}: routes[{index}].purposes: empty; name the purposes this "
                            "route serves, or remove the key to use the vendor's")
        for purpose in route.purposes or ():
            if purpose not in contract.purposes:
                problems.append(f"{prefix}: routes[{index}].purposes: '{purpose}' is not among the "
                                "vendor's purposes; add it there first (and to the policy)")
    if contract.region is not None and contract.region not in policy.regions:
        problems.append(f"{prefix}: region: '{contract.region}' is not a region of {policy_file}; "
                        "use one of: " + ", ".join(sorted(policy.regions)))
    for mechanism in contract.transfer_mechanisms:
        if mechanism not in policy.mechanisms:
            problems.append(f"{prefix}: transfer_mechanisms: '{mechanism}' is not a mechanism of "
                            f"{policy_file}; use one of: " + ", ".join(sorted(policy.mechanisms)))
