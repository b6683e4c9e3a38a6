"""The text and JSON reports: what a user reads and what tools parse."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from composelint.cli import main
from composelint.finding import Finding, Severity
from composelint.formats import Report, json_format, text
from composelint.registry import Registry

CWD = "/project"
REGISTRY = Registry.default(with_plugins=False)


def finding(
    path: str,
    line: int,
    column: int,
    rule_id: str = "CL104",
    severity: Severity = Severity.ERROR,
    message: str = 'service "web" refers to undefined network backend',
    service: str | None = "web",
) -> Finding:
    rule = REGISTRY.by_id[rule_id]
    return Finding(path, line, column, rule_id, line, column + 7, rule.name, severity, message, service)


def report(
    *findings: Finding, files: int = 1, fail_level: Severity = Severity.WARNING, color: bool = False
) -> Report:
    return Report(
        findings=tuple(sorted(findings)),
        files=tuple(f"{CWD}/f{i}.yaml" for i in range(files)),
        cwd=CWD,
        registry=REGISTRY,
        fail_level=fail_level,
        color=color,
    )


def _headers(out: str) -> list[str]:
    """The finding lines and file headers of a text report, without code frames."""
    return [
        line for line in out.splitlines() if line and not line.startswith((" ", "Found", "Passed", "Failed"))
    ]


def test_text_groups_findings_by_file_in_order_with_severity_words() -> None:
    out = text.render(
        report(
            finding(f"{CWD}/b/compose.yaml", 2, 5),
            finding(f"{CWD}/a/compose.yaml", 10, 3, severity=Severity.INFO),
            finding(f"{CWD}/a/compose.yaml", 2, 9, severity=Severity.WARNING),
            finding(
                f"{CWD}/a/compose.yaml", 2, 7, rule_id="CL112", message='container_name "db" is already used'
            ),
            files=2,
        )
    )
    assert _headers(out) == [
        "a/compose.yaml",
        'error CL112 [duplicate-container-name] container_name "db" is already used',
        'warning CL104 [undefined-reference] service "web" refers to undefined network backend',
        'info CL104 [undefined-reference] service "web" refers to undefined network backend',
        "b/compose.yaml",
        'error CL104 [undefined-reference] service "web" refers to undefined network backend',
    ]
    assert "  --> a/compose.yaml:2:9" in out.splitlines()


def test_text_summary_counts_each_severity_and_the_verdict_comes_last() -> None:
    out = text.render(
        report(
            finding(f"{CWD}/c.yaml", 1, 1),
            finding(f"{CWD}/c.yaml", 2, 1, severity=Severity.WARNING),
            finding(f"{CWD}/c.yaml", 3, 1, severity=Severity.WARNING),
            finding(f"{CWD}/c.yaml", 4, 1, severity=Severity.INFO),
        )
    )
    assert out.splitlines()[-2:] == [
        "Found 4 problems (1 error, 2 warnings, 1 info) in 1 file checked.",
        "Failed: 3 findings at or above the fail level (warning).",
    ]
    assert text.render(report(files=3)) == (
        "No problems found (3 files checked).\nPassed: nothing at or above the fail level (warning).\n"
    )
    only_info = text.render(report(finding(f"{CWD}/c.yaml", 1, 1, severity=Severity.INFO)))
    assert only_info.endswith("Passed: nothing at or above the fail level (warning); 1 below it.\n")


def test_text_code_frame_underlines_the_value(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text('services:\n  db:\n\timage: x\n    ports: ["5432:5432"]\n')
    found = finding(str(tmp_path / "compose.yaml"), 4, 13)._replace(end_line=4, end_column=24)
    out = text.render(report(found)._replace(cwd=str(tmp_path)))
    assert out.splitlines()[3:6] == [
        "  |",
        '4 |     ports: ["5432:5432"]',
        "  |             ^^^^^^^^^^^",
    ]


def test_advice_shared_by_several_findings_is_said_once() -> None:
    advice = "bind it to 127.0.0.1"
    out = text.render(
        report(
            finding(f"{CWD}/c.yaml", 1, 1, message=f"port 1 is public; {advice}"),
            finding(f"{CWD}/c.yaml", 2, 1, message=f"port 2 is public; {advice}"),
        )
    )
    assert out.count(advice) == 1 and f"= help: {advice}" in out
    assert "error CL104 [undefined-reference] port 2 is public\n" in out


def test_text_paths_are_relative_to_the_working_directory_even_outside_it() -> None:
    out = text.render(report(finding("/elsewhere/compose.yaml", 3, 4)))
    assert out.startswith("../elsewhere/compose.yaml\n")
    assert "  --> ../elsewhere/compose.yaml:3:4" in out


def test_text_keeps_one_line_per_finding() -> None:
    out = text.render(
        report(finding(f"{CWD}/c.yaml", 1, 1, message="include cycle detected:\n a.yaml\n include b.yaml\n"))
    )
    assert (
        out.splitlines()[1]
        == "error CL104 [undefined-reference] include cycle detected: a.yaml include b.yaml"
    )


def test_text_colours_severity_when_asked() -> None:
    out = text.render(
        report(
            finding(f"{CWD}/c.yaml", 1, 1),
            finding(f"{CWD}/c.yaml", 2, 1, severity=Severity.WARNING),
            color=True,
        )
    )
    assert "\033[1;31merror\033[0m CL104 [undefined-reference]" in out
    assert "\033[1;33mwarning\033[0m CL104" in out
    assert "\033[" not in text.render(report(finding(f"{CWD}/c.yaml", 1, 1)))


def test_quiet_prints_the_findings_only_and_statistics_count_them() -> None:
    findings = (finding(f"{CWD}/c.yaml", 1, 1), finding(f"{CWD}/c.yaml", 2, 1, rule_id="CL112"))
    quiet = text.render(report(*findings)._replace(quiet=True))
    assert "Found" not in quiet and "Failed" not in quiet and "CL112" in quiet
    assert text.render(report()._replace(quiet=True)) == ""
    counted = text.render(report(*findings, findings[0]._replace(line=3))._replace(statistics=True))
    assert (
        "Findings per rule:\n  2  CL104 [undefined-reference] error\n  1  CL112 [duplicate-container-name] error"
        in counted
    )


def test_json_contract() -> None:
    document = json.loads(
        json_format.render(
            report(
                finding(f"{CWD}/deploy/compose.yaml", 4, 16),
                finding("/elsewhere/compose.yaml", 2, 3, severity=Severity.WARNING, service=None),
                files=2,
                fail_level=Severity.ERROR,
            )
        )
    )
    assert {"version", "findings", "summary"} <= set(document)
    first, second = sorted(document["findings"], key=lambda f: f["path"])
    assert first == {
        "rule": "CL104",
        "name": "undefined-reference",
        "severity": "warning",
        "message": 'service "web" refers to undefined network backend',
        "path": "../elsewhere/compose.yaml",
        "line": 2,
        "column": 3,
        "end_line": 2,
        "end_column": 10,
        "service": None,
        "related": [],
    }
    assert (second["path"], second["line"], second["column"], second["service"]) == (
        "deploy/compose.yaml",
        4,
        16,
        "web",
    )
    summary = document["summary"]
    assert (summary["files"], summary["findings"], summary["error"], summary["warning"], summary["info"]) == (
        2,
        2,
        1,
        1,
        0,
    )
    assert summary["fail_level"] == "error" and summary["failed"] is True


def test_report_fails_at_or_above_the_fail_level() -> None:
    warning = finding(f"{CWD}/c.yaml", 1, 1, severity=Severity.WARNING)
    assert report(warning).failed
    assert not report(warning, fail_level=Severity.ERROR).failed
    assert report(finding(f"{CWD}/c.yaml", 1, 1, severity=Severity.INFO), fail_level=Severity.INFO).failed
    assert not report(fail_level=Severity.INFO).failed


# -- colour on the command line ---------------------------------------------------------------------


@pytest.fixture
def broken_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx:1.27\n    networks: [backend]\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


def _check_output(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tty: bool, *args: str
) -> str:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: tty)
    main(["check", "--select", "CL1", *args])
    return capsys.readouterr().out


def test_colour_only_on_a_terminal(
    broken_project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "\033[1;31merror" in _check_output(capsys, monkeypatch, True)
    assert "\033[" not in _check_output(capsys, monkeypatch, False)
    assert "\033[1;31merror" in _check_output(capsys, monkeypatch, False, "--color", "always")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\033[1;31merror" in _check_output(capsys, monkeypatch, False)
    assert "\033[" not in _check_output(capsys, monkeypatch, False, "--color", "never")


def test_no_color_and_its_flag_turn_colour_off(
    broken_project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "\033[" not in _check_output(capsys, monkeypatch, True, "--no-color")
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\033[" not in _check_output(capsys, monkeypatch, True)
    # no-color.org: an empty NO_COLOR does not count.
    monkeypatch.setenv("NO_COLOR", "")
    assert "\033[1;31m" in _check_output(capsys, monkeypatch, True)


def test_a_report_written_to_a_file_has_no_colour(
    broken_project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _check_output(capsys, monkeypatch, True, "-o", "report.txt") == ""
    written = (broken_project / "report.txt").read_text()
    assert written.startswith("compose.yaml\nerror CL104 [undefined-reference]") and "\033[" not in written
