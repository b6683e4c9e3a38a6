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


def test_text_lines_are_sorted_by_path_then_position() -> None:
    out = text.render(
        report(
            finding(f"{CWD}/b/compose.yaml", 2, 5),
            finding(f"{CWD}/a/compose.yaml", 10, 3),
            finding(f"{CWD}/a/compose.yaml", 2, 9),
            finding(
                f"{CWD}/a/compose.yaml", 2, 7, rule_id="CL112", message='container_name "db" is already used'
            ),
            files=2,
        )
    )
    assert out.splitlines() == [
        'a/compose.yaml:2:7: CL112 [duplicate-container-name] container_name "db" is already used',
        'a/compose.yaml:2:9: CL104 [undefined-reference] service "web" refers to undefined network backend',
        'a/compose.yaml:10:3: CL104 [undefined-reference] service "web" refers to undefined network backend',
        'b/compose.yaml:2:5: CL104 [undefined-reference] service "web" refers to undefined network backend',
        "Found 4 problems (4 errors) in 2 files checked.",
    ]


def test_text_summary_counts_each_severity() -> None:
    out = text.render(
        report(
            finding(f"{CWD}/c.yaml", 1, 1),
            finding(f"{CWD}/c.yaml", 2, 1, severity=Severity.WARNING),
            finding(f"{CWD}/c.yaml", 3, 1, severity=Severity.WARNING),
            finding(f"{CWD}/c.yaml", 4, 1, severity=Severity.INFO),
        )
    )
    assert out.splitlines()[-1] == "Found 4 problems (1 error, 2 warnings, 1 info) in 1 file checked."
    assert text.render(report(files=3)) == "No problems found (3 files checked).\n"
    assert text.render(report(finding(f"{CWD}/c.yaml", 1, 1))).endswith(
        "Found 1 problem (1 error) in 1 file checked.\n"
    )


def test_text_paths_are_relative_to_the_working_directory_even_outside_it() -> None:
    out = text.render(report(finding("/elsewhere/compose.yaml", 3, 4)))
    assert out.startswith("../elsewhere/compose.yaml:3:4: CL104 ")


def test_text_keeps_one_line_per_finding() -> None:
    out = text.render(
        report(finding(f"{CWD}/c.yaml", 1, 1, message="include cycle detected:\n a.yaml\n include b.yaml\n"))
    )
    assert (
        out.splitlines()[0]
        == "c.yaml:1:1: CL104 [undefined-reference] include cycle detected: a.yaml include b.yaml"
    )
    assert len(out.splitlines()) == 2


def test_text_colours_location_and_rule_by_severity_when_asked() -> None:
    out = text.render(
        report(
            finding(f"{CWD}/c.yaml", 1, 1),
            finding(f"{CWD}/c.yaml", 2, 1, severity=Severity.WARNING),
            color=True,
        )
    )
    first, second, _ = out.splitlines()
    assert (
        first
        == "\033[1mc.yaml:1:1:\033[0m \033[31mCL104 [undefined-reference]\033[0m "
        + 'service "web" refers to undefined network backend'
    )
    assert "\033[33mCL104 [undefined-reference]\033[0m" in second
    assert "\033[" not in text.render(report(finding(f"{CWD}/c.yaml", 1, 1)))


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
    assert "\033[31mCL104" in _check_output(capsys, monkeypatch, True)
    assert "\033[" not in _check_output(capsys, monkeypatch, False)


def test_no_color_and_its_flag_turn_colour_off(
    broken_project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "\033[" not in _check_output(capsys, monkeypatch, True, "--no-color")
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\033[" not in _check_output(capsys, monkeypatch, True)
    # no-color.org: an empty NO_COLOR does not count.
    monkeypatch.setenv("NO_COLOR", "")
    assert "\033[31m" in _check_output(capsys, monkeypatch, True)


def test_a_report_written_to_a_file_has_no_colour(
    broken_project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _check_output(capsys, monkeypatch, True, "-o", "report.txt") == ""
    written = (broken_project / "report.txt").read_text()
    assert written.startswith("compose.yaml:4:16: CL104 [undefined-reference]") and "\033[" not in written
