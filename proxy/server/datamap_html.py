"""The data map as one HTML page: no script, no external asset, every text escaped.

``render_page`` draws the header (controller, DPO, hashes, time), the warnings, the live
evidence per vendor (when the proxy is running) and one row per vendor x purpose with each path
that may leave, its category and action, and how often it was sent. ``python -m proxy datamap
--format html`` renders the same page from the files alone (no evidence then). The style sheet
is served from the same origin (``/datamap.css``), so a Content-Security-Policy without
``unsafe-inline`` holds; counters refresh by a ``<meta http-equiv="refresh">``, not by script.
"""

from __future__ import annotations

from collections import Counter
from html import escape
from typing import Any

from proxy.config.datamap import Activity, DataMap, FieldEntry
from proxy.config.datamap_export import transfers_text
from proxy.contract.categories import suggest_category

CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1b1b1b}
h1{font-size:1.4em;margin:0 0 .4em}h2{font-size:1.15em;margin:1.4em 0 .4em}
dl.head{display:grid;grid-template-columns:max-content auto;gap:.1em 1em;margin:0}
dt{font-weight:600}dd{margin:0}
table{border-collapse:collapse;width:100%;margin:.4em 0}
th,td{border:1px solid #ccc;padding:.3em .45em;vertical-align:top;text-align:left}
th{background:#f0f0f0}td.n{text-align:right;font-variant-numeric:tabular-nums}
ul.warnings li{margin:.15em 0}ul.warnings li::marker{content:"\\26A0  ";color:#b15c00}
table.fields{margin:0;font-size:.88em;width:auto}
table.fields td{border-color:#e3e3e3;padding:.12em .3em;white-space:nowrap}
.kept{color:#8a1c1c;font-weight:600}.dropped{color:#777}
.redacted,.pseudonymized,.tokenized,.generalized,.masked{color:#1d5e9e}
.suggested{font-style:italic;color:#666}.sensitive{background:#fde8e8}
.empty{color:#b15c00}small{color:#555}code{font-size:.95em}
"""

_ACTION_ORDER = ("kept", "pseudonymized", "tokenized", "generalized", "masked", "redacted",
                 "dropped")
# Audit transform names -> the words of the page (audit records write the action itself).
_AUDIT_ACTIONS = {"keep": "kept", "kept": "kept", "redact": "redacted", "mask": "masked",
                  "pseudonymize": "pseudonymized", "generalize": "generalized",
                  "tokenize": "tokenized", "injected": "injected",
                  "shadow": "sent unenforced (shadow mode)"}


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _or_empty(value: str) -> str:
    return _e(value) if value else '<span class="empty">not set</span>'


def render_page(data_map: DataMap, generated_at: str, evidence: dict[str, Any] | None = None,
                live_warnings: list[str] | None = None, refresh_s: int | None = None,
                inline_css: bool = False) -> str:
    """The whole page; ``evidence`` is ``Evidence.snapshot()`` of the running proxy or None.
    ``inline_css``: a file to open on its own (``datamap --format html``), with no server."""
    style = (f"<style>{CSS}</style>" if inline_css
             else '<link rel="stylesheet" href="/datamap.css">')
    refresh = (f'<meta http-equiv="refresh" content="{int(refresh_s)}">'
               if refresh_s else "")
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">', refresh,
        "<title>Data map and records of processing</title>",
        style, "</head><body>",
        "<h1>Data map and records of processing (GDPR Art. 30)</h1>",
        _header(data_map, generated_at, evidence),
        _warnings(data_map, live_warnings or []),
    ]
    if evidence is not None:
        parts.append(_evidence_table(summarize(data_map, evidence)))
    parts.append(_activities(data_map, evidence))
    exports = ("" if inline_css else 'Exports: <a href="/datamap.csv">datamap.csv</a> (one row '
               'per activity, Art. 30 columns) and <a href="/datamap.json">datamap.json</a>. ')
    parts.append(f"<p><small>{exports}Paths, categories and counts only; a category in "
                 "<i>italics</i> is a suggestion (no label in the contract).</small></p>"
                 "</body></html>")
    return "\n".join(parts)


def _header(data_map: DataMap, generated_at: str, evidence: dict[str, Any] | None) -> str:
    c = data_map.controller
    rows = [("Controller", c.get("name", "")), ("Contact", c.get("contact", "")),
            ("Data protection officer", c.get("dpo", "")),
            ("Representative", c.get("representative", "")),
            ("Contract set version", data_map.contract_version),
            ("Policy hash", data_map.policy_hash), ("Generated at", generated_at)]
    if evidence is not None:
        rows.append(("Proxy running since", evidence["started"]))
    body = "".join(f'<dt>{_e(k)}</dt><dd id="h-{_e(k.split()[0].lower())}">{_or_empty(v)}</dd>'
                   for k, v in rows)
    measures = "".join(f"<li>{_e(m)}</li>" for m in data_map.security_measures)
    return (f'<dl class="head">{body}</dl><h2>Security measures (Art. 30(1)(g))</h2>'
            f"<ul>{measures}</ul>")


def _warnings(data_map: DataMap, live: list[str]) -> str:
    items = [f'<li data-kind="{_e(w.kind)}">{_e(w.message)}</li>' for w in data_map.warnings]
    items += [f'<li data-kind="drift">{_e(text)}</li>' for text in live]
    if not items:
        return '<h2>Warnings</h2><p id="warnings">None.</p>'
    return f'<h2>Warnings ({len(items)})</h2><ul class="warnings" id="warnings">' \
           + "".join(items) + "</ul>"


def _by_vendor(rows: list[list[Any]], vendor: str) -> Counter[str]:
    """``[vendor, x, n]`` rows -> Counter of x for one vendor."""
    out: Counter[str] = Counter()
    for row in rows:
        if row[0] == vendor:
            out[str(row[-2])] += int(row[-1])
    return out


def _counts(counter: Counter[str]) -> str:
    if not counter:
        return "0"
    return "<br>".join(f"{_e(k)}: {n}" for k, n in sorted(counter.items()))


def _pair(start: int, day: int) -> str:
    return f"{start} <small>/ {day}</small>"


def _category_lookup(data_map: DataMap, vendor: str,
                     found: dict[str, dict[str, int]]) -> dict[tuple[str, str], str]:
    """(route, path) -> the category shown: the label, or the (live) suggestion."""
    return {(f.route, f.path): live_category(f, found.get(f"{f.route} {f.path}"))
            for a in data_map.activities if a.vendor == vendor for f in a.fields}


def vendor_evidence(data_map: DataMap, evidence: dict[str, Any], vendor: str) -> dict[str, Any]:
    """The live counts of one vendor, since start and over 24 hours (JSON-ready)."""
    categories = _category_lookup(
        data_map, vendor, _found(evidence["since_start"].get("found", []), vendor))
    out: dict[str, Any] = {}
    for window in ("since_start", "last_24h"):
        rows = evidence[window]
        by_category: Counter[str] = Counter()
        actions: Counter[str] = Counter()
        for v, route, path, action, count in rows.get("sent", []):
            if v == vendor:
                by_category[categories.get((route, path), "not in the contract")] += int(count)
                actions[_AUDIT_ACTIONS.get(action, action)] += int(count)
        dropped = sum(int(r[-1]) for r in rows.get("dropped", []) if r[0] == vendor)
        if dropped:
            actions["dropped"] += dropped
        out[window] = {
            "exchanges": sum(int(r[-1]) for r in rows.get("exchanges", []) if r[0] == vendor),
            "sent_by_category": dict(sorted(by_category.items())),
            "actions": dict(sorted(actions.items())),
            "entities": dict(sorted(_by_vendor(rows.get("entities", []), vendor).items())),
            "blocked_requests": dict(_by_vendor(rows.get("blocked_requests", []), vendor)),
            "blocked_records": dict(_by_vendor(rows.get("blocked_records", []), vendor)),
            "fail_closed": dict(_by_vendor(rows.get("fail_closed", []), vendor)),
            "would_reject": dict(_by_vendor(rows.get("would_reject", []), vendor)),
            "drift": sorted({str(r[2]) for r in rows.get("drift", []) if r[0] == vendor}),
            "found": _found(rows.get("found", []), vendor),
        }
    out["last_disclosure"] = evidence["last_disclosure"].get(vendor, "")
    return out


def summarize(data_map: DataMap, evidence: dict[str, Any]) -> dict[str, Any]:
    """Per vendor: ``vendor_evidence``; plus refusals before any vendor was known."""
    vendors = sorted({a.vendor for a in data_map.activities})
    return {"started": evidence["started"], "now": evidence["now"],
            "vendors": {v: vendor_evidence(data_map, evidence, v) for v in vendors},
            "unrouted_fail_closed": dict(_by_vendor(
                evidence["since_start"].get("fail_closed", []), ""))}


def _evidence_table(summary: dict[str, Any]) -> str:
    head = ("Vendor", "Exchanges", "Fields sent by category", "Actions applied",
            "Entities redacted", "Requests blocked", "Records blocked", "Fail-closed answers",
            "Shadow would-reject", "Schema drift (paths)", "Last disclosure")
    rows = []
    for vendor, v in summary["vendors"].items():
        s, d = v["since_start"], v["last_24h"]
        cells = [_e(vendor), f'<span class="n">{_pair(s["exchanges"], d["exchanges"])}</span>',
                 _counts(Counter(s["sent_by_category"])), _counts(Counter(s["actions"])),
                 _counts(Counter(s["entities"])), _counts(Counter(s["blocked_requests"])),
                 _counts(Counter(s["blocked_records"])), _counts(Counter(s["fail_closed"])),
                 _counts(Counter(s["would_reject"])),
                 "<br>".join(f"<code>{_e(p)}</code>" for p in s["drift"]) or "none",
                 _or_empty(v["last_disclosure"])]
        rows.append(f'<tr data-vendor="{_e(vendor)}">'
                    + "".join(f'<td data-col="{i}">{c}</td>' for i, c in enumerate(cells))
                    + "</tr>")
    other = summary["unrouted_fail_closed"]
    note = (f"<p>Refused before any vendor was known: {_counts(Counter(other))}</p>"
            if other else "")
    return ('<h2>Live evidence <small>(exchanges since start / last 24 hours; the other '
            'counts since start)</small></h2><table id="evidence"><thead><tr>'
            + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>" + note)


def sent_counts(evidence: dict[str, Any] | None, window: str,
                activity: Activity) -> Counter[tuple[str, str, str]]:
    """(route, path, action word) -> times sent, for the routes of ``activity``."""
    out: Counter[tuple[str, str, str]] = Counter()
    if evidence is None:
        return out
    for vendor, route, path, action, count in evidence[window].get("sent", []):
        if vendor == activity.vendor and route in activity.routes:
            out[(route, path, _AUDIT_ACTIONS.get(action, action))] += int(count)
    return out


def _field_rows(activity: Activity, evidence: dict[str, Any] | None) -> str:
    found = _found(evidence["since_start"].get("found", []), activity.vendor) if evidence else {}
    start = sent_counts(evidence, "since_start", activity)
    day = sent_counts(evidence, "last_24h", activity)
    order = {word: i for i, word in enumerate(_ACTION_ORDER)}
    fields = sorted(activity.fields, key=lambda f: (order.get(f.action, 9), f.route, f.path))
    rows = []
    for f in fields:
        count = "" if evidence is None else _pair(_sent(start, f), _sent(day, f))
        rows.append(f'<tr class="{"sensitive" if f.sensitive else ""}">'
                    f"<td><code>{_e(f.path)}</code><br><small>{_e(f.route)}</small></td>"
                    f"<td>{_category(f, found.get(f'{f.route} {f.path}'))}</td>"
                    f'<td class="{_e(f.action)}">{_e(f.action)}</td>'
                    + (f'<td class="n">{count}</td>' if evidence is not None else "") + "</tr>")
    rows.append('<tr><td colspan="4"><small>every other field: dropped</small></td></tr>')
    return '<table class="fields">' + "".join(rows) + "</table>"


def _sent(counts: Counter[tuple[str, str, str]], f: FieldEntry) -> int:
    if f.action == "dropped":
        return 0
    return sum(n for (route, path, _), n in counts.items()
               if route == f.route and path == f.path)


def _found(rows: list[list[Any]], vendor: str) -> dict[str, dict[str, int]]:
    """``"ROUTE PATH" -> entity type -> count``: what detection replaced at each path."""
    out: dict[str, dict[str, int]] = {}
    for v, route, path, entity_type, count in rows:
        if v == vendor:
            types = out.setdefault(f"{route} {path}", {})
            types[entity_type] = types.get(entity_type, 0) + int(count)
    return out


def live_category(f: FieldEntry, found: dict[str, int] | None) -> str:
    """The category shown for ``f``: its label, else a suggestion from the entity types
    detected there (most frequent first) and its name, else the one from the files."""
    if f.suggested and found:
        ranked = tuple(sorted(found, key=lambda t: (-found[t], t)))
        return suggest_category(f.path, ranked)
    return f.category


def _category(f: FieldEntry, found: dict[str, int] | None = None) -> str:
    category = live_category(f, found)
    detected = ("<br><small>detected: " + ", ".join(
        f"{_e(t)} {n}" for t, n in sorted(found.items(), key=lambda i: (-i[1], i[0])))
        + "</small>") if found else ""
    if f.suggested:
        return (f'<span class="suggested" title="suggested: no label in the contract">'
                f"{_e(category)}?</span>{detected}")
    return _e(category) + detected


def _activities(data_map: DataMap, evidence: dict[str, Any] | None) -> str:
    head = ["Recipient", "Purpose", "Legal basis", "Data subjects", "Minors", "Region",
            "Transfers (safeguard)", "Retention", "Processing agreement", "Fields: path, "
            "category, action" + (", sent (start / 24 h)" if evidence is not None else "")]
    if evidence is not None:
        head.insert(1, "Exchanges")
    rows = []
    for a in data_map.activities:
        cells = [f"<b>{_e(a.vendor)}</b><br><small>{_e(a.vendor_description)}</small>"
                 + (' <small>(shadow mode)</small>' if a.mode == "shadow" else "")
                 + (" <small>(partner: calls our API, gets our answers)</small>"
                    if a.recipient_type == "partner" else ""),
                 f"<b>{_or_empty(a.purpose)}</b><br><small>{_e(a.purpose_description)}</small>",
                 _or_empty(a.legal_basis), _or_empty(", ".join(a.data_subjects)), _e(a.minors),
                 _or_empty(a.region), _e(transfers_text(a)) or "none", _or_empty(a.retention),
                 _or_empty(a.processing_agreement), _field_rows(a, evidence)]
        if evidence is not None:
            cells.insert(1, _activity_exchanges(a, evidence))
        rows.append(f'<tr data-vendor="{_e(a.vendor)}" data-purpose="{_e(a.purpose)}">'
                    + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return ('<h2>Processing activities (one row per recipient and purpose)</h2>'
            '<table id="activities"><thead><tr>' + "".join(f"<th>{_e(h)}</th>" for h in head)
            + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _activity_exchanges(a: Activity, evidence: dict[str, Any]) -> str:
    def count(window: str) -> int:
        return sum(int(r[-1]) for r in evidence[window].get("exchanges", [])
                   if r[0] == a.vendor and r[1] in a.routes)
    return f'<span class="exchanges">{_pair(count("since_start"), count("last_24h"))}</span>'
