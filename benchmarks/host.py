"""What `--same-host` costs: a host of N projects of M services, checked with and without it.

    python benchmarks/host.py                       # 50 projects x 10 services
    python benchmarks/host.py --projects 200 --services 10

Each project has its own database, an app on a shared external network `web`, published ports
(some clashing), so the join has work to do. Prints the wall time of each run (median of 3).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def write_host(root: Path, projects: int, services: int) -> None:
    (root / ".git").mkdir()
    for p in range(projects):
        lines = [f"name: stack-{p}", "services:"]
        for s in range(services):
            lines += [f"  svc-{s}:", f"    image: example/svc-{s}:1.{p}", "    networks: [web, default]"]
            lines += [f'    ports: ["127.0.0.1:{20000 + (p * services + s) % 5000}:8080"]']
        lines += ["  db:", "    image: postgres:16.4", "    networks: [default]"]
        lines += ["networks:", "  web:", "    external: true"]
        (root / f"stack-{p}").mkdir()
        (root / f"stack-{p}" / "compose.yaml").write_text("\n".join(lines) + "\n")


def timed(arguments: list[str], cwd: Path) -> float:
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(arguments, cwd=cwd, capture_output=True, check=False, env={**os.environ})
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--projects", type=int, default=50)
    parser.add_argument("--services", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        write_host(root, args.projects, args.services)
        command = [sys.executable, "-m", "composelint", "check", "--format", "json", "--jobs", "1", "."]
        alone = timed(command, root)
        together = timed([*command, "--same-host"], root)
    print(
        f"{args.projects} projects x {args.services} services: separately {alone:.2f} s, "
        f"--same-host {together:.2f} s (+{100 * (together - alone) / alone:.0f}%)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
