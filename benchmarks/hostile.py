"""Time and peak memory of `composelint check` on each hostile input, each in its own process.

    python benchmarks/hostile.py            # prints a table; exits 1 if a case breaks a bound

Bounds (issue "never crash, never hang"): every case under 2 s and under 200 MB peak RSS.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.hostile import CASES  # noqa: E402

MAX_SECONDS = 2.0
MAX_RSS_MB = 200.0


def measure(directory: Path) -> tuple[float, float, int]:
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "composelint", "check", "--format", "json", "--jobs", "1", "compose.yaml"],
        cwd=directory,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode() if process.stderr else ""
    if "Traceback" in stderr:
        raise SystemExit(f"traceback in {directory}:\n{stderr}")
    return elapsed, usage.ru_maxrss / 1024, process.returncode


def main() -> int:
    failures = 0
    print(f"{'case':45} {'seconds':>8} {'peak MB':>8} {'exit':>5}")
    with tempfile.TemporaryDirectory() as tmp:
        for index, case in enumerate(CASES):
            directory = Path(tmp) / f"case{index}" / "project"
            directory.mkdir(parents=True)
            case.build(directory)
            seconds, rss, code = measure(directory)
            ok = seconds < MAX_SECONDS and rss < MAX_RSS_MB
            failures += not ok
            print(f"{case.name:45} {seconds:8.2f} {rss:8.1f} {code:5}{'' if ok else '  OVER BOUND'}")
    print(f"bounds: {MAX_SECONDS} s, {MAX_RSS_MB} MB peak RSS per case; {failures} over")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
