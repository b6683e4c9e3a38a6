"""Never crash, never hang, never mislead: each hostile or broken input gets its finding and exit code.

Time and memory per case are measured by benchmarks/hostile.py (each case in its own process).
"""

from __future__ import annotations

import builtins
import json
from pathlib import Path
from typing import Any

import pytest

from composelint.cli import main
from tests.hostile import CASES, SERVICE, Case


def lint(
    directory: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, dict[str, Any]]:
    monkeypatch.chdir(directory)
    code = main(["check", "--format", "json", "--jobs", "1", *args, "compose.yaml"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, json.loads(captured.out)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hostile_input(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    case.build(project)
    # Only the rules under test: style and best-practice rules would add noise to a file like this.
    selected = ",".join(["CL1", "CL201", "CL202", "CL203", "CL3", *sorted(case.rules)])
    code, report = lint(project, monkeypatch, capsys, "--select", selected)
    rules = {f["rule"] for f in report["findings"]}
    assert "CL100" not in rules
    assert case.rules <= rules, report["findings"]
    if case.only:
        assert rules == set(case.rules), report["findings"]
    assert code == case.exit_code
    assert not (project / "pwned").exists()


def test_limits_are_named_in_their_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    by_name = {case.name: case for case in CASES}
    for name, limit in (
        ("alias bomb (nested)", "max-nodes"),
        ("10,000 levels of nesting", "max-depth"),
        ("50 MB file", "max-file-bytes"),
        ("extends chain deeper than the limit", "max-include-depth"),
    ):
        case = by_name[name]
        project = tmp_path / limit
        project.mkdir()
        case.build(project)
        _, report = lint(project, monkeypatch, capsys, "--select", "CL117")
        named = [f"(limit {limit})" in f["message"] for f in report["findings"]]
        assert named and all(named), report


def test_unreadable_file_is_a_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "compose.yaml").write_text(SERVICE + "    env_file: secret.env\n")
    (tmp_path / "secret.env").write_text("A=1\n")
    real_open = builtins.open

    def guarded(file: Any, *args: Any, **kwargs: Any) -> Any:
        # Root ignores file permissions, so a denied read is simulated where it happens.
        if str(file).endswith("secret.env"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    code, report = lint(tmp_path, monkeypatch, capsys)
    assert [(f["rule"], f["message"]) for f in report["findings"]] == [
        ("CL115", "cannot read secret.env: Permission denied")
    ]
    assert code == 1


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_positions_are_right_with_crlf_and_tabs_in_values(
    newline: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = 'services:\n  db:\n    image:\tpostgres:16\n    command: "a\\tb"\n    ports: [\t"5432:5432"]\n'
    (tmp_path / "compose.yaml").write_bytes(text.replace("\n", newline).encode())
    _, report = lint(tmp_path, monkeypatch, capsys, "--select", "exposed-database")
    assert [(f["line"], f["column"]) for f in report["findings"]] == [(5, 14)]


def test_tab_indentation_error_points_at_the_tab(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  app:\n\timage: x\n")
    _, report = lint(tmp_path, monkeypatch, capsys)
    assert [(f["rule"], f["line"], f["column"]) for f in report["findings"]] == [("CL101", 3, 1)]


def test_a_flooding_rule_stops_at_the_cap_and_says_how_many_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    by_name = {case.name: case for case in CASES}
    by_name["450 databases reaching each other"].build(tmp_path)
    _, report = lint(tmp_path, monkeypatch, capsys, "--select", "CL201")
    findings = report["findings"]
    assert len(findings) == 501
    summary = [f for f in findings if "more findings of CL201" in f["message"]]
    assert len(summary) == 1
    assert summary[0]["message"].startswith(
        "at least 5,000 more findings of CL201 [network-isolation] in this file"
    )
    assert "(limit max-findings: 500 per rule and file)" in summary[0]["message"]
    # The cap is a configured limit like the others.
    (tmp_path / ".composelint.yaml").write_text("limits:\n  max-findings: 10\n")
    _, report = lint(tmp_path, monkeypatch, capsys, "--select", "CL201")
    assert len(report["findings"]) == 11


def test_overlapping_ranges_are_one_finding_per_pair_of_mappings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  a:\n    image: x:1\n    ports: ['8000-8999:8000-8999', '9000:90']\n"
        "  b:\n    image: x:1\n    ports: ['8500-9000:8500-9000']\n"
    )
    _, report = lint(tmp_path, monkeypatch, capsys, "--select", "CL203")
    assert sorted(f["message"] for f in report["findings"] if f["line"] == 7) == [
        "host port 0.0.0.0:9000/tcp of service b is already published by service a (compose.yaml:4:36)",
        "host ports 0.0.0.0:8500-8999/tcp (500 ports) of service b are already published by service a "
        "(compose.yaml:4:13)",
    ]
    assert len(report["findings"]) == 2


def test_interpolation_stays_linear_and_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A megabyte variable used in many values: the project's values stop growing at the budget.
    (tmp_path / ".env").write_text("BIG=" + "x" * 1_000_000 + "\n")
    values = "".join(f"      - V{i}=${{BIG}}\n" for i in range(100))
    (tmp_path / "compose.yaml").write_text(SERVICE + "    environment:\n" + values)
    code, report = lint(tmp_path, monkeypatch, capsys, "--select", "CL1")
    assert code == 1
    [limit] = [f for f in report["findings"] if f["rule"] == "CL117"]
    assert "later values were not interpolated (limit)" in limit["message"]


def test_remote_includes_are_named_and_never_fetched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    by_name = {case.name: case for case in CASES}
    by_name["remote includes"].build(tmp_path)
    _, report = lint(tmp_path, monkeypatch, capsys, "--select", "CL1")
    assert [
        (f["line"], f["severity"], f["message"].split(" is not fetched")[0]) for f in report["findings"]
    ] == [
        (2, "warning", "remote include https://example.com/stack/compose.yaml"),
        (3, "warning", "remote include git@github.com:acme/stack.git"),
        (4, "warning", "remote include oci://registry.example/stack:1"),
    ]


def test_outside_a_repository_only_the_working_directory_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "compose.yaml").write_text(SERVICE + "    env_file: ../secret.env\n")
    (tmp_path / "secret.env").write_text("A=1\n")
    _, report = lint(project, monkeypatch, capsys, "--select", "CL1")
    assert [(f["rule"], f["message"]) for f in report["findings"]] == [
        ("CL116", f"{tmp_path / 'secret.env'} is outside {project} (see --root); it was not read")
    ]
    # --root widens it; /proc stays unreadable whatever the root.
    _, report = lint(project, monkeypatch, capsys, "--select", "CL1", "--root", str(tmp_path))
    assert report["findings"] == []
    (project / "compose.yaml").write_text(SERVICE + "    env_file: /proc/self/environ\n")
    _, report = lint(project, monkeypatch, capsys, "--select", "CL1", "--root", "/")
    assert [f["message"] for f in report["findings"]] == [
        "/proc/self/environ is a kernel or device file; it was not read"
    ]
