"""Running a function over many items in forked processes, the calling process working too."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from composelint import parallel
from composelint.compose.discovery import ProjectSpec
from composelint.compose.errors import UsageError
from composelint.engine import RunOptions, lint
from composelint.parallel import can_fork, map_forked
from composelint.settings import Settings

pytestmark = pytest.mark.skipif(not can_fork(), reason="fork is not available here")

PARENT = os.getpid()


def square_with_pid(item: int) -> tuple[int, int]:
    return item * item, os.getpid()


@pytest.mark.parametrize(("jobs", "chunk"), [(2, 1), (2, 7), (3, 4), (4, 100)])
def test_results_come_back_in_the_order_of_the_items(jobs: int, chunk: int) -> None:
    items = list(range(203))
    results = map_forked(square_with_pid, items, jobs, chunk)
    assert [value for value, _ in results] == [i * i for i in items]


def slow_in_parent(item: int) -> int:
    if os.getpid() == PARENT:
        time.sleep(0.02)  # the children claim most of the items
    return item


def slow_pid(item: int) -> int:
    time.sleep(0.005)  # long enough that no process takes every item before the other starts
    return os.getpid()


def test_this_process_and_the_children_share_the_work() -> None:
    pids = set(map_forked(slow_pid, list(range(60)), 2, 1))
    assert len(pids) == 2
    assert PARENT in pids


def fail_on_13(item: int) -> int:
    if item == 13:
        raise UsageError("project 13 asks for a project name Compose refuses")
    return slow_in_parent(item)


def test_an_exception_from_any_process_is_raised_here() -> None:
    with pytest.raises(UsageError, match="project 13"):
        map_forked(fail_on_13, list(range(60)), 2, 1)


def die_in_children(item: int) -> int:
    if os.getpid() != PARENT:
        os._exit(3)  # killed, out of memory...: no result, no message
    time.sleep(0.01)
    return item * 2


def test_items_of_a_child_that_died_are_run_here() -> None:
    assert map_forked(die_in_children, list(range(30)), 3, 2) == [i * 2 for i in range(30)]


def test_output_buffered_before_the_fork_is_written_once() -> None:
    # A pipe makes stdout block-buffered: the text is still in the buffer when the children fork,
    # and each child must not write it again as it exits.
    script = (
        "import sys\n"
        "from composelint.parallel import map_forked\n"
        "sys.stdout.write('before the fork')\n"
        "map_forked(abs, list(range(40)), 3, 1)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout == "before the fork"


def test_without_fork_a_process_pool_gives_the_same_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for index in range(20):
        project = tmp_path / f"p{index}"
        project.mkdir()
        (project / "compose.yaml").write_text(
            f"services:\n  db:\n    image: postgres:16.{index}\n    ports: ['{5000 + index}:5432']\n"
        )
    specs = [ProjectSpec((str(tmp_path / f"p{i}" / "compose.yaml"),)) for i in range(20)]
    options = RunOptions(environ={}, cwd=str(tmp_path))
    forked = lint(specs, Settings(), options, jobs=2)
    monkeypatch.setattr(parallel, "can_fork", lambda: False)  # as on macOS and Windows
    pooled = lint(specs, Settings(), options, jobs=2)
    assert [r.findings for r in pooled] == [r.findings for r in forked]
    assert all(r.findings for r in pooled)
