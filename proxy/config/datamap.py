"""The records of processing (GDPR Art. 30) built from the configuration files alone.

One *activity* per recipient x purpose: the recipient, the purpose and its legal basis, the data
subjects, the rule for minors, the destination region and the transfer verdict per origin region
with its safeguard, the retention, and every field path that may leave with its data category
and the action applied to it: for a vendor, what the request carries (headers, query, cookies,
path parameters, body); for a partner calling our API (config/partners/), what our answer
carries (response headers, cookies, body). Nothing
here needs a running proxy: ``python -m proxy datamap`` renders it for CI and audits, and the
admin listener's ``/datamap`` shows it next to live evidence (``proxy.server.datamap_page``).

Warnings are what an auditor would flag from the files: Art. 30 fields left empty, vendors
without a processing agreement reference, transfers without a safeguard, and a contract that
keeps a field of a sensitive category. Only paths, labels and counts: never a value.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

import orjson

from proxy.config.loader import LoadedConfig
from proxy.contract.categories import is_sensitive, suggest_category
from proxy.contract.models import Action, FieldRule, MessageContract, Route
from proxy.contract.privacy_policy import PrivacyPolicy
from proxy.contract.routing import CompiledVendor

# What the page calls each action: what the vendor gets.
ACTION_WORDS: dict[str, str] = {
    "keep": "kept", "drop": "dropped", "redact": "redacted", "mask": "masked",
    "pseudonymize": "pseudonymized", "generalize": "generalized", "tokenize": "tokenized",
    "detokenize": "detokenized",
}
UNSPECIFIED = ""  # an Art. 30 field the configuration leaves empty


@dataclass(frozen=True)
class FieldEntry:
    """One path that may leave for the vendor: its category (labeled or suggested), action."""

    route: str
    path: str  # as audit records write it: body:a.b[*].c, header:authorization, query:q
    category: str
    suggested: bool  # True: no label in the contract; guessed from entities and name
    action: str  # kept, pseudonymized, tokenized, generalized, masked, redacted, dropped
    sensitive: bool


@dataclass(frozen=True)
class Transfer:
    """Whether data of people in ``origin`` may reach the vendor's region, and under what."""

    origin: str
    verdict: str  # "same region", "allowed", "blocked by the gate", "no safeguard"
    safeguard: str  # the mechanism id, or ""


@dataclass(frozen=True)
class Activity:
    """One processing activity: a vendor serving one purpose."""

    vendor: str
    vendor_description: str
    recipient_type: str  # "vendor" (we call it) or "partner" (it calls our API)
    purpose: str
    purpose_description: str
    legal_basis: str
    data_subjects: tuple[str, ...]
    minors: str
    region: str
    transfers: tuple[Transfer, ...]
    retention: str
    processing_agreement: str
    mode: str
    routes: tuple[str, ...]
    fields: tuple[FieldEntry, ...]

    @property
    def categories(self) -> tuple[str, ...]:
        """The categories of what leaves (not of what is dropped)."""
        return tuple(sorted({f.category for f in self.fields if f.action != "dropped"}))


@dataclass(frozen=True)
class DataMapWarning:
    """Something an auditor would flag: ``kind`` is a stable code."""

    kind: str  # art30_empty, no_processing_agreement, transfer_no_safeguard, sensitive_kept
    vendor: str | None
    purpose: str | None
    message: str


@dataclass(frozen=True)
class DataMap:
    """The whole record: header, activities, warnings."""

    controller: dict[str, str]
    security_measures: tuple[str, ...]
    contract_version: str
    policy_hash: str
    activities: tuple[Activity, ...]
    warnings: tuple[DataMapWarning, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """The JSON export's record part (``evidence`` is added by the admin listener)."""
        out = asdict(self)
        for activity, data in zip(self.activities, out["activities"], strict=True):
            data["categories"] = list(activity.categories)
        return out


def policy_hash(policy: PrivacyPolicy | None) -> str:
    """A short hash of the policy in force (its checked model, not the file's bytes)."""
    if policy is None:
        return ""
    return hashlib.sha256(orjson.dumps(policy.model_dump(mode="json"),
                                       option=orjson.OPT_SORT_KEYS)).hexdigest()[:12]


# The proxy's own measures (Art. 32), true of every activity; the policy may add more.
PROXY_MEASURES = (
    "default-deny minimization of every field on the wire (contract per vendor)",
    "PII detection and redaction in free text",
    "keyed pseudonymization per vendor, vault tokenization",
    "audit records of paths and counts, never values",
)


def build_datamap(config: LoadedConfig) -> DataMap:
    """The records of processing of ``config``, from its files alone."""
    policy = config.policy
    recipients = [(config.vendors[name], False) for name in sorted(config.vendors)]
    recipients += [(config.partners[name].vendor, True) for name in sorted(config.partners)]
    activities: list[Activity] = []
    for vendor, inbound in recipients:
        for purpose in vendor.contract.purposes or ("",):
            activities.append(_activity(vendor, purpose, policy, inbound))
    controller: dict[str, str] = {}
    measures: tuple[str, ...] = PROXY_MEASURES
    if policy is not None and policy.controller is not None:
        controller = {k: v for k, v in policy.controller.model_dump().items() if v}
    if policy is not None:
        measures = (*PROXY_MEASURES, *policy.security_measures)
    warnings = _header_warnings(policy) + [w for a in activities for w in _warnings(a)]
    return DataMap(controller=controller, security_measures=measures,
                   contract_version=config.version, policy_hash=policy_hash(policy),
                   activities=tuple(activities), warnings=tuple(_unique(warnings)))


def _activity(vendor: CompiledVendor, purpose: str, policy: PrivacyPolicy | None,
              inbound: bool = False) -> Activity:
    contract = vendor.contract
    declared = policy.purpose(purpose) if policy is not None and purpose else None
    routes = [r for r in vendor.routes
              if not purpose or purpose in (r.route.purposes or contract.purposes)]
    fields = tuple(entry for r in routes for entry in _route_fields(r.name, r.route, inbound))
    return Activity(
        vendor=contract.vendor, vendor_description=contract.description or UNSPECIFIED,
        recipient_type="partner" if inbound else "vendor",
        purpose=purpose, purpose_description=declared.description if declared else UNSPECIFIED,
        legal_basis=(declared.legal_basis or UNSPECIFIED) if declared else UNSPECIFIED,
        data_subjects=declared.data_subjects if declared else (),
        minors=_minors_rule([r.route for r in routes], policy),
        region=contract.region or UNSPECIFIED,
        transfers=_transfers(vendor, [r.route for r in routes], policy),
        retention=contract.retention or UNSPECIFIED,
        processing_agreement=contract.processing_agreement or UNSPECIFIED,
        mode=contract.mode.value, routes=tuple(r.name for r in routes), fields=fields)


def _route_fields(route_name: str, route: Route, inbound: bool = False) -> list[FieldEntry]:
    """Every path that leaves on the route and that the contract names, with its category: the
    request to a vendor, or our response to a partner."""
    out: list[FieldEntry] = []
    if inbound:
        answer: MessageContract = route.response or MessageContract()
        sections: list[tuple[str, dict[str, FieldRule]]] = [
            ("header", answer.headers), ("cookie", answer.cookies), ("body", answer.body or {})]
    else:
        message = route.request
        sections = [("header", message.headers), ("query", message.query),
                    ("cookie", message.cookies), ("path", route.params),
                    ("body", message.body or {})]
    for carrier, rules in sections:
        for selector, rule in rules.items():
            out.append(_entry(route_name, f"{carrier}:{selector}", rule))
    return out


def _entry(route_name: str, path: str, rule: FieldRule) -> FieldEntry:
    if rule.category is not None:
        category, suggested = rule.category, False
    else:
        free_text = rule.action is Action.REDACT and not rule.entities
        category = suggest_category(path, rule.entities, free_text)
        suggested = True
    action = ACTION_WORDS[rule.action.value]
    return FieldEntry(route=route_name, path=path, category=category, suggested=suggested,
                      action=action, sensitive=is_sensitive(category))


def _minors_rule(routes: list[Route], policy: PrivacyPolicy | None) -> str:
    if policy is None or policy.minimum_age is None:
        return "no minimum age in the policy"
    checked = [r for r in routes if r.subject is not None
               and (r.subject.birth_date is not None or r.subject.age is not None)]
    age = policy.minimum_age
    if routes and len(checked) == len(routes):
        return f"records of people under {age} are blocked"
    if checked:
        return f"under {age} blocked on {len(checked)} of {len(routes)} routes"
    return f"not checked on the wire (policy minimum age {age})"


def _transfers(vendor: CompiledVendor, routes: list[Route],
               policy: PrivacyPolicy | None) -> tuple[Transfer, ...]:
    target = vendor.contract.region
    if policy is None or target is None:
        return ()
    gated = bool(routes) and all(r.subject is not None and r.subject.country is not None
                                 for r in routes)
    out: list[Transfer] = []
    for origin in policy.regions:
        if origin == target:
            out.append(Transfer(origin, "same region", ""))
            continue
        safeguard = _safeguard(policy, origin, target, vendor.contract.transfer_mechanisms)
        if safeguard:
            out.append(Transfer(origin, "allowed", safeguard))
        else:
            out.append(Transfer(origin, "blocked by the gate" if gated else "no safeguard", ""))
    return tuple(out)


def _safeguard(policy: PrivacyPolicy, origin: str, target: str,
               declared: tuple[str, ...]) -> str:
    for rule in policy.transfers:
        if rule.from_region != origin or target not in rule.to:
            continue
        for name in rule.mechanisms:
            if not policy.mechanisms[name].contract_required or name in declared:
                return name
    return ""


def _header_warnings(policy: PrivacyPolicy | None) -> list[DataMapWarning]:
    if policy is None:
        return [DataMapWarning("art30_empty", None, None,
                               "no policy.yaml: purposes, controller and transfers are unknown")]
    out: list[DataMapWarning] = []
    if policy.controller is None:
        out.append(DataMapWarning("art30_empty", None, None,
                                  "controller: name and contact are empty (policy.yaml)"))
    elif policy.controller.dpo is None:
        out.append(DataMapWarning("art30_empty", None, None,
                                  "controller.dpo: the DPO's contact is empty (policy.yaml)"))
    return out


def _warnings(activity: Activity) -> list[DataMapWarning]:
    vendor, purpose = activity.vendor, activity.purpose
    out: list[DataMapWarning] = []
    empty = [name for name, value in (
        ("purpose", activity.purpose), ("legal_basis", activity.legal_basis),
        ("data_subjects", activity.data_subjects), ("region", activity.region),
        ("retention", activity.retention)) if not value]
    if empty:
        out.append(DataMapWarning("art30_empty", vendor, purpose,
                                  f"{vendor} / {purpose or '-'}: empty: {', '.join(empty)}"))
    if not activity.processing_agreement:
        out.append(DataMapWarning("no_processing_agreement", vendor, None,
                                  f"{vendor}: no processing agreement reference "
                                  "(processing_agreement in its contract)"))
    for transfer in activity.transfers:
        if transfer.verdict == "no safeguard":
            out.append(DataMapWarning(
                "transfer_no_safeguard", vendor, purpose,
                f"{vendor} / {purpose}: data of people in {transfer.origin} may reach "
                f"{activity.region} with no safeguard declared, and no route checks the "
                "subject's country"))
    for entry in activity.fields:
        if entry.sensitive and entry.action == "kept":
            label = "suggested " if entry.suggested else ""
            out.append(DataMapWarning(
                "sensitive_kept", vendor, purpose,
                f"{vendor} {entry.route}: {entry.path} ({label}{entry.category}) is kept: "
                "a sensitive category leaves as it is"))
    return out


def _unique(warnings: list[DataMapWarning]) -> list[DataMapWarning]:
    seen: set[tuple[str, str | None, str]] = set()
    out: list[DataMapWarning] = []
    for warning in warnings:
        key = (warning.kind, warning.vendor, warning.message)
        if key not in seen:
            seen.add(key)
            out.append(warning)
    return out
