"""The JSON report: the contract other tools rely on (keys are stable, paths relative)."""

from __future__ import annotations

import json
from typing import Any

from composelint.formats import Report

SCHEMA_VERSION = 1


def render(report: Report) -> str:
    findings = [
        {
            "rule": f.rule_id,
            "name": f.name,
            "severity": f.severity.value,
            "message": f.message,
            "path": report.relpath(f.path),
            "line": f.line,
            "column": f.column,
            "end_line": f.end_line,
            "end_column": f.end_column,
            "service": f.service,
            "related": [
                {"path": report.relpath(r.path), "line": r.line, "column": r.column} for r in f.related
            ],
        }
        for f in report.findings
    ]
    summary: dict[str, Any] = {
        "files": len(report.files),
        "findings": len(report.findings),
        **report.counts(),
        "fail_level": report.fail_level.value,
        "failed": report.failed,
    }
    # One finding per line: readable, and json's C encoder does the work (``indent=`` would switch to
    # its pure-Python encoder, several times slower on a large report).
    items = ",".join(f"\n    {json.dumps(finding)}" for finding in findings)
    closing = "\n  ]" if findings else "]"
    return (
        f'{{\n  "version": {json.dumps(report.version)},\n  "schema_version": {SCHEMA_VERSION},\n'
        f'  "findings": [{items}{closing},\n  "summary": {json.dumps(summary)}\n}}\n'
    )
