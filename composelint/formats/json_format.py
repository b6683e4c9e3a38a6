"""The JSON report: the contract other tools rely on (keys are stable, paths relative)."""

from __future__ import annotations

import json
from typing import Any

from composelint.formats import Report

SCHEMA_VERSION = 1


def render(report: Report) -> str:
    document: dict[str, Any] = {
        "version": report.version,
        "schema_version": SCHEMA_VERSION,
        "findings": [
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
            }
            for f in report.findings
        ],
        "summary": {
            "files": len(report.files),
            "findings": len(report.findings),
            **report.counts(),
            "fail_level": report.fail_level.value,
            "failed": report.failed,
        },
    }
    return json.dumps(document, indent=2) + "\n"
