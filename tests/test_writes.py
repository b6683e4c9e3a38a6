"""Reports and baselines are written atomically, and never over a file the run reads."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from composelint.cli import main
from composelint.compose import atomic

DB = 'services:\n  db:\n    image: postgres:16\n    ports: ["5432:5432"]\n'


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "compose.yaml").write_text(DB + "    env_file: app.env\n")
    (tmp_path / "app.env").write_text("A=1\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("target", ["report.json", "baseline.json"])
def test_a_failure_in_the_middle_of_a_write_leaves_the_previous_file_intact(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    option = "-o" if target == "report.json" else "--write-baseline"
    assert main(["check", "--format", "json", option, target, "compose.yaml"]) in (0, 1)
    previous = (project / target).read_bytes()
    real_fsync = os.fsync

    def disk_full(fd: int) -> None:
        real_fsync(fd)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", disk_full)
    (project / "compose.yaml").write_text(DB.replace("5432:5432", "127.0.0.1:5432:5432"))
    assert main(["check", "--format", "json", option, target, "compose.yaml"]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert (project / target).read_bytes() == previous
    assert sorted(p.name for p in project.iterdir()) == sorted(["app.env", "compose.yaml", target])


def test_an_interrupted_write_leaves_no_temporary_file(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(source: str, target: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic.write_atomically(str(project / "report.txt"), "x" * 100_000)
    assert sorted(p.name for p in project.iterdir()) == ["app.env", "compose.yaml"]


def test_a_new_report_gets_the_usual_permissions(project: Path) -> None:
    atomic.write_atomically(str(project / "report.txt"), "x")
    umask = os.umask(0)
    os.umask(umask)
    assert (project / "report.txt").stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize(
    "args",
    [
        ["-o", "compose.yaml"],
        ["-o", "./app.env"],
        ["--write-baseline", "compose.yaml"],
        ["--write-baseline", ".composelint.yaml"],
        ["--report", "sarif=app.env"],
        ["--baseline", "known.json", "-o", "known.json"],
    ],
)
def test_nothing_is_written_over_a_file_of_the_linted_project_or_its_configuration(
    project: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    (project / ".composelint.yaml").write_text("fail-level: error\n")
    (project / "known.json").write_text(
        json.dumps({"composelint_baseline": 1, "version": "0", "findings": []}) + "\n"
    )
    before = {p.name: p.read_bytes() for p in project.iterdir()}
    assert main(["check", *args, "compose.yaml"]) == 2
    err = capsys.readouterr().err
    assert "refusing to write over" in err and "the run reads it" in err
    assert {p.name: p.read_bytes() for p in project.iterdir()} == before


def test_one_run_writes_several_reports(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "check",
            "--format",
            "compact",
            "--report",
            "json=r.json",
            "--report",
            "sarif=r.sarif",
            "compose.yaml",
        ]
    )
    assert code == 1
    assert "CL202" in capsys.readouterr().out
    assert [f["rule"] for f in json.loads((project / "r.json").read_text())["findings"]].count("CL202") == 1
    sarif = json.loads((project / "r.sarif").read_text())
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} >= {"CL202"}
    assert all(r["partialFingerprints"] for r in sarif["runs"][0]["results"])
