"""Names and paths from the linted files cannot forge output: control and bidirectional characters
are shown as escapes in every human-readable format and on stderr, JSON and SARIF keep them exact,
and JUnit stays well-formed XML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from composelint.cli import main
from composelint.printable import printable, xml_text

HOSTILE_NAME = "db\x1b[2K\x1b[1G\x1b[32mALL CLEAN\x07\u202eevil\x00"
COMPOSE = f'services:\n  "{HOSTILE_NAME.encode("unicode_escape").decode()}":\n    image: postgres:16\n    ports: ["5432:5432"]\n'


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The directory name holds a line break that would start a GitHub workflow command.
    directory = tmp_path / "x\n::error file=README.md,line=1::forged"
    directory.mkdir()
    (directory / "compose.yaml").write_text(COMPOSE)
    monkeypatch.chdir(tmp_path)
    return directory


def run(capsys: pytest.CaptureFixture[str], project: Path, fmt: str) -> str:
    main(["check", "--format", fmt, "--select", "CL202", project.name])
    return capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["text", "compact", "github"])
def test_human_readable_formats_show_control_characters_as_escapes(
    project: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    out = run(capsys, project, fmt)
    assert not any(ch in out for ch in "\x1b\x07\x00\u202e"), repr(out)
    assert "\\x1b[2K" in out and "\\u202e" in out
    lines = out.splitlines()
    # No line of the report is a workflow command it did not mean to write.
    assert not [line for line in lines if line.startswith("::error file=README.md")]
    if fmt == "github":
        (annotation,) = [line for line in lines if line.startswith("::error ")]
        assert "%0A" in annotation  # the file keeps its real name, encoded as the toolkit does


@pytest.mark.parametrize("fmt", ["json", "sarif", "gitlab"])
def test_machine_formats_keep_the_exact_text(
    project: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    def strings(value: object) -> list[str]:
        if isinstance(value, dict):
            return [s for v in value.values() for s in strings(v)]
        if isinstance(value, list):
            return [s for v in value for s in strings(v)]
        return [value] if isinstance(value, str) else []

    found = strings(json.loads(run(capsys, project, fmt)))
    assert any(HOSTILE_NAME in text for text in found)
    if fmt != "sarif":  # SARIF holds paths as URIs, percent-encoded
        assert any(project.name in text for text in found)


def test_junit_is_well_formed_xml_with_c0_characters_in_names(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = ET.fromstring(run(capsys, project, "junit"))
    (failure,) = root.iter("failure")
    assert "\\x00" in (failure.text or "") and "\\x1b" in failure.attrib["message"]
    assert root.attrib["failures"] == "1"


def test_messages_on_stderr_show_control_characters_as_escapes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "compose.yaml").write_text("services:\n  a:\n    image: x:1\n")
    (tmp_path / ".composelint.yaml").write_text('"sel\\nect\\x1b[31m": [CL2]\n')
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "\x1b" not in err
    assert "sel\\nect\\x1b[31m" in err


def test_printable_keeps_other_scripts_and_escapes_only_controls() -> None:
    assert printable("café Ωμέγα 東京 ok") == "café Ωμέγα 東京 ok"
    assert printable("a\tb\r\nc\u2028d\u200fe\x7f") == "a\\tb\\r\\nc\\u2028d\\u200fe\\x7f"
    assert xml_text("a\x01b\tc\nd\ufffe") == "a\\x01b\tc\nd\\ufffe"
