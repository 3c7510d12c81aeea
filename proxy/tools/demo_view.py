"""What ``make demo`` prints: the sent and received sides of one exchange next to each other.

The JSON of each side is rendered with the path of every line, the two sides are aligned by
path, and each line is styled by what the proxy did to it (dropped, redacted, pseudonymized,
added). Terminal output only: this is the demo's teaching view with made-up data.
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

SENT_HEADING = "WHAT THE SERVICE SENT (to the proxy)"
RECEIVED_HEADING = "WHAT THE VENDOR RECEIVED (from the proxy)"
SIDE_BY_SIDE_MIN_COLUMNS = 100
COLUMN_SEPARATOR = " │ "


# -- terminal styling ----------------------------------------------------------------------------

_ANSI = {"bold": "1", "dim": "2", "strike": "9", "red": "31", "green": "32", "yellow": "33",
         "blue": "34", "magenta": "35", "cyan": "36"}


class Style:
    """ANSI styling that is on only for a TTY and off when ``NO_COLOR`` is set."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    @classmethod
    def for_stdout(cls) -> Style:
        return cls(sys.stdout.isatty() and not os.environ.get("NO_COLOR"))

    def __call__(self, text: str, *names: str) -> str:
        if not self.enabled or not names or not text:
            return text
        codes = ";".join(_ANSI[name] for name in names)
        return f"\x1b[{codes}m{text}\x1b[0m"


# How each kind of line is shown; the legend uses the same names.
KIND_STYLES: dict[str, tuple[str, ...]] = {
    "same": (),
    "dropped": ("red", "strike"),
    "redacted": ("yellow", "bold"),
    "pseudonymized": ("magenta", "bold"),
    "added": ("dim",),
}


def say(text: str = "") -> None:
    print(text, flush=True)



def body_as_text(body: bytes) -> str:
    """Pretty JSON if the body is JSON, else the text itself (or a note for binary)."""
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except ValueError:
        try:
            return body.decode()
        except UnicodeDecodeError:
            return f"<{len(body)} bytes, not UTF-8>"


def indent_block(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.splitlines())


# -- JSON rendering with per-line paths, and the diff between the two sides ----------------------

Path = tuple[str | int, ...]
_MISSING = object()


@dataclass(frozen=True)
class Line:
    """One line of pretty JSON and the path of the value it shows."""

    text: str
    path: Path
    role: str  # "open", "close" or "leaf": with the path, what aligns the two sides

    @property
    def key(self) -> tuple[Path, str]:
        return self.path, self.role


def render_json(value: Any) -> list[Line]:
    """Pretty-print ``value`` (indent 2) and remember, for every line, the path it belongs to."""
    lines: list[Line] = []
    _render(value, (), 0, "", "", lines)
    return lines


def _render(value: Any, path: Path, depth: int, prefix: str, comma: str,
            out: list[Line]) -> None:
    pad = "  " * depth
    if isinstance(value, dict) and value:
        out.append(Line(f"{pad}{prefix}{{", path, "open"))
        items = list(value.items())
        for i, (key, child) in enumerate(items):
            _render(child, (*path, key), depth + 1, json.dumps(key) + ": ",
                    "," if i < len(items) - 1 else "", out)
        out.append(Line(f"{pad}}}{comma}", path, "close"))
    elif isinstance(value, list) and value:
        out.append(Line(f"{pad}{prefix}[", path, "open"))
        for i, child in enumerate(value):
            _render(child, (*path, i), depth + 1, "", "," if i < len(value) - 1 else "", out)
        out.append(Line(f"{pad}]{comma}", path, "close"))
    else:
        out.append(Line(f"{pad}{prefix}{json.dumps(value, ensure_ascii=False)}{comma}", path,
                        "leaf"))


def lookup(document: Any, path: Path) -> Any:
    """The value at ``path`` or ``_MISSING``."""
    node = document
    for part in path:
        in_object = isinstance(node, dict) and isinstance(part, str) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if not (in_object or in_list):
            return _MISSING
        node = node[part]
    return node


def sent_kind(path: Path, received: Any) -> str:
    """A line of the sent side is ``dropped`` when nothing at its path reached the vendor."""
    return "dropped" if lookup(received, path) is _MISSING else "same"


def received_kind(path: Path, sent: Any, received: Any) -> str:
    """A line of the received side is ``same``, ``redacted``, ``pseudonymized`` or ``added``."""
    before = lookup(sent, path)
    if before is _MISSING:
        return "added"
    after = lookup(received, path)
    if isinstance(after, (dict, list)) or before == after:
        return "same"
    if isinstance(after, str) and after.startswith("psn_"):
        return "pseudonymized"
    return "redacted"


def exchange_view(headers: dict[str, str], body: Any) -> dict[str, Any]:
    """One side of the comparison: header names lowercased (HTTP names are case-insensitive)
    and sorted, so that both sides line up."""
    lowered = {name.lower(): value for name, value in headers.items()}
    return {"headers": dict(sorted(lowered.items())), "body": body}


# -- layout --------------------------------------------------------------------------------------

def wrap_line(text: str, width: int) -> list[str]:
    """Split a long line at spaces where possible, continuing two spaces deeper than it starts."""
    if len(text) <= width:
        return [text]
    lead = len(text) - len(text.lstrip(" "))
    cont = " " * min(lead + 2, max(width // 3, 0))
    pieces: list[str] = []
    rest, first = text, True
    while True:
        prefix = "" if first else cont
        room = width - len(prefix)
        if len(rest) <= room:
            pieces.append(prefix + rest)
            return pieces
        cut = rest.rfind(" ", room // 3, room + 1)
        if cut <= 0:
            cut = room
        pieces.append(prefix + rest[:cut].rstrip(" "))
        rest = rest[cut:].lstrip(" ")
        first = False


Cell = tuple[str, str]  # (plain text, styled text) of one wrapped piece


def styled_cells(line: Line | None, kind: str, width: int, style: Style) -> list[Cell]:
    """Wrap one line to ``width``; an absent line is one empty cell."""
    if line is None:
        return [("", "")]
    cells: list[Cell] = []
    for piece in wrap_line(line.text, width):
        content = piece.lstrip(" ")
        lead = piece[: len(piece) - len(content)]  # indentation stays unstyled (no struck spaces)
        cells.append((piece, lead + style(content, *KIND_STYLES[kind])))
    return cells


def align(left: list[Line], right: list[Line]) -> Iterator[tuple[Line | None, Line | None]]:
    """Pair the lines of both sides by path, leaving a gap where one side has no such line."""
    matcher = difflib.SequenceMatcher(a=[line.key for line in left],
                                      b=[line.key for line in right], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            yield from zip(left[i1:i2], right[j1:j2], strict=True)
            continue
        yield from ((line, None) for line in left[i1:i2])
        yield from ((None, line) for line in right[j1:j2])


def print_comparison(sent: dict[str, Any], received: dict[str, Any], style: Style) -> None:
    """Both sides next to each other, or one after the other on a narrow terminal."""
    columns = shutil.get_terminal_size((80, 24)).columns
    left_lines = render_json(sent)
    right_lines = render_json(received)

    def left_kind(line: Line) -> str:
        return sent_kind(line.path, received)

    def right_kind(line: Line) -> str:
        return received_kind(line.path, sent, received)

    if columns < SIDE_BY_SIDE_MIN_COLUMNS:
        width = max(columns - 1, 40)
        say(style(SENT_HEADING, "bold"))
        for line in left_lines:
            for _, text in styled_cells(line, left_kind(line), width, style):
                say(text)
        say()
        say(style(RECEIVED_HEADING, "bold"))
        for line in right_lines:
            for _, text in styled_cells(line, right_kind(line), width, style):
                say(text)
        return

    width = (columns - len(COLUMN_SEPARATOR) - 1) // 2
    say(style(SENT_HEADING.ljust(width), "bold") + COLUMN_SEPARATOR
        + style(RECEIVED_HEADING, "bold"))
    say("─" * width + COLUMN_SEPARATOR.replace(" ", "─") + "─" * width)
    for left_line, right_line in align(left_lines, right_lines):
        left = styled_cells(left_line, left_kind(left_line) if left_line else "same", width, style)
        right = styled_cells(right_line, right_kind(right_line) if right_line else "same", width,
                             style)
        blank: Cell = ("", "")
        for i in range(max(len(left), len(right))):
            plain, text = left[i] if i < len(left) else blank
            _, right_text = right[i] if i < len(right) else blank
            say((text + " " * (width - len(plain)) + COLUMN_SEPARATOR + right_text).rstrip())


def print_audit_and_legend(record: dict[str, Any], style: Style) -> None:
    say(style("THE AUDIT RECORD OF THIS EXCHANGE (paths and counts, never values)", "bold"))
    say(style(json.dumps(record, indent=2), "dim"))
    report = record.get("request", {})
    actions = list(report.get("transformed", {}).values())
    entities = ", ".join(f"{name} x{count}" for name, count in report.get("entities", {}).items())
    say()
    say(style("legend", "bold") + " (counts from the audit record's request part):")
    say("  " + style("kept", *KIND_STYLES["same"] or ("bold",))
        + f"           {len(report.get('kept', []))} path(s) passed as they were")
    say("  " + style("dropped", *KIND_STYLES["dropped"])
        + f"        {report.get('dropped_count', 0)} path(s) not in the contract, removed"
        + " (struck out on the left)")
    say("  " + style("redacted", *KIND_STYLES["redacted"])
        + f"       {actions.count('redact')} free-text field(s) checked; entities replaced: "
        + (entities or "none"))
    say("  " + style("pseudonymized", *KIND_STYLES["pseudonymized"])
        + f"  {actions.count('pseudonymize')} id(s) replaced by a keyed HMAC (psn_...)")
    say("  " + style("added", *KIND_STYLES["added"])
        + "          framing headers the proxy's HTTP client builds itself")
    say(style("  free text keeps what detection did not find or the contract's entity list does "
              "not name (see config/vendors/mailer.yaml)", "dim"))
