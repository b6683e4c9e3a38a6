"""SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it.

``tool.driver.rules`` carries each rule's documentation (the same text as ``composelint rule``) and
its ``helpUri``; security rules carry ``security-severity`` so GitHub ranks their alerts. Results
point at regions with start and end line and column (counted in Unicode code points), relative to
``%SRCROOT%`` (the working directory), and carry a stable ``partialFingerprints`` entry.
"""

from __future__ import annotations

import json
import os
import urllib.parse
from pathlib import Path
from typing import Any

from composelint.docs import help_uri, rule_page
from composelint.finding import Finding, Fix, Severity
from composelint.formats import Report
from composelint.rule import Rule

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/composelint/composelint"
FINGERPRINT_KEY = "composelint/v1"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render(report: Report) -> str:
    rules = list(report.registry.rules)
    rules += [r for r in report.rules_run if r.id not in report.registry.by_id]
    index = {rule.id: number for number, rule in enumerate(rules)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "composelint",
                "version": report.version,
                "semanticVersion": report.version,
                "informationUri": INFORMATION_URI,
                "rules": [_descriptor(rule) for rule in rules],
            }
        },
        "originalUriBaseIds": {"%SRCROOT%": {"uri": Path(report.cwd).as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "invocations": [{"executionSuccessful": True}],
        "results": [_result(report, finding, index) for finding in report.findings],
    }
    document = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _descriptor(rule: type[Rule]) -> dict[str, Any]:
    sections = rule.doc_sections()
    properties: dict[str, Any] = {"tags": [rule.family()]}
    if rule.security_severity is not None:
        properties["tags"].insert(0, "security")
        properties["security-severity"] = f"{rule.security_severity:.1f}"
    page = rule_page(rule)
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": f"{rule.summary}."},
        "fullDescription": {"text": sections.get("What it does") or f"{rule.summary}."},
        "help": {"text": page, "markdown": page},
        "helpUri": help_uri(rule),
        "defaultConfiguration": {"level": _LEVELS[rule.severity], "enabled": rule.enabled_by_default},
        "properties": properties,
    }


def _artifact(report: Report, path: str) -> dict[str, str]:
    shown = report.relpath(path)
    if os.path.isabs(shown) or shown.startswith(os.pardir):
        return {"uri": Path(path).as_uri()}
    return {"uri": urllib.parse.quote(shown.replace(os.sep, "/")), "uriBaseId": "%SRCROOT%"}


def _result(report: Report, finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": finding.line, "startColumn": finding.column}
    if (finding.end_line, finding.end_column) > (finding.line, finding.column):
        region.update(endLine=finding.end_line, endColumn=finding.end_column)
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "level": _LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [
            {"physicalLocation": {"artifactLocation": _artifact(report, finding.path), "region": region}}
        ],
        "partialFingerprints": {FINGERPRINT_KEY: report.fingerprints[finding]},
    }
    if finding.rule_id in index:
        result["ruleIndex"] = index[finding.rule_id]
    if finding.related:
        result["relatedLocations"] = [
            {
                "id": number,
                "physicalLocation": {
                    "artifactLocation": _artifact(report, span.path),
                    "region": {"startLine": span.line, "startColumn": span.column},
                },
            }
            for number, span in enumerate(finding.related)
        ]
    fix = report.fixes.get(finding)
    if fix is not None and fix.edits:
        result["fixes"] = [_fix(report, fix)]
    return result


def _fix(report: Report, fix: Fix) -> dict[str, Any]:
    """SARIF's fix object: the edits as replacements of regions of each file (not yet verified)."""
    by_path: dict[str, list[dict[str, Any]]] = {}
    for edit in fix.edits:
        span = edit.span
        deleted = {
            "startLine": span.line,
            "startColumn": span.column,
            "endLine": span.end_line,
            "endColumn": span.end_column,
        }
        by_path.setdefault(span.path, []).append(
            {"deletedRegion": deleted, "insertedContent": {"text": edit.text}}
        )
    description = fix.description + ("" if fix.safe else " (unsafe: it changes behaviour)")
    return {
        "description": {"text": description},
        "artifactChanges": [
            {"artifactLocation": _artifact(report, path), "replacements": replacements}
            for path, replacements in by_path.items()
        ],
    }
