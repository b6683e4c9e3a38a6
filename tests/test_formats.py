"""Report formats CI systems read: compact, GitHub workflow commands, GitLab Code Quality, JUnit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from composelint.cli import main
from composelint.formats.github import escape_data, escape_property

# CL202 (error) at 4:13, a missing variable whose message has a "%" (CL106, error) at 7:10, and
# CL302 (warning) at 9:3.
COMPOSE = (
    "services:\n"
    "  db:\n"
    "    image: postgres:16\n"
    "    ports: ['5432:5432']\n"
    "    volumes: ['pgdata:/var/lib/postgresql/data']\n"
    "    environment:\n"
    "      X: ${NEED:?use 50% of RAM}\n"
    "volumes:\n"
    "  pgdata: {}\n"
)


def render(
    cwd: Path, fmt: str, *args: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    monkeypatch.chdir(cwd)
    code = main(["check", "--format", fmt, "--select", "CL202,CL302,CL106", ".", *args])
    return code, capsys.readouterr().out


@pytest.fixture
def project(tmp_path: Path) -> Path:
    directory = tmp_path / "a,b:c"  # a path that needs escaping in workflow commands
    directory.mkdir()
    (directory / "compose.yaml").write_text(COMPOSE)
    return tmp_path


def test_compact(project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = render(project, "compact", monkeypatch=monkeypatch, capsys=capsys)
    lines = out.splitlines()
    assert code == 1 and len(lines) == 3
    assert lines[0].startswith("a,b:c/compose.yaml:4:13: error: postgres service db publishes port 5432/tcp")
    assert lines[0].endswith(" [CL202 exposed-database]")
    assert lines[1].startswith("a,b:c/compose.yaml:7:10: error: ") and lines[1].endswith(
        "use 50% of RAM [CL106 missing-required-variable]"
    )
    assert lines[2].startswith("a,b:c/compose.yaml:9:3: warning: ") and lines[2].endswith(
        " [CL302 non-external-critical-volume]"
    )


def test_github_workflow_commands(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = render(project, "github", monkeypatch=monkeypatch, capsys=capsys)
    lines = out.splitlines()
    assert code == 1 and len(lines) == 4
    assert lines[0].startswith(
        "::error file=a%2Cb%3Ac/compose.yaml,line=4,col=13,endLine=4,endColumn=24,title=CL202 exposed-database::"
        "postgres service db publishes port 5432/tcp"
    )
    assert lines[1] == (
        "::error file=a%2Cb%3Ac/compose.yaml,line=7,col=10,endLine=7,endColumn=33,title=CL106 missing-required-variable::"
        "error while interpolating services.db.environment.X: required variable NEED is missing a value: use 50%25 of RAM"
    )
    assert lines[2].startswith(
        "::warning file=a%2Cb%3Ac/compose.yaml,line=9,col=3,endLine=9,endColumn=9,title=CL302 non-external-critical-volume::"
    )
    assert lines[3] == "Found 3 problems (2 errors, 1 warning) in 1 file checked."


def test_github_newline_in_a_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = tmp_path / "odd%\nname"
    directory.mkdir()
    (directory / "compose.yaml").write_text(COMPOSE)
    out = render(tmp_path, "github", monkeypatch=monkeypatch, capsys=capsys)[1]
    assert out.splitlines()[0].startswith("::error file=odd%25%0Aname/compose.yaml,line=4,col=13,")


def test_github_escaping() -> None:
    assert escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert escape_property("dir,x:y/100%\nf") == "dir%2Cx%3Ay/100%25%0Af"


def test_github_format_is_the_default_on_github_actions(project: Path) -> None:
    env = {**os.environ, "GITHUB_ACTIONS": "true"}
    run = subprocess.run(
        [sys.executable, "-m", "composelint", "check", "--select", "CL302", "."],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.stdout.startswith("::warning file=a%2Cb%3Ac/compose.yaml,line=9,col=3,")
    run = subprocess.run(
        [sys.executable, "-m", "composelint", "check", "--select", "CL302", "--format", "compact", "."],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.stdout.startswith("a,b:c/compose.yaml:9:3: warning:")


GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def test_gitlab_code_quality(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = render(project, "gitlab", monkeypatch=monkeypatch, capsys=capsys)
    issues = json.loads(out)
    assert code == 1 and isinstance(issues, list) and len(issues) == 3
    for issue in issues:
        # The fields GitLab documents as required, with their types.
        assert isinstance(issue["description"], str) and issue["description"]
        assert isinstance(issue["check_name"], str) and issue["check_name"]
        assert isinstance(issue["fingerprint"], str) and len(issue["fingerprint"]) == 32
        assert issue["severity"] in GITLAB_SEVERITIES
        assert issue["location"]["path"] == "a,b:c/compose.yaml"
        assert isinstance(issue["location"]["lines"]["begin"], int)
    assert [(i["check_name"], i["severity"], i["location"]["lines"]["begin"]) for i in issues] == [
        ("CL202 exposed-database", "critical", 4),  # a security error with a high security-severity
        ("CL106 missing-required-variable", "major", 7),
        ("CL302 non-external-critical-volume", "minor", 9),
    ]
    assert len({i["fingerprint"] for i in issues}) == 3
    # Stable when lines are inserted above: GitLab shows no issue as fixed-and-new.
    compose = project / "a,b:c" / "compose.yaml"
    compose.write_text("# header\n\n" + COMPOSE)
    moved = json.loads(render(project, "gitlab", monkeypatch=monkeypatch, capsys=capsys)[1])
    assert [i["fingerprint"] for i in moved] == [i["fingerprint"] for i in issues]
    assert [i["location"]["lines"]["begin"] for i in moved] == [6, 9, 11]


def test_gitlab_empty_report_is_an_empty_array(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx:1.27\n")
    assert render(tmp_path, "gitlab", monkeypatch=monkeypatch, capsys=capsys) == (0, "[]\n")


def test_junit_one_case_per_file_and_rule(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "clean").mkdir()
    (project / "clean" / "compose.yaml").write_text("services:\n  web:\n    image: nginx:1.27\n")
    code, out = render(project, "junit", "--fail-level", "error", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1
    root = ET.fromstring(out)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["a,b:c/compose.yaml", "clean/compose.yaml"]
    for element in [root, *suites]:
        for attribute in ("name", "tests", "failures", "errors", "skipped", "time"):
            assert element.get(attribute) is not None, (element.tag, attribute)
    for suite in suites:
        cases = suite.findall("testcase")
        assert [c.get("name") for c in cases] == [
            "CL106 missing-required-variable",
            "CL202 exposed-database",
            "CL302 non-external-critical-volume",
        ]
        assert all(c.get("classname") == suite.get("name") for c in cases)
        assert suite.get("tests") == str(len(cases))
    failing = {
        (s.get("name"), c.get("name")): c
        for s in suites
        for c in s.findall("testcase")
        if c.find("failure") is not None
    }
    assert set(failing) == {
        ("a,b:c/compose.yaml", "CL106 missing-required-variable"),
        ("a,b:c/compose.yaml", "CL202 exposed-database"),
    }
    failure = failing[("a,b:c/compose.yaml", "CL202 exposed-database")].find("failure")
    assert (
        failure is not None
        and failure.get("type") == "error"
        and failure.get("message", "").startswith("line 4: postgres service db")
    )
    assert failure.text is not None and failure.text.startswith("a,b:c/compose.yaml:4:13: error: ")
    # Below the fail level: a passing case that still shows the finding.
    below = suites[0].findall("testcase")[2]
    assert below.find("failure") is None and "9:3: warning" in (below.findtext("system-out") or "")
    assert (root.get("tests"), root.get("failures")) == ("6", "2")


def test_output_file(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = render(project, "gitlab", "--output", "report.json", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1 and out == ""
    assert len(json.loads((project / "report.json").read_text())) == 3
