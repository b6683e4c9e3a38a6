"""The report people read: findings grouped by file, each with its severity, rule, message and the
source line with the offending value underlined; advice that several findings of a rule share is
said once, as a `help:` line; then the counts and a verdict against the fail level.

    error CL202 [exposed-database] postgres service db publishes port 5432/tcp on all interfaces
      --> shop/compose.yaml:23:9
       |
    23 |       - "5432:5432"
       |         ^^^^^^^^^^^
       = help: bind it to 127.0.0.1 or drop the mapping and reach it over an internal network

Severity is a word, not only a colour, so logs and pipes keep it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from composelint.finding import Finding, Severity
from composelint.formats import Report
from composelint.printable import printable

_COLORS = {Severity.ERROR: "\033[1;31m", Severity.WARNING: "\033[1;33m", Severity.INFO: "\033[1;36m"}
_BOLD = "\033[1m"
_DIM = "\033[2m"
_RESET = "\033[0m"
_LINE_BREAK = re.compile(r"\s*[\r\n]+\s*")
_TAB = "    "


def render(report: Report) -> str:
    """The whole report: every finding, then the counts and the verdict."""
    return findings_block(report, report.findings, set()) + footer(report)


def findings_block(report: Report, findings: Sequence[Finding], explained: set[str]) -> str:
    """Findings grouped by file, with code frames; a rule's shared advice is said once, the first
    time one of ``findings`` needs it unless ``explained`` (updated) already has the rule."""
    out: list[str] = []
    advice = shared_advice(findings)
    current_file: str | None = None
    # One gutter width per file, so its code frames line up.
    widths: dict[str, int] = {}
    for finding in findings:
        widths[finding.path] = max(widths.get(finding.path, 1), len(str(finding.line)))
    for finding in findings:
        if finding.path != current_file:
            current_file = finding.path
            if not report.quiet:
                out.append(_style(report, _BOLD, printable(report.relpath(finding.path))))
        help_text = advice.get(finding.rule_id)
        message = one_line(finding.message)
        if help_text and message.endswith(f"; {help_text}"):
            message = message[: -len(help_text) - 2]
        severity = _style(report, _COLORS[finding.severity], finding.severity.value)
        out.append(f"{severity} {printable(finding.rule_id)} [{printable(finding.name)}] {message}")
        out.append(f"  --> {printable(report.relpath(finding.path))}:{finding.line}:{finding.column}")
        width = widths[finding.path]
        out.extend(_code_frame(report, finding, width))
        if help_text and finding.rule_id not in explained:
            explained.add(finding.rule_id)
            out.append(f"{' ' * width} = help: {help_text}")
        fix = report.fixes.get(finding)
        if fix is not None and not fix.edits:  # a rule that fixes, which cannot fix this one
            out.append(f"{' ' * width} = no fix: {printable(fix.description)}")
        out.append("")
    if report.quiet and out:
        out.pop()  # no blank line before a summary that is not printed
    return "".join(f"{line}\n" for line in out)


def footer(report: Report) -> str:
    """What follows the findings: counts per rule (``--statistics``), the summary and the verdict;
    nothing with ``--quiet``."""
    if report.quiet:
        return ""
    out: list[str] = []
    if report.statistics and report.findings:
        out.extend(statistics(report))
        out.append("")
    out.extend(f"note: {printable(note)}" for note in report.notes)
    out.append(summary(report))
    fixable = fixable_line(report)
    if fixable:
        out.append(fixable)
    out.append(verdict(report))
    return "\n".join(out) + "\n"


def _style(report: Report, code: str, text: str) -> str:
    return f"{code}{text}{_RESET}" if report.color else text


def one_line(message: str) -> str:
    """One finding, one line: tools (and grep) split the report on newlines; no control character
    reaches the terminal."""
    return printable(_LINE_BREAK.sub(" ", message.strip()))


def shared_advice(findings: Iterable[Finding]) -> dict[str, str]:
    """For each rule, the advice after the last `; ` that at least two of its findings end with:
    said once, as a help line, instead of in every message."""
    endings: dict[str, Counter[str]] = {}
    for finding in findings:
        head, separator, tail = one_line(finding.message).rpartition("; ")
        if separator and head and tail:
            endings.setdefault(finding.rule_id, Counter())[tail] += 1
    advice: dict[str, str] = {}
    for rule_id, counts in endings.items():
        tail, count = counts.most_common(1)[0]
        if count >= 2:
            advice[rule_id] = tail
    return advice


def _code_frame(report: Report, finding: Finding, width: int) -> list[str]:
    """The finding's first source line with its span underlined (to the end of the line when the span
    goes on); nothing when the file cannot be read again."""
    lines = report.source_lines(finding.path)
    if lines is None or not 1 <= finding.line <= len(lines):
        return []
    raw = lines[finding.line - 1]
    start = finding.column - 1
    end = finding.end_column - 1 if finding.end_line == finding.line else len(raw)
    end = max(end, start + 1)
    shown_before = _displayed(raw[:start])
    shown_span = _displayed(raw[start:end]) or " "
    shown_line = _displayed(raw)
    blank = " " * width
    number = str(finding.line).rjust(width)
    caret = _style(report, _COLORS[finding.severity], "^" * len(shown_span))
    return [
        f"{blank} |",
        f"{number} | {shown_line}",
        f"{blank} | {' ' * len(shown_before)}{caret}",
    ]


def _displayed(text: str) -> str:
    return printable(text.replace("\t", _TAB)).rstrip("\r")


def statistics(report: Report) -> list[str]:
    """Counts per rule, most frequent first (`--statistics`)."""
    counts = Counter((f.rule_id, f.name, f.severity) for f in report.findings)
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    width = len(str(rows[0][1]))
    lines = ["Findings per rule:"]
    for (rule_id, name, severity), count in rows:
        lines.append(
            f"  {str(count).rjust(width)}  {printable(rule_id)} [{printable(name)}] {severity.value}"
        )
    return lines


def summary(report: Report) -> str:
    files = len(report.files)
    checked = f"{files} file{'s' if files != 1 else ''} checked"
    if not report.findings:
        return f"No problems found ({checked})."
    counts = report.counts()
    parts = [
        f"{n} {severity}{'s' if n != 1 and severity != 'info' else ''}" for severity, n in counts.items() if n
    ]
    total = len(report.findings)
    return f"Found {total} problem{'s' if total != 1 else ''} ({', '.join(parts)}) in {checked}."


def fixable_line(report: Report) -> str:
    """ "N fixable with --fix (M more with --unsafe-fixes)." for the findings in the report."""
    offered = [report.fixes[f] for f in report.findings if f in report.fixes and report.fixes[f].edits]
    safe = sum(1 for fix in offered if fix.safe)
    unsafe = len(offered) - safe
    if not offered:
        return ""
    if not safe:
        return f"{unsafe} fixable with --fix --unsafe-fixes."
    more = f" ({unsafe} more with --unsafe-fixes)" if unsafe else ""
    return f"{safe} fixable with --fix{more}."


def verdict(report: Report) -> str:
    """The last line: whether the run fails, and why, against the fail level."""
    level = report.fail_level
    failing = sum(1 for f in report.findings if f.severity.rank >= level.rank)
    if failing:
        return f"Failed: {failing} finding{'s' if failing != 1 else ''} at or above the fail level ({level.value})."
    below = len(report.findings)
    rest = f"; {below} below it" if below else ""
    return f"Passed: nothing at or above the fail level ({level.value}){rest}."
