"""The policy step of an exchange: who is this record about, and may it go to this vendor?

For a route with a ``subject`` section, ``PolicyGate.screen`` runs after the body is decoded and
before it is minimized. Each record is checked in this order, the first failure being its
reason (a stable code, never a value):

    subject_unidentified     no usable subject id in the record
    subject_age_unknown      the route names a birth date / age and the record has none usable
    subject_minor            younger than the policy's minimum_age
    subject_region_unknown   the route names a country and it is absent or in no policy region
    transfer_not_allowed     the policy allows no transfer from the subject's region to the
                             vendor's under a mechanism the contract declares
    subject_erased           the subject asked for erasure (unless every purpose of the route
                             survives erasure, e.g. legal obligations)
    subject_opted_out        the subject opted out of a purpose of the route

A single record that fails is refused with 403 and that reason. A batch loses the failing
records (they never reach the minimizer, the detector or the vendor) and the audit record counts
them per reason; a batch that loses every record is refused (403 ``all_records_blocked``).
``record_disclosures`` writes one ledger entry per record sent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from proxy.contract.privacy_policy import PrivacyPolicy
from proxy.contract.routing import CompiledRoute, CompiledVendor
from proxy.contract.subjects import CompiledSubject, compile_subject, extract_facts, find_records
from proxy.enforce.report import MessageReport
from proxy.errors import RequestRejected
from proxy.observe.audit import AuditRecord
from proxy.policy.consent import ConsentStore, SubjectKeys
from proxy.policy.ledger import Disclosure, Ledger


class SubjectBlocked(RequestRejected):
    """The policy forbids sending this record to this vendor."""

    status = 403
    reason = "subject_blocked"


_MESSAGES = {
    "subject_unidentified": "the record does not name its data subject as the route requires",
    "subject_age_unknown": "the record does not give the subject's age as the route requires",
    "subject_minor": "the subject is under the minimum age of the privacy policy",
    "subject_region_unknown": "the subject's country is missing or in no region of the policy",
    "transfer_not_allowed": "the privacy policy does not allow this transfer to the vendor's "
                            "region",
    "subject_erased": "the subject asked for erasure",
    "subject_opted_out": "the subject opted out of a purpose of this route",
    "all_records_blocked": "the privacy policy blocks every record of this batch",
}


@dataclass
class Screening:
    """The outcome of the policy step of one exchange (keys only, for ledger and audit)."""

    purposes: tuple[str, ...]
    batch: bool
    records: int = 0
    sent: list[str] = field(default_factory=list)  # subject keys of the records sent
    blocked: Counter[str] = field(default_factory=Counter)

    def audit(self) -> dict[str, Any]:
        return {"purposes": list(self.purposes), "batch": self.batch, "records": self.records,
                "sent": len(self.sent), "blocked": dict(sorted(self.blocked.items()))}


def route_purposes(vendor: CompiledVendor, route: CompiledRoute) -> tuple[str, ...]:
    """The purposes a route serves: its own, or its vendor's."""
    if route.route.purposes is not None:
        return route.route.purposes
    return vendor.contract.purposes


class PolicyGate:
    """Checks records against the policy and the consent store; writes the ledger."""

    def __init__(
        self,
        policy: PrivacyPolicy,
        vendors: dict[str, CompiledVendor],
        keys: SubjectKeys,
        consent: ConsentStore,
        ledger: Ledger,
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
    ) -> None:
        self.policy = policy
        self.keys = keys
        self.consent = consent
        self.ledger = ledger
        self._today = today
        self._subjects: dict[tuple[str, str], CompiledSubject] = {}
        for name, vendor in vendors.items():
            for route in vendor.routes:
                if route.route.subject is not None:
                    compiled, _ = compile_subject(route.route.subject)  # checked at load
                    if compiled is not None:
                        self._subjects[(name, route.name)] = compiled

    def applies_to(self, vendor: CompiledVendor, route: CompiledRoute) -> bool:
        return (vendor.contract.vendor, route.name) in self._subjects

    async def screen(
        self, vendor: CompiledVendor, route: CompiledRoute, document: Any, record: AuditRecord
    ) -> Screening | None:
        """Remove blocked records from ``document`` in place; raise SubjectBlocked when nothing
        may be sent. ``document`` is None when the request has no body. None: no subject."""
        subject = self._subjects.get((vendor.contract.vendor, route.name))
        if subject is None:
            return None
        purposes = route_purposes(vendor, route)
        if document is None:
            screening = Screening(purposes=purposes, batch=False, records=1)
            screening.blocked["subject_unidentified"] += 1
            record.policy = screening.audit()
            raise SubjectBlocked(_MESSAGES["subject_unidentified"], reason="subject_unidentified")
        found = find_records(document, subject)
        screening = Screening(purposes=purposes, batch=found.batch, records=len(found.records))
        reasons: list[str | None] = []
        keys: list[str | None] = []
        today = self._today()
        for item in found.records:
            facts = extract_facts(item, subject, today)
            reason = self._static_reason(vendor, facts.subject_id, facts.age, facts.age_declared,
                                         facts.country, facts.country_declared)
            reasons.append(reason)
            keys.append(self.keys.key(facts.subject_id) if facts.subject_id and not reason
                        else None)
        states = await self.consent.states([k for k in keys if k is not None])
        # No purpose at all survives nothing: erasure applies (fail closed; the loader refuses
        # ``purposes: []`` too).
        erasure_applies = not purposes or not all(
            (p := self.policy.purpose(pid)) is not None and p.survives_erasure for pid in purposes
        )
        for i, key in enumerate(keys):
            if key is None:
                continue
            state = states.get(key)
            if state is None:
                continue
            if state.erased and erasure_applies:
                reasons[i] = "subject_erased"
            elif state.opted_out & set(purposes):
                reasons[i] = "subject_opted_out"
        for reason, key in zip(reasons, keys, strict=True):
            if reason is not None:
                screening.blocked[reason] += 1
            elif key is not None:
                screening.sent.append(key)
        record.policy = screening.audit()
        if not found.batch:
            if reasons[0] is not None:
                raise SubjectBlocked(_MESSAGES[reasons[0]], reason=reasons[0])
            return screening
        if found.records and not screening.sent:
            raise SubjectBlocked(_MESSAGES["all_records_blocked"], reason="all_records_blocked")
        found.keep_only([r is None for r in reasons])
        return screening

    def _static_reason(self, vendor: CompiledVendor, subject_id: str | None, age: int | None,
                       age_declared: bool, country: str | None,
                       country_declared: bool) -> str | None:
        if subject_id is None:
            return "subject_unidentified"
        if age_declared:
            if age is None:
                return "subject_age_unknown"
            if self.policy.is_minor(age):
                return "subject_minor"
        if country_declared:
            region = self.policy.region_of(country) if country else None
            if region is None:
                return "subject_region_unknown"
            target = vendor.contract.region
            if target is None or not self.policy.transfer_allowed(
                    region, target, vendor.contract.transfer_mechanisms):
                return "transfer_not_allowed"
        return None

    async def record_disclosures(
        self, vendor: CompiledVendor, route: CompiledRoute, screening: Screening,
        report: MessageReport, request_id: str,
    ) -> None:
        """One ledger entry per record about to be sent (StoreUnavailable stops the exchange)."""
        fields = tuple(sorted(set(report.kept) | set(report.transformed)))
        now = datetime.now(UTC).isoformat(timespec="milliseconds")
        entries: Sequence[Disclosure] = [
            Disclosure(subject=key, vendor=vendor.contract.vendor, route=route.name,
                       purposes=screening.purposes, time=now, fields=fields,
                       request_id=request_id)
            for key in screening.sent
        ]
        await self.ledger.record(entries)
