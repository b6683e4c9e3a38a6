"""Where composelint spends its time on the benchmark's scenarios, measured in one process.

    python benchmarks/hotspots.py corpus               # CPU time per pipeline stage and per rule
    python benchmarks/hotspots.py corpus --functions   # and cProfile's functions with most own time
    python benchmarks/hotspots.py replica --replicas 5000
    python benchmarks/hotspots.py single               # start-up: the imports, one file

Runs ``composelint check --format json --jobs 1`` in this process. The stages (reading YAML,
interpolation, ..., each rule) are timed by wrapping their functions with a CPU-time counter: little
overhead, and a busy machine does not skew them. ``--functions`` adds a cProfile run (also in CPU
time); cProfile's own cost per call inflates functions called very often: read its shares, not
its seconds. ``--save FILE`` keeps that raw profile for ``python -m pstats``.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import functools
import io
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import CORPUS, SINGLE_FILE, compose_files, replicate

# (label, module, attribute): the attribute is wrapped where the caller looks it up.
STAGES = (
    ("load a project (all of the loader)", "composelint.engine", "load_project"),
    ("  read YAML into span trees", "composelint.compose.loader", "parse_file"),
    ("  merge documents", "composelint.compose.loader", "merge_documents"),
    ("  normalize", "composelint.compose.canonical", "normalize"),
    ("  interpolate", "composelint.compose.loader", "interpolate_tree_collect"),
    ("  cast types", "composelint.compose.canonical", "cast_types"),
    ("  enforce unicity (merge.matches...)", "composelint.compose.loader", "enforce_unicity"),
    ("  canonical long syntax", "composelint.compose.canonical", "canonical"),
    ("  schema validation", "composelint.compose.schema", "validate"),
    ("build the model", "composelint.engine", "build_project"),
    ("run the rules (model build included)", "composelint.engine", "run_rules"),
    ("  the project graph", "composelint.project.graph.ProjectGraph", "__init__"),
    ("suppression comments", "composelint.suppress", "apply"),
    ("report (JSON)", "composelint.formats.json_format", "render"),
)


class Clock:
    """CPU seconds and calls per label, from wrapped functions (nested stages count in both)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def wrap(self, label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[label] += time.process_time() - start
                self.calls[label] += 1

        return timed

    def wrap_generator(self, label: str, function: Callable[..., Iterator[Any]]) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
            iterator = function(*args, **kwargs)
            while True:
                start = time.process_time()
                try:
                    item = next(iterator)
                except StopIteration:
                    return
                finally:
                    self.seconds[label] += time.process_time() - start
                yield item

        return timed


def instrument(clock: Clock) -> None:
    import importlib

    for label, module_name, attribute in STAGES:
        owner: Any
        if module_name.endswith(".ProjectGraph"):
            owner = importlib.import_module(module_name.rsplit(".", 1)[0]).ProjectGraph
        else:
            owner = importlib.import_module(module_name)
        setattr(owner, attribute, clock.wrap(label, getattr(owner, attribute)))
    from composelint.registry import Registry

    for rule in Registry.default().rules:
        rule.check = clock.wrap_generator(f"rule {rule.id} {rule.name}", rule.check)  # type: ignore[method-assign]


def prepare(scenario: str, workdir: Path, replicas: int) -> list[str]:
    if scenario == "single":
        shutil.copy2(CORPUS / SINGLE_FILE, workdir / "compose.yaml")
        return ["compose.yaml"]
    if scenario == "corpus":
        shutil.copytree(CORPUS, workdir, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.md"))
        return compose_files(workdir)
    return replicate(CORPUS, workdir, replicas)


def lint(files: list[str]) -> None:
    from composelint.cli import main as composelint

    with contextlib.redirect_stdout(io.StringIO()):
        composelint(["check", "--format", "json", "--jobs", "1", *files])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("scenario", choices=("single", "corpus", "replica"))
    parser.add_argument("--replicas", type=int, default=5000)
    parser.add_argument("--functions", action="store_true", help="also profile functions with cProfile")
    parser.add_argument("--top", type=int, default=25, help="functions listed (default 25)")
    parser.add_argument("--save", type=Path, help="write cProfile's raw profile here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="composelint-profile-") as tmp:
        workdir = Path(tmp)
        files = prepare(args.scenario, workdir, args.replicas)
        os.environ["COMPOSELINT_CACHE_DIR"] = str(workdir / ".cache")
        os.chdir(workdir)
        # Fill the schema cache in another process: "single" keeps its imports cold.
        subprocess.run([sys.executable, "-m", "composelint", "check", files[0]], stdout=subprocess.DEVNULL)
        if args.scenario == "single":
            imports = time.process_time()
            import composelint.commands.check
            import composelint.rules  # noqa: F401  (imported for its cost)
            from composelint.registry import Registry

            Registry.default()  # plugin discovery
            print(
                f"imports (check command, rules, networkx, plugins): {time.process_time() - imports:.3f} CPU s"
            )
        clock = Clock()
        instrument(clock)
        start = time.process_time()
        lint(files)
        total = time.process_time() - start
        print_stages(clock, total, len(files))
        if args.functions:
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            lint(files)
            profiler.disable()
            stats = pstats.Stats(profiler)
            if args.save:
                stats.dump_stats(args.save)
            print_functions(stats, args.top)
    return 0


def print_stages(clock: Clock, total: float, files: int) -> None:
    print(
        f"{files} files: {total:.3f} CPU s in `composelint check` ({total / files * 1000:.3f} ms per file)\n"
    )
    print(f"{'stage':52} {'CPU s':>8} {'share':>6} {'ms/file':>8}")
    for label, _, _ in STAGES:
        seconds = clock.seconds.get(label, 0.0)
        print(f"{label:52} {seconds:8.3f} {seconds / total:6.1%} {seconds / files * 1000:8.3f}")
    rules = sorted(
        ((s, label) for label, s in clock.seconds.items() if label.startswith("rule ")), reverse=True
    )
    print(f"\n{'rules, by CPU time':52} {'CPU s':>8} {'share':>6} {'ms/file':>8}")
    for seconds, label in rules:
        print(f"{label[5:]:52} {seconds:8.3f} {seconds / total:6.1%} {seconds / files * 1000:8.3f}")


def print_functions(stats: pstats.Stats, top: int) -> None:
    table = stats.stats  # type: ignore[attr-defined]  # (file, line, name) -> (cc, calls, own, cum, callers)
    total = max(v[3] for v in table.values())
    own: dict[str, float] = defaultdict(float)
    for (path, _, _), v in table.items():
        own[_module(path)] += v[2]
    print(f"\n{'cProfile: own time by module':52} {'share':>6}")
    for module, seconds in sorted(own.items(), key=lambda kv: -kv[1])[:top]:
        print(f"{module:52} {seconds / total:6.1%}")
    print(f"\n{'cProfile: functions by own time':70} {'calls':>9} {'own':>6} {'cum':>6}")
    for (path, line, name), (_, calls, own_s, cum_s, _) in sorted(table.items(), key=lambda kv: -kv[1][2])[
        :top
    ]:
        where = f"{_module(path)}:{line}({name})"
        print(f"{where[:70]:70} {calls:9d} {own_s / total:6.1%} {cum_s / total:6.1%}")


def _module(path: str) -> str:
    """composelint/x.py for our files, the package name for libraries, the text for built-ins."""
    if "/composelint/" in path:
        return "composelint/" + path.rsplit("/composelint/", 1)[1]
    if "site-packages/" in path:
        return path.rsplit("site-packages/", 1)[1].split("/", 1)[0]
    if path == "~":
        return "built-ins"
    return path if path.startswith("<") else "stdlib:" + Path(path).name


if __name__ == "__main__":
    raise SystemExit(main())
