"""The data map as files: CSV in the column order of GDPR Art. 30(1), and JSON.

The CSV has one row per processing activity (vendor x purpose) and opens in a spreadsheet; the
columns follow Art. 30(1): controller and DPO, purpose, categories of data subjects and of
personal data, recipient, transfers and their safeguards, time limit for erasure, security
measures; then what the proxy adds (rule for minors, each path sent with its category and
action, what is withheld) and the hashes of the configuration it was built from. A cell a
spreadsheet would read as a formula is prefixed with an apostrophe. Paths, labels, counts only.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import orjson

from proxy.config.datamap import Activity, DataMap

CSV_COLUMNS: tuple[str, ...] = (
    "controller", "dpo", "activity", "purpose", "purpose_description", "legal_basis",
    "data_subjects", "personal_data_categories", "recipient", "recipient_type",
    "recipient_description",
    "processing_agreement", "destination_region", "transfers_and_safeguards", "retention",
    "security_measures", "minors", "fields_sent", "fields_withheld", "mode",
    "contract_version", "policy_hash",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def transfers_text(activity: Activity) -> str:
    """``eea: allowed (scc); uk: no safeguard`` (origins other than the vendor's region)."""
    parts = []
    for t in activity.transfers:
        if t.verdict == "same region":
            continue
        parts.append(f"{t.origin}: {t.verdict}" + (f" ({t.safeguard})" if t.safeguard else ""))
    return "; ".join(parts)


def _row(data_map: DataMap, activity: Activity) -> list[str]:
    controller = data_map.controller
    sent = [f for f in activity.fields if f.action != "dropped"]
    withheld = [f.path for f in activity.fields if f.action == "dropped"]
    return [
        "; ".join(v for v in (controller.get("name", ""), controller.get("contact", "")) if v),
        controller.get("dpo", ""),
        f"{activity.vendor} / {activity.purpose}",
        activity.purpose, activity.purpose_description, activity.legal_basis,
        "; ".join(activity.data_subjects), "; ".join(activity.categories),
        activity.vendor, activity.recipient_type, activity.vendor_description,
        activity.processing_agreement,
        activity.region, transfers_text(activity), activity.retention,
        "; ".join(data_map.security_measures), activity.minors,
        "; ".join(f"{f.route} {f.path} = {f.category}{'?' if f.suggested else ''}: {f.action}"
                  for f in sent),
        "; ".join([*withheld, "every field the contract does not name"]),
        activity.mode, data_map.contract_version, data_map.policy_hash,
    ]


def to_csv(data_map: DataMap) -> str:
    """One header line and one row per activity (``?`` marks a suggested category)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for activity in data_map.activities:
        writer.writerow([_cell(value) for value in _row(data_map, activity)])
    return out.getvalue()


def to_json(data_map: DataMap, evidence: dict[str, Any] | None = None,
            generated_at: str | None = None) -> bytes:
    """The record with its config hashes; the admin listener adds ``evidence``."""
    body = data_map.to_dict()
    body["generated_at"] = generated_at
    body["evidence"] = evidence
    return orjson.dumps(body, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
