"""``LLM.md`` and ``llm.json``: the figures of one ``python -m benchmarks.llm`` run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.llm.figures import TARGET_ADDED_TTFT_MS, TARGET_THROUGHPUT_RATIO

REPORT_NAME = "LLM.md"
JSON_NAME = "llm.json"


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f}"


def _int(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _signed(value: float | None) -> str:
    return "-" if value is None else f"{value:+,.1f}"


def _x(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} x"


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def _load(value: Any) -> str:
    return "/".join(f"{v:.1f}" for v in value) if value else "?"


def _names(names: list[str]) -> str:
    return f": {', '.join(names)}" if names else ""


def _label(phase: dict[str, Any]) -> str:
    return f"{phase['scenario']}, c={phase['concurrency']}"


def setup_lines(results: dict[str, Any]) -> list[str]:
    """The setup as a bullet list (prompt, fake's pacing, load, proxy, machine)."""
    setup, meta = results["setup"], results.get("meta", {})
    pacing = setup.get("pacing", {})
    levels = ", ".join(f"{n} at concurrency {c}" for c, n in setup["levels"])
    by_concurrency = {p["concurrency"]: p["stagger_s"] for p in results["phases"].values()
                      if p["stagger_s"]}
    staggers = ", ".join(f"{s:.2f} s at c={c}" for c, s in by_concurrency.items()) or "0 s"
    lines = [
        (f"- Prompt (a new conversation): {setup['prompt_chars']:,} characters of "
         f"support-ticket text in {setup['prompt_messages']} chat messages (about "
         f"{setup['prompt_chars'] // 4:,} tokens), {setup['pii_values']} distinct personal data "
         "values (names, emails, phones, street addresses, an IBAN, payment cards); request "
         f"body {setup['prompt_body_bytes']:,} bytes, `stream: true`, the OpenAI chat route of "
         "`config/vendors/openai.yaml`. Every request is a new ticket (its order number in every"
         " message but the system prompt), so only the system prompt was seen before."),
        (f"- Next turn: a measured conversation's history, the answer it got and a new request"
         f" ({_int(setup.get('next_turn_chars'))} characters, about 350 of them new besides the"
         " answer), in the same conversation."),
        (f"- Fake vendor (`benchmarks.llm.fake`, a separate process): first token after "
         f"{pacing.get('first_token_ms', '?')} ms, then a delta (1-3 characters) every "
         f"{pacing.get('chunk_ms', '?')} ms; answer of {pacing.get('answer_tokens', '?')} words"
         " plus every placeholder of the prompt echoed."),
        ("- Direct baseline: the same fake, sent the prompt as the fake receives it through the "
         "proxy (placeholders instead of values), so both sides get the same answer, delta for "
         "delta."),
        (f"- Load, requests per side: new conversations {levels}; next turns "
         f"{setup.get('follow_up', 0)} at the highest concurrency. Closed-loop clients start "
         f"{staggers} apart; direct and proxy halves alternate in {setup['rounds']} rounds."),
    ]
    if meta:
        lines += [
            (f"- Proxy: `python -m proxy serve` subprocess, {meta.get('workers', '?')} detection "
             "worker(s), placeholder store SQLite in a temporary directory, audit to a file."),
            (f"- Machine: {meta.get('cpus')} CPUs ({meta.get('cpu_model', '?')}), Python "
             f"{meta.get('python')}, {meta.get('platform')}. Load average at start "
             f"{_load(meta.get('load_average_at_start'))}, at end "
             f"{_load(meta.get('load_average_at_end'))}. The client, the fake and the proxy "
             "share these cores: compare the two sides of one run, not figures across runs."),
        ]
    return lines


def target_lines(results: dict[str, Any]) -> list[str]:
    """The targets table."""
    t = results["targets"]
    lines = [
        "| target | measured | verdict |", "| --- | --- | --- |",
        (f"| added TTFT p50 <= {TARGET_ADDED_TTFT_MS:g} ms, new conversation, concurrency "
         f"{t['concurrency']} | {_signed(t['added_ttft_p50_ms'])} ms "
         f"| {_verdict(t['added_ttft_met'])} |"),
    ]
    if t.get("next_turn_concurrency") is not None:
        lines.append(
            f"| (same target) next turn, concurrency {t['next_turn_concurrency']} "
            f"| {_signed(t['next_turn_added_ttft_p50_ms'])} ms "
            f"| {_verdict(t['next_turn_added_ttft_met'])} |")
    lines += [
        (f"| streamed deltas/s proxy/direct >= {TARGET_THROUGHPUT_RATIO}, new conversation, "
         f"concurrency {t['concurrency']} | {_x(t['throughput_ratio'])} "
         f"| {_verdict(t['throughput_met'])} |"),
        (f"| PII values the vendor received | {t['leaked']} ({t['leaked_next_turn']} in next "
         f"turns){_names(t['leaked_values'])} | {_verdict(t['leaks_met'])} |"),
        (f"| answers restored (every original value, no placeholder) | {t['restored']} of "
         f"{t['answers']} | {_verdict(t['restored_met'])} |"),
    ]
    return lines


def ttft_lines(results: dict[str, Any]) -> list[str]:
    """Time to first token, direct and through the proxy."""
    lines = [("| phase | requests ok (direct / proxy) | direct p50 | direct p95 | proxy p50 "
              "| proxy p95 | added p50 | added p95 |"),
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for phase in results["phases"].values():
        a, b = phase["direct"], phase["proxy"]
        lines.append(
            f"| {_label(phase)} | {a['ok']}/{a['requests']} / {b['ok']}/{b['requests']} "
            f"| {_ms(a['ttft_ms']['p50'])} | {_ms(a['ttft_ms']['p95'])} "
            f"| {_ms(b['ttft_ms']['p50'])} | {_ms(b['ttft_ms']['p95'])} "
            f"| {_signed(phase['added_ttft_ms']['p50'])} "
            f"| {_signed(phase['added_ttft_ms']['p95'])} |")
    return lines


def stream_lines(results: dict[str, Any]) -> list[str]:
    """Streamed answer after the first token."""
    lines = [("| phase | deltas per answer | deltas/s direct | deltas/s proxy | ratio "
              "| stream s direct | stream s proxy | chars/s direct | chars/s proxy (restored) |"),
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for phase in results["phases"].values():
        a, b = phase["direct"], phase["proxy"]
        lines.append(
            f"| {_label(phase)} | {_int(a['deltas_p50'])} | {_ms(a['deltas_per_s_p50'])} "
            f"| {_ms(b['deltas_per_s_p50'])} | {_x(phase['throughput_ratio'])} "
            f"| {_s(a['stream_s_p50'])} | {_s(b['stream_s_p50'])} "
            f"| {_ms(a['chars_per_s_p50'])} | {_ms(b['chars_per_s_p50'])} |")
    return lines


def check_lines(results: dict[str, Any]) -> list[str]:
    """Leaks and restoration, per phase."""
    lines = [("| phase | prompts the vendor got | placeholders per prompt | PII values found "
              "there | answers restored | values missing | placeholders left |"),
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for phase in results["phases"].values():
        leak, rest = phase["leaks"], phase["restoration"]
        lines.append(
            f"| {_label(phase)} | {leak['bodies']} "
            f"| {_int(leak['placeholders_per_prompt_p50'])} | {leak['leaked']} of "
            f"{leak['values_checked']} checked | {rest['restored']} of {rest['answers']} "
            f"| {rest['values_missing']} | {rest['placeholders_left']} |")
    return lines


def _idle(results: dict[str, Any]) -> str:
    idle = results.get("meta", {}).get("idle_cpu_ms_per_s")
    return f"{idle[0]:.1f} ms of CPU a second" if idle else "not measured"


def time_lines(results: dict[str, Any]) -> list[str]:
    """Where the added time goes: the fixed cost, the proxy's audit, CPU, the detector alone."""
    lines: list[str] = []
    control = results.get("control")
    if control:
        audit = control.get("proxy_audit") or {}
        lines.append(
            f"- The proxy's fixed cost, a one-line prompt without personal data at concurrency 1 "
            f"({control['requests']} requests per side): TTFT p50 direct "
            f"{_ms(control['direct_ttft_ms']['p50'])} ms, proxy "
            f"{_ms(control['proxy_ttft_ms']['p50'])} ms, added "
            f"{_signed(control['added_ttft_ms']['p50'])} ms p50 "
            f"({_signed(control['added_ttft_ms']['p95'])} ms p95), of which detection "
            f"{_ms(audit.get('detection_ms_p50'))} ms p50.")
    for phase in results["phases"].values():
        audit = phase.get("proxy_audit")
        if audit:
            lines.append(
                f"- {_label(phase)}: detection (`detection_ms` of the audit records: the texts "
                f"not in the span cache, sent to the pool and back, queue included) p50 "
                f"{_ms(audit['detection_ms_p50'])} ms, p95 {_ms(audit['detection_ms_p95'])} ms, "
                f"of {_signed(phase['added_ttft_ms']['p50'])} ms added TTFT p50.")
    for phase in results["phases"].values():
        cpu = phase.get("proxy_cpu_ms_per_request")
        deltas = phase["proxy"]["deltas_p50"]
        if cpu and deltas:
            lines.append(
                f"- CPU per request, {_label(phase)}: detection workers {cpu['workers']:.1f} ms, "
                f"the proxy process {cpu['process']:.1f} ms, i.e. at most "
                f"{cpu['process'] / deltas * 1000:.0f} us per streamed delta (the request's own "
                f"checks included; the process's idle use, {_idle(results)}, taken off).")
    alone = results.get("detector_alone")
    if alone:
        lines.append(
            f"- The detector alone on a new conversation's {alone['texts']} texts (through the "
            "proxy the system prompt is a span-cache hit), in this process, one batch, best of "
            f"{alone['repeats']}: {_ms(alone['batch_ms'])} ms, of "
            f"which spaCy NER {_ms(alone['ner_ms'])} ms and the pattern recognizers and the "
            f"rest {_ms(alone['batch_ms'] - alone['ner_ms'])} ms; the largest message alone "
            f"({alone['largest_chars']:,} characters): {_ms(alone['largest_ms'])} ms.")
    return lines


def render(results: dict[str, Any], notes: str = "") -> str:
    """The markdown report."""
    started = results.get("meta", {}).get("started", "?")
    parts = [
        "# Model API benchmark: streamed chat completion, direct vs through the proxy", "",
        (f"Generated by `.venv/bin/python -m benchmarks.llm --out benchmarks/out` on {started}."
         " Do not edit by hand; rerun it."), "", "## Setup", "", *setup_lines(results), "",
        "## Targets", "", *target_lines(results), "",
        "## Time to first token (ms, from sending the request to the first content delta)", "",
        *ttft_lines(results), "",
        "## Streamed answer after the first token (p50 over requests)", "",
        *stream_lines(results), "",
        "## Correctness, checked on the measured requests", "", *check_lines(results), "",
    ]
    timing = time_lines(results)
    if timing:
        parts += ["## Where the added time goes", "", *timing, ""]
    if notes:
        parts += [notes.strip(), ""]
    return "\n".join(parts)


def write(results: dict[str, Any], out: Path, notes: str = "") -> Path:
    """Write ``LLM.md`` and ``llm.json`` into ``out``; return the report's path."""
    out.mkdir(parents=True, exist_ok=True)
    (out / JSON_NAME).write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    path = out / REPORT_NAME
    path.write_text(render(results, notes))
    return path
