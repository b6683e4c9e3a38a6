"""JUnit XML: one test suite per file, one test case per file and rule that ran, so passing checks
show too. A case fails when its rule found something at or above the fail level; findings below it
are listed in the case's ``system-out``. Attributes follow the JUnit schema CI servers read
(Jenkins, GitLab, Azure): ``testsuite`` name/tests/failures/errors/skipped, ``testcase``
name/classname, ``failure`` message/type.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from composelint.finding import Finding
from composelint.formats import Report
from composelint.printable import xml_text


def render(report: Report) -> str:
    by_case: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in report.findings:
        by_case[(finding.path, finding.rule_id)].append(finding)
    rules: dict[str, tuple[str, str]] = {r.id: (r.id, r.name) for r in report.rules_run}
    rules.update({f.rule_id: (f.rule_id, f.name) for f in report.findings})
    files = sorted(set(report.files) | {f.path for f in report.findings})

    root = ET.Element("testsuites", name="composelint")
    totals = {"tests": 0, "failures": 0}
    for path in files:
        shown = xml_text(report.relpath(path))
        suite = ET.SubElement(root, "testsuite", name=shown)
        failures = 0
        for rule_id, name in sorted(rules.values()):
            case = ET.SubElement(
                suite, "testcase", name=xml_text(f"{rule_id} {name}"), classname=shown, file=shown, time="0"
            )
            found = by_case.get((path, rule_id), [])
            failing = [f for f in found if f.severity.rank >= report.fail_level.rank]
            if failing:
                failures += 1
                failure = ET.SubElement(case, "failure", message=_message(failing), type=_worst(failing))
                failure.text = "\n".join(_line(report, f) for f in failing)
            below = [f for f in found if f not in failing]
            if below:
                ET.SubElement(case, "system-out").text = "\n".join(_line(report, f) for f in below)
        _counts(suite, len(suite), failures)
        totals["tests"] += len(suite)
        totals["failures"] += failures
    _counts(root, totals["tests"], totals["failures"])
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _counts(element: ET.Element, tests: int, failures: int) -> None:
    element.set("tests", str(tests))
    element.set("failures", str(failures))
    element.set("errors", "0")
    element.set("skipped", "0")
    element.set("time", "0")


def _worst(findings: list[Finding]) -> str:
    return max(findings, key=lambda f: f.severity.rank).severity.value


def _message(findings: list[Finding]) -> str:
    first = findings[0]
    more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
    return xml_text(f"line {first.line}: {first.message}{more}")


def _line(report: Report, finding: Finding) -> str:
    return xml_text(
        f"{report.relpath(finding.path)}:{finding.line}:{finding.column}: "
        f"{finding.severity.value}: {finding.message}"
    )
