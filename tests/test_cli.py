"""The `composelint check` command line: exit codes, selection, discovery, reports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from composelint.cli import main

BAD = "services:\n  db:\n    image: postgres:16\n    ports: ['5432:5432']\n    container_name: db\n  db2:\n    image: postgres:16\n    container_name: db\n"


def run(cwd: Path, *args: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "compose.yaml").write_text(BAD)
    return tmp_path


def test_exit_codes_follow_the_fail_level(project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(project, "check", monkeypatch=monkeypatch, capsys=capsys)[0] == 1
    code, out, _ = run(project, "check", "--select", "CL302", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and "No problems found (1 file checked)." in out
    (project / "compose.yaml").write_text("services:\n  db:\n    image: postgres:16\n    volumes: ['pg:/var/lib/postgresql/data']\nvolumes:\n  pg: {}\n")
    assert run(project, "check", monkeypatch=monkeypatch, capsys=capsys)[0] == 1  # a warning fails by default
    assert run(project, "check", "--fail-level", "error", monkeypatch=monkeypatch, capsys=capsys)[0] == 0


@pytest.mark.parametrize(
    "args",
    [["check", "--no-such-option"], ["check", "missing.yaml"], ["check", "--select", "exposed-databse"], ["bogus"]],
)
def test_usage_errors_exit_2_with_one_line(project: Path, args: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", "composelint", *args], cwd=project, capture_output=True, text=True)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    if "exposed-databse" in args:
        assert "did you mean 'exposed-database'?" in result.stderr


@pytest.mark.parametrize(
    ("selector", "expected"),
    [("CL202", {"CL202"}), ("CL1", {"CL112"}), ("exposed-database", {"CL202"}), ("duplicate-container-name,CL202", {"CL112", "CL202"})],
)
def test_select_by_id_prefix_and_name(
    project: Path, selector: str, expected: set[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(project, "check", "--format", "json", "--select", selector, monkeypatch=monkeypatch, capsys=capsys)
    assert {f["rule"] for f in json.loads(out)["findings"]} == expected


def test_ignore_and_extend_select(project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(project, "check", "--format", "json", "--ignore", "CL2,duplicate-container-name", monkeypatch=monkeypatch, capsys=capsys)
    assert json.loads(out)["findings"] == []


def test_text_report_is_sorted_and_summarised(project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(project, "check", monkeypatch=monkeypatch, capsys=capsys)
    assert out.splitlines() == [
        "compose.yaml:4:13: CL202 [exposed-database] postgres service db publishes port 5432/tcp on all interfaces "
        "(host port 5432); bind it to 127.0.0.1 or drop the mapping and reach it over an internal network",
        'compose.yaml:8:21: CL112 [duplicate-container-name] container_name "db" is already used by service "db"',
        "Found 2 problems (2 errors) in 1 file checked.",
    ]
    assert "\033[" not in out  # not a TTY: no colour


def test_json_report_contract(project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "sub").mkdir()
    (project / "sub" / "docker-compose.yml").write_text(BAD)
    _, out, _ = run(project, "check", "--format", "json", "sub", monkeypatch=monkeypatch, capsys=capsys)
    report = json.loads(out)
    assert set(report) >= {"version", "findings", "summary"}
    first = report["findings"][0]
    assert set(first) == {"rule", "name", "severity", "message", "path", "line", "column", "end_line", "end_column", "service"}
    assert first["path"] == "sub/docker-compose.yml"
    assert (first["rule"], first["name"], first["severity"], first["service"]) == ("CL202", "exposed-database", "error", "db")
    assert report["summary"]["error"] == 2 and report["summary"]["files"] == 1


def test_directory_discovery_groups_projects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "compose.yaml").write_text("services:\n  web:\n    image: nginx:1.27\n")
    # The port is only in the override: linted together, the override's finding appears.
    (tmp_path / "app" / "compose.override.yaml").write_text("services:\n  db:\n    image: redis:7\n    ports: ['6379:6379']\n")
    (tmp_path / "app" / "docker-compose.prod.yml").write_text("services:\n  web:\n    networks: [edge]\n")
    for skipped in (".git", "node_modules"):
        (tmp_path / skipped).mkdir()
        (tmp_path / skipped / "compose.yaml").write_text(BAD)
    _, out, _ = run(tmp_path, "check", "--format", "json", ".", monkeypatch=monkeypatch, capsys=capsys)
    found = {(f["path"], f["rule"]) for f in json.loads(out)["findings"]}
    assert found == {("app/compose.override.yaml", "CL202"), ("app/docker-compose.prod.yml", "CL104")}
    # An override file given alone is linted with its base (the prod file is not involved).
    _, out, _ = run(tmp_path, "check", "--format", "json", "app/compose.override.yaml", monkeypatch=monkeypatch, capsys=capsys)
    assert {(f["path"], f["rule"]) for f in json.loads(out)["findings"]} == {("app/compose.override.yaml", "CL202")}


def test_without_paths_the_project_is_found_as_compose_finds_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "docker-compose.yml").write_text(BAD)
    (tmp_path / "deep" / "er").mkdir(parents=True)
    code, out, _ = run(tmp_path / "deep" / "er", "check", "--format", "json", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1 and json.loads(out)["findings"][0]["path"] == "../../docker-compose.yml"
    empty = tmp_path / "nothing"
    empty.mkdir()
    monkeypatch.setenv("COMPOSE_FILE", str(empty / "absent.yaml"))
    assert run(empty, "check", monkeypatch=monkeypatch, capsys=capsys)[0] == 2


def test_explicit_files_merge_like_compose(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.yml").write_text("services:\n  web:\n    image: nginx:1.27\n    ports: ['8080:80']\n")
    (tmp_path / "b.yml").write_text("services:\n  api:\n    image: example/api:1\n    ports: ['8080:3000']\n")
    _, out, _ = run(tmp_path, "check", "--format", "json", "-f", "a.yml", "-f", "b.yml", monkeypatch=monkeypatch, capsys=capsys)
    assert [(f["path"], f["rule"]) for f in json.loads(out)["findings"]] == [("b.yml", "CL203")]


def test_jobs_do_not_change_the_report(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    if not corpus.is_dir():
        pytest.skip("the shared corpus is not available")
    outputs = [run(corpus, "check", "--format", "json", "--jobs", jobs, ".", monkeypatch=monkeypatch, capsys=capsys)[1] for jobs in ("1", "4")]
    assert outputs[0] == outputs[1]


def test_version_and_help_do_not_import_heavy_modules() -> None:
    code = (
        "import sys, contextlib, io\n"
        "from composelint.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n        main(['--version'])\n    except SystemExit:\n        pass\n"
        "print(sorted(m for m in ('networkx', 'jsonschema', 'yaml', 'fastjsonschema') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
