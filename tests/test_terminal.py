"""Under a real pseudo-terminal: colours and a progress line on stderr; in pipes and CI logs, neither."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

DB = 'services:\n  db:\n    image: postgres:16\n    ports: ["5432:5432"]\n'


@pytest.fixture
def projects(tmp_path: Path) -> Path:
    for i in range(60):
        (tmp_path / f"p{i}").mkdir()
        (tmp_path / f"p{i}" / "compose.yaml").write_text(DB)
    return tmp_path


def in_terminal(cwd: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    master, slave = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CI", "FORCE_COLOR")}
    process = subprocess.Popen(
        [sys.executable, "-m", "composelint", *args],
        cwd=cwd,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**environment, "TERM": "xterm", **(env or {})},
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the terminal's other side is closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return process.wait(timeout=120), b"".join(chunks).decode()


def test_a_terminal_gets_colours_and_progress(projects: Path) -> None:
    code, screen = in_terminal(projects, "check", "--jobs", "1", ".")
    assert code == 1
    assert "\x1b[1;31merror\x1b[0m CL202 [exposed-database]" in screen
    assert "composelint: 60/60 projects checked" in screen
    # The status line is wiped before the report, so the report reads clean.
    # Each project's findings are shown as soon as it is checked, before the run ends; the status
    # line is wiped before each of them, and the verdict comes once, last.
    assert screen.index("p0/compose.yaml") < screen.index("60/60 projects checked")
    assert "\r\x1b[K\x1b[1mp1/compose.yaml" in screen or "\r\x1b[K\x1b[1mp10/compose.yaml" in screen
    assert screen.count("Found 60 problems") == 1
    assert screen.rstrip().endswith("Failed: 60 findings at or above the fail level (warning).")


def test_ci_logs_and_pipes_get_neither(projects: Path) -> None:
    code, screen = in_terminal(projects, "check", "--jobs", "1", ".", env={"CI": "true"})
    assert code == 1 and "projects checked" not in screen
    piped = subprocess.run(
        [sys.executable, "-m", "composelint", "check", "--jobs", "2", "."],
        cwd=projects,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "NO_COLOR"},
        timeout=120,
    )
    assert "projects checked" not in piped.stderr and "\x1b[" not in piped.stdout


def test_no_color_wins_on_a_terminal(projects: Path) -> None:
    _, screen = in_terminal(projects / "p0", "check", env={"NO_COLOR": "1"})
    assert "error CL202" in screen and "\x1b[1;31m" not in screen
