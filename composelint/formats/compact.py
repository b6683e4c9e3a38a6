"""One line per finding in the shape compilers use, for editors and grep: no summary, no colour.

compose.yaml:4:14: error: database port 5432 is published on every interface [CL202 exposed-database]
"""

from __future__ import annotations

from composelint.formats import Report
from composelint.printable import printable


def render(report: Report) -> str:
    return "".join(
        f"{printable(report.relpath(f.path))}:{f.line}:{f.column}: {f.severity.value}: "
        f"{_one_line(f.message)} [{printable(f.rule_id)} {printable(f.name)}]\n"
        for f in report.findings
    )


def _one_line(message: str) -> str:
    return printable(" ".join(message.split()))
