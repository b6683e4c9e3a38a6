"""`path:line:col: CL202 [exposed-database] message`, sorted, with a summary line."""

from __future__ import annotations

import re

from composelint.finding import Severity
from composelint.formats import Report
from composelint.printable import printable

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_BOLD = "\033[1m"
_RESET = "\033[0m"
_LINE_BREAK = re.compile(r"\s*[\r\n]+\s*")


def render(report: Report) -> str:
    lines = []
    for finding in report.findings:
        location = f"{printable(report.relpath(finding.path))}:{finding.line}:{finding.column}:"
        code = printable(f"{finding.rule_id} [{finding.name}]")
        if report.color:
            location = f"{_BOLD}{location}{_RESET}"
            code = f"{_COLORS[finding.severity]}{code}{_RESET}"
        lines.append(f"{location} {code} {one_line(finding.message)}")
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def one_line(message: str) -> str:
    """One finding, one line: tools (and grep) split the report on newlines; no control character
    reaches the terminal."""
    return printable(_LINE_BREAK.sub(" ", message.strip()))


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
