"""GitHub Actions workflow commands: one annotation per finding, then the summary line.

    ::error file=compose.yaml,line=4,col=14,endLine=4,endColumn=25,title=CL202 exposed-database::message

Chosen by default when ``GITHUB_ACTIONS=true``. Escaping follows the Actions toolkit: in the message
``%``, CR and LF; in property values also ``:`` and ``,``.
"""

from __future__ import annotations

from composelint.finding import Severity
from composelint.formats import Report
from composelint.formats.text import summary
from composelint.printable import printable

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    lines = []
    for f in report.findings:
        properties = {
            "file": report.relpath(f.path),
            "line": str(f.line),
            "col": str(f.column),
            "endLine": str(f.end_line),
            "endColumn": str(f.end_column),
            "title": printable(f"{f.rule_id} {f.name}"),
        }
        joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
        # The file stays exact (GitHub decodes it); the message shows controls as escapes, so no ANSI
        # sequence colours or rewrites the log.
        lines.append(f"::{_COMMANDS[f.severity]} {joined}::{escape_data(printable(f.message))}")
    lines.append(summary(report))
    return "\n".join(lines) + "\n"
