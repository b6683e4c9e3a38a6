"""Record composelint's reports on the shared corpus, to show that a change leaves behaviour as it was.

    git worktree add /tmp/base OLD_COMMIT
    python benchmarks/report_snapshot.py record --per-file --source /tmp/base /tmp/before
    python benchmarks/report_snapshot.py record --per-file /tmp/after
    python benchmarks/report_snapshot.py compare /tmp/before /tmp/after

Three reports of the whole corpus in one invocation (JSON with the default rules, JSON with
``--select ALL``, SARIF), and with ``--per-file`` the same three for each compose file given alone,
as pre-commit hands files over. Every run has the same empty environment, working directory and
schema cache, so the reports can be compared byte for byte. ``compare`` lists every report that
differs and exits 1 if any does.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
MODES = {
    "default.json": ("--format", "json"),
    "all.json": ("--format", "json", "--select", "ALL"),
    "sarif.json": ("--format", "sarif"),
}
COMPOSE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")


def _run(arguments: Sequence[str], cache: Path, source: Path | None) -> bytes:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cache), "COMPOSELINT_CACHE_DIR": str(cache)}
    if source is not None:
        env["PYTHONPATH"] = str(source)
    result = subprocess.run(
        [sys.executable, "-m", "composelint", "check", *arguments],
        capture_output=True,
        cwd=CORPUS,
        env=env,
        timeout=600,
        check=False,
    )
    # The exit code and stderr belong to the behaviour too.
    return b"rc=%d\n--- stderr\n%s--- stdout\n%s" % (result.returncode, result.stderr, result.stdout)


def compose_files() -> list[Path]:
    return sorted(path for path in CORPUS.rglob("*") if path.name in COMPOSE_NAMES and path.is_file())


def record(out: Path, per_file: bool, jobs: int, source: Path | None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as cache_dir:
        cache = Path(cache_dir)
        for name, mode in MODES.items():
            (out / f"corpus-{name}").write_bytes(_run([*mode, "."], cache, source))
        if not per_file:
            return
        files = compose_files()
        tasks = [(path, name, mode) for path in files for name, mode in MODES.items()]

        def one(task: tuple[Path, str, tuple[str, ...]]) -> None:
            path, name, mode = task
            relative = path.relative_to(CORPUS)
            target = out / "files" / relative.parent / f"{relative.name}-{name}"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_run([*mode, "--jobs", "1", str(relative)], cache, source))

        with ThreadPoolExecutor(jobs) as pool:
            list(pool.map(one, tasks))


def compare(before: Path, after: Path) -> int:
    names = {p.relative_to(before) for p in before.rglob("*") if p.is_file()}
    names |= {p.relative_to(after) for p in after.rglob("*") if p.is_file()}
    differing = sorted(
        str(name)
        for name in names
        if not (before / name).is_file()
        or not (after / name).is_file()
        or (before / name).read_bytes() != (after / name).read_bytes()
    )
    for name in differing:
        print(f"differs: {name}")
    print(f"{len(names) - len(differing)} of {len(names)} reports identical")
    return 1 if differing else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    record_parser = commands.add_parser("record", help="write the reports into a directory")
    record_parser.add_argument("out", type=Path)
    record_parser.add_argument("--per-file", action="store_true", help="also lint each file alone")
    record_parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    record_parser.add_argument(
        "--source",
        type=Path,
        help="run the composelint package found in this directory (a checkout of another commit)",
    )
    compare_parser = commands.add_parser("compare", help="compare two recorded directories")
    compare_parser.add_argument("before", type=Path)
    compare_parser.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "compare":
        return compare(args.before, args.after)
    if not CORPUS.is_dir():
        print(f"{CORPUS} is not available", file=sys.stderr)
        return 2
    record(args.out, args.per_file, args.jobs, args.source)
    return 0


if __name__ == "__main__":
    sys.exit(main())
