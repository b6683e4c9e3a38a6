"""One line per finding in the shape compilers use, for editors and grep: no summary, no colour.

compose.yaml:4:14: error: database port 5432 is published on every interface [CL202 exposed-database]
"""

from __future__ import annotations

from composelint.formats import Report


def render(report: Report) -> str:
    return "".join(
        f"{report.relpath(f.path)}:{f.line}:{f.column}: {f.severity.value}: "
        f"{_one_line(f.message)} [{f.rule_id} {f.name}]\n"
        for f in report.findings
    )


def _one_line(message: str) -> str:
    return " ".join(message.split())
