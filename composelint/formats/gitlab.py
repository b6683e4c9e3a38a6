"""GitLab Code Quality report (``artifacts:reports:codequality``): a JSON array of issues.

Each issue has the fields GitLab requires (``description``, ``check_name``, ``fingerprint``,
``severity``, ``location.path``, ``location.lines.begin``) plus the Code Climate ``type`` and
``categories``. Fingerprints are stable across edits elsewhere in a file (see fingerprint.py), so the
merge request widget shows only issues the change introduced or fixed.
"""

from __future__ import annotations

import json
from typing import Any

from composelint.finding import Finding, Severity
from composelint.formats import Report

# GitLab's scale is info, minor, major, critical, blocker.
_SEVERITY = {Severity.INFO: "info", Severity.WARNING: "minor", Severity.ERROR: "major"}
_CRITICAL_SECURITY = 7.0  # security errors at or above this CVSS-like score rank as critical
_CATEGORIES = {
    "validity": "Bug Risk",
    "network topology": "Security",
    "data and volumes": "Bug Risk",
    "security hardening": "Security",
    "reliability and operations": "Bug Risk",
    "style": "Style",
}


def render(report: Report) -> str:
    issues = [_issue(report, finding) for finding in report.findings]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _issue(report: Report, finding: Finding) -> dict[str, Any]:
    rule = report.rule(finding)
    severity = _SEVERITY[finding.severity]
    score = rule.security_severity if rule is not None else None
    if finding.severity is Severity.ERROR and score is not None and score >= _CRITICAL_SECURITY:
        severity = "critical"
    return {
        "type": "issue",
        "check_name": f"{finding.rule_id} {finding.name}",
        "description": finding.message,
        "categories": [_CATEGORIES.get(rule.family(), "Bug Risk") if rule is not None else "Bug Risk"],
        "severity": severity,
        "fingerprint": report.fingerprints[finding],
        "location": {
            "path": report.relpath(finding.path).replace("\\", "/"),
            "lines": {"begin": finding.line, "end": finding.end_line},
        },
    }
