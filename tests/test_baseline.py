"""Baselines: record the findings of today, report only new ones, survive edits elsewhere."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from composelint.cli import main
from composelint.compose.yamlread import read_documents
from composelint.finding import Finding, Severity
from composelint.fingerprint import NodeIndex, Place, fingerprints

from .conftest import shared


def check(
    cwd: Path, *args: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[dict[str, object]]]:
    monkeypatch.chdir(cwd)
    code = main(["check", "--format", "json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out)["findings"] if out else []


@pytest.mark.slow
def test_corpus_baseline_reports_only_new_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(shared("corpus"), corpus)
    code, before = check(tmp_path, "corpus", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1 and len(before) > 1000
    assert check(
        tmp_path, "corpus", "--write-baseline", "baseline.json", monkeypatch=monkeypatch, capsys=capsys
    ) == (0, [])
    recorded = json.loads((tmp_path / "baseline.json").read_text())["findings"]
    assert len(recorded) == len(before) and len({e["fingerprint"] for e in recorded}) == len(recorded)
    assert check(
        tmp_path, "corpus", "--baseline", "baseline.json", monkeypatch=monkeypatch, capsys=capsys
    ) == (0, [])

    # The file with the most findings gets lines inserted at the top: every finding moves, none is new.
    busiest = max({str(f["path"]) for f in before}, key=lambda p: sum(f["path"] == p for f in before))
    target = tmp_path / busiest
    target.write_text("# maintained by the platform team\n\nx-owner: platform\n" + target.read_text())
    code, moved = check(tmp_path, busiest, monkeypatch=monkeypatch, capsys=capsys)
    assert len(moved) >= 5 and {(f["rule"], f["line"] - 3) for f in moved} == {
        (f["rule"], f["line"]) for f in before if f["path"] == busiest
    }
    assert check(
        tmp_path, "corpus", "--baseline", "baseline.json", monkeypatch=monkeypatch, capsys=capsys
    ) == (0, [])

    # A new problem is reported, alone.
    text = target.read_text()
    assert "\nservices:\n" in text
    target.write_text(
        text.replace(
            "\nservices:\n", "\nservices:\n  cache:\n    image: redis:7\n    ports: ['6379:6379']\n", 1
        )
    )
    code, new = check(
        tmp_path, "corpus", "--baseline", "baseline.json", monkeypatch=monkeypatch, capsys=capsys
    )
    line = target.read_text().splitlines().index("    ports: ['6379:6379']") + 1
    assert code == 1
    # The published redis has no password either (CL423, at its image, the line above).
    assert [(f["path"], f["rule"], f["line"]) for f in new] == [
        (busiest, "CL423", line - 1),
        (busiest, "CL202", line),
    ]


COMPOSE = "services:\n  a:\n    image: redis:7\n    ports: ['6379:6379']\n"


def test_findings_on_one_node_are_told_apart_by_occurrence() -> None:
    def finding(line: int, message: str) -> Finding:
        return Finding(
            "/p/compose.yaml", line, 5, "CL202", line, 9, "exposed-database", Severity.ERROR, message
        )

    first, second, moved = finding(4, "first"), finding(4, "second"), finding(40, "first")
    place = Place(("services", "a", "ports", "[=6379:6379]"), 4)
    prints = fingerprints([first, second], {first: place, second: place}, "/p")
    assert len(set(prints.values())) == 2
    # Line numbers are not part of it: the same node further down keeps its fingerprint.
    assert fingerprints([moved], {moved: place}, "/p")[moved] == prints[first]
    # Rule, file and YAML path are.
    assert (
        fingerprints([first], {first: Place(("services", "b", "ports", "[=6379:6379]"), 4)}, "/p")[first]
        != prints[first]
    )
    assert fingerprints([first], {first: place}, "/q")[first] != prints[first]


def test_moving_a_problem_to_another_service_makes_it_new(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    check(tmp_path, "--write-baseline", "b.json", monkeypatch=monkeypatch, capsys=capsys)
    (tmp_path / "compose.yaml").write_text(COMPOSE.replace("  a:", "  b:"))
    assert [
        f["rule"] for f in check(tmp_path, "--baseline", "b.json", monkeypatch=monkeypatch, capsys=capsys)[1]
    ] == ["CL423", "CL202"]


def test_baseline_paths_are_relative_to_the_baseline_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "compose.yaml").write_text(COMPOSE)
    check(tmp_path, "app", "--write-baseline", "b.json", monkeypatch=monkeypatch, capsys=capsys)
    entry = json.loads((tmp_path / "b.json").read_text())["findings"][0]
    assert (entry["rule"], entry["path"], entry["node"]) == (
        "CL202",
        "app/compose.yaml",
        "services/a/ports/[=6379:6379]",
    )
    assert check(tmp_path / "app", "--baseline", "../b.json", monkeypatch=monkeypatch, capsys=capsys) == (
        0,
        [],
    )


def test_env_file_findings_are_keyed_by_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  a:\n    image: redis:7\n    env_file: app.env\n")
    (tmp_path / "app.env").write_text("GOOD=1\nBAD='unterminated\n")
    _, found = check(tmp_path, "--select", "CL114", monkeypatch=monkeypatch, capsys=capsys)
    assert [(f["path"], f["line"]) for f in found] == [("app.env", 2)]
    check(tmp_path, "--select", "CL114", "--write-baseline", "b.json", monkeypatch=monkeypatch, capsys=capsys)
    assert json.loads((tmp_path / "b.json").read_text())["findings"][0]["node"] == "env/BAD"
    (tmp_path / "app.env").write_text("# comment\nGOOD=1\nBAD='unterminated\n")
    assert check(
        tmp_path, "--select", "CL114", "--baseline", "b.json", monkeypatch=monkeypatch, capsys=capsys
    ) == (0, [])


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "does not exist"), ("{}", "is not a composelint baseline"), ("[", "cannot read baseline")],
)
def test_unusable_baseline_is_a_usage_error(
    tmp_path: Path,
    content: str | None,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    if content is not None:
        (tmp_path / "b.json").write_text(content)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--baseline", "b.json"]) == 2
    assert message in capsys.readouterr().err


def test_yaml_paths_of_nodes() -> None:
    text = "x-common: &c\n  image: redis:7\nservices:\n  a:\n    <<: *c\n    ports:\n      - '80:80'\n      - target: 443\n---\nservices: {}\n"
    index = NodeIndex(read_documents(text, "f.yaml"))
    assert index.place(2, 3).path == ("x-common", "image")  # the anchor's own path, not a merged copy
    assert index.place(7, 9).path == ("services", "a", "ports", "[=80:80]")
    assert index.place(8, 9).path == ("services", "a", "ports", "[1]", "target")
    assert index.place(7, 9).key_line == 6  # an item's key is its list's
    assert index.place(7, 12).path == ("services", "a", "ports", "[=80:80]")  # inside a scalar: that scalar
    assert index.place(10, 1).path == ("--- 1", "services")
