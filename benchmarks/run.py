"""Speed and peak memory of composelint beside its peers, compose-lint and dclint, in one run.

    python benchmarks/run.py                       # the full run: 5 runs of everything (about an hour)
    python benchmarks/run.py --runs 1 --replicas 600 --scenarios single,corpus   # a quick look
    python benchmarks/run.py --save-latest         # also write benchmarks/latest.json

Run it with the Python that has composelint installed (``pip install -e .``). The peers are installed
on first use in a throwaway directory outside the project (``benchmarks/.peers/``, gitignored): a
virtual environment with PyPI ``compose-lint==0.36.2`` and an npm directory with ``dclint@3.1.0``
(Node.js 20.19 or newer needed). Nothing is added to the project's dependencies.

Scenarios, each command given the same files in the same working directory:

- ``single``: one small compose file (awesome-compose's nginx-nodejs-redis), cold process start to exit.
  composelint twice: "first run ever" (an empty schema cache: the validator is generated and compiled)
  and "warm cache" (the usual case). Floors: ``python -c pass`` and ``python -c "import yaml, networkx,
  jsonschema"`` (composelint's dependency floor).
- ``corpus``: every compose file of ``../shared/corpus/`` (539) in one invocation.
- ``replica``: the corpus copied to 5,000 files, each in a directory of its own (a project of its own,
  sibling ``.env`` files kept).
  For both, composelint with its default ``--jobs`` (the CPU count) and with ``--jobs 1``; floor: a
  plain libyaml parse of every file (``yaml.load_all`` with ``CSafeLoader``) in one process.

Each round runs every command of a scenario once, in an order rotated each round (the tools
alternate, so load on the machine falls on all of them alike); a command's figures are medians over
the rounds. Wall time runs from spawning the process to reaping it. CPU is user + system time of the
process and the children it waited for (``os.wait4``). Peak RSS is the largest, over the run, of the
sum of the resident set sizes of every process in the command's session (it is started in a session
of its own; ``/proc`` is sampled every 10 ms, the session's members found again every 100 ms), and at
least the largest high-water mark (``VmHWM``) one of those processes reached. Pages that forked
workers share with their parent count once per process, so for ``--jobs`` > 1 it is an upper bound.

Writes every run to ``benchmarks/results/<UTC time>.json`` (gitignored) and prints a table, the
ratios composelint/peer and whether the targets of the performance issue are met.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = ROOT.parent / "shared" / "corpus"
SINGLE_FILE = Path("awesome-compose", "nginx-nodejs-redis", "compose.yaml")
# One small file without a data service: what most pre-commit runs lint (no project graph needed).
PLAIN_FILE = Path("awesome-compose", "nginx-golang", "compose.yaml")
COMPOSE_LINT = "compose-lint==0.36.2"
DCLINT = "dclint@3.1.0"
# dclint 3.1.0 aborts the whole run, printing no report, when one file mixes `!!merge <<: *x` with a
# double-quoted port (its debug log's JSON.stringify throws): it is given every file but these.
DCLINT_CRASHERS = ("signoz",)
PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20
SAMPLE_SECONDS = 0.01
RESCAN_EVERY = 10  # samples between two searches of /proc for the session's members

PARSE_FLOOR = """
import sys, yaml
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as handle:
        try:
            list(yaml.load_all(handle.read(), Loader=yaml.CSafeLoader))
        except yaml.YAMLError:
            pass
"""

# What each tool does with the same files (measured for ../shared/reference/peers.md).
WORK = {
    "composelint": (
        "parses with positions (libyaml), interpolates .env and the environment, merges override "
        "files, extends and include, validates against the compose-spec schema, builds the project "
        "model and its network graph, runs every default rule, applies suppression comments"
    ),
    "compose-lint": (
        "merges override files, extends and include, interpolates .env; per-service security rules "
        "only: no schema validation, no network graph or cross-service rules; one process"
    ),
    "dclint": (
        "validates the schema (first error only; Ajv recompiles the schema for every file) and runs "
        "per-file rules that each re-parse the YAML; no interpolation, no merging of override files, "
        "extends or include, no graph; one process; skips the files that crash its run "
        f"({', '.join(DCLINT_CRASHERS)})"
    ),
}


@dataclass(frozen=True)
class Command:
    key: str  # stable name in the JSON
    label: str
    tool: str  # composelint, compose-lint, dclint or floor
    argv: tuple[str, ...]
    shown: str  # argv for people: file lists abbreviated
    files: int
    expected_exits: tuple[int, ...]
    env: dict[str, str] = field(default_factory=dict)
    fresh_cache: bool = False  # an empty composelint schema cache for each run


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_rss_mb: float  # the session's total
    largest_process_rss_mb: float  # the largest VmHWM (high-water mark) of one process
    exit_code: int


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    cwd: Path
    files: tuple[str, ...]  # relative to cwd
    commands: tuple[Command, ...]


class SessionSampler(threading.Thread):
    """Largest total RSS of the processes of one session, sampled from /proc while it runs, and the
    largest high-water mark of one of them.

    Not ``ru_maxrss``: Linux carries the high-water mark of the forked copy of this (large) benchmark
    process over the exec, so every command would weigh at least what the benchmark weighs.
    """

    def __init__(self, session: int) -> None:
        super().__init__(daemon=True)
        self.session = session
        self.peak_mb = 0.0
        self.largest_mb = 0.0
        self._done = threading.Event()

    def run(self) -> None:
        members = [self.session]
        tick = 0
        while True:
            if tick % RESCAN_EVERY == 0:
                members = self._members() or members
            self.peak_mb = max(self.peak_mb, sum(_rss_mb(pid) for pid in members))
            self.largest_mb = max([self.largest_mb, *(_high_water_mb(pid) for pid in members)])
            tick += 1
            if self._done.wait(SAMPLE_SECONDS):
                return

    def stop(self) -> None:
        self._done.set()
        self.join()

    def _members(self) -> list[int]:
        found = []
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as handle:
                    fields = handle.read().rsplit(b")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[3]) == self.session:  # state, ppid, pgrp, session
                found.append(int(entry.name))
        return found


def _high_water_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", "rb") as handle:
            for line in handle:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0.0


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * PAGE_MB
    except (OSError, IndexError, ValueError):
        return 0.0


def measure(command: Command, cwd: Path, output: Path) -> Run:
    env = {**os.environ, "NO_COLOR": "1", **command.env}
    cache = tempfile.mkdtemp(prefix="composelint-cache-") if command.fresh_cache else None
    if cache:
        env["COMPOSELINT_CACHE_DIR"] = cache
    try:
        with open(output, "wb") as stdout, open(output.with_suffix(".err"), "wb") as stderr:
            start = time.perf_counter()
            process = subprocess.Popen(
                command.argv, cwd=cwd, env=env, stdout=stdout, stderr=stderr, start_new_session=True
            )
            sampler = SessionSampler(process.pid)
            sampler.start()
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - start
            sampler.stop()
    finally:
        if cache:
            shutil.rmtree(cache, ignore_errors=True)
    process.returncode = code = os.waitstatus_to_exitcode(status)
    if code not in command.expected_exits:
        tail = output.with_suffix(".err").read_text(errors="replace")[-2000:]
        raise SystemExit(f"{command.label} exited {code} in {cwd}:\n{tail}")
    return Run(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=max(sampler.peak_mb, sampler.largest_mb),
        largest_process_rss_mb=sampler.largest_mb,
        exit_code=code,
    )


def reported(tool: str, output: Path) -> dict[str, int] | None:
    """What a run reported, to show that each tool did look at the files."""
    try:
        document = json.loads(output.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if tool == "composelint":
        return {"findings": len(document["findings"]), "files": document["summary"]["files"]}
    if tool == "compose-lint":
        return {
            "findings": len(document["findings"]),
            "errors": len(document["errors"]),
            "files": len({f["file"] for f in document["findings"]}),
        }
    if tool == "dclint":
        return {"findings": sum(len(f["messages"]) for f in document), "files": len(document)}
    return None


# -- setting up ----------------------------------------------------------------------------------------


def install_peers(directory: Path) -> tuple[Path, Path]:
    """compose-lint's executable and dclint's script, installed in ``directory`` unless already there."""
    venv = directory / "compose-lint"
    compose_lint = venv / "bin" / "compose-lint"
    name, version = COMPOSE_LINT.split("==")
    if _version([str(compose_lint), "--version"]) != f"{name} {version}":
        print(f"installing {COMPOSE_LINT} in {venv}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", COMPOSE_LINT],
            check=True,
        )
    npm_dir = directory / "dclint"
    dclint = npm_dir / "node_modules" / "dclint" / "bin" / "dclint.cjs"
    if _version(["node", str(dclint), "--version"]) != DCLINT.split("@")[1]:
        print(f"installing {DCLINT} in {npm_dir}", file=sys.stderr)
        npm_dir.mkdir(parents=True, exist_ok=True)
        (npm_dir / "package.json").write_text('{"name": "peers", "private": true}\n')
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent", DCLINT], cwd=npm_dir, check=True
        )
    return compose_lint, dclint


def _version(argv: list[str]) -> str | None:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def compose_files(directory: Path) -> list[str]:
    return sorted(
        str(p.relative_to(directory))
        for p in directory.rglob("*")
        if p.is_file() and p.suffix in (".yml", ".yaml") and not p.name.startswith(".")
    )


def replicate(corpus: Path, target: Path, count: int) -> list[str]:
    """``count`` compose files, the corpus's over and over, each in a directory (a project) of its own."""
    sources = compose_files(corpus)
    files = []
    for index in range(count):
        source = corpus / sources[index % len(sources)]
        directory = target / f"{index:05d}-{source.parent.name}"
        directory.mkdir(parents=True)
        for sibling in source.parent.iterdir():
            if sibling == source or (sibling.is_file() and sibling.name.startswith(".env")):
                shutil.copy2(sibling, directory / sibling.name)
        files.append(str((directory / source.name).relative_to(target)))
    return files


def _composelint_argv(explicit: str | None) -> tuple[str, ...]:
    if explicit:
        return (explicit,)
    script = Path(sys.executable).parent / "composelint"
    return (str(script),) if script.exists() else (sys.executable, "-m", "composelint")


def byte_compile_composelint() -> None:
    """Write the bytecode of the composelint this Python imports, as ``pip install`` does.

    An editable checkout run with PYTHONDONTWRITEBYTECODE (or after an edit) would otherwise compile
    its changed modules from source on every measured run, a cost no installed copy pays.
    """
    found = subprocess.run(
        [sys.executable, "-c", "import composelint, os; print(os.path.dirname(composelint.__file__))"],
        capture_output=True,
        text=True,
        check=False,
    )
    if found.returncode == 0 and found.stdout.strip():
        subprocess.run([sys.executable, "-m", "compileall", "-q", found.stdout.strip()], check=False)


def _shown(argv: Sequence[str], files: Sequence[str]) -> str:
    head = [Path(a).name if os.sep in a else a for a in argv]
    tail = list(files) if len(files) <= 1 else [f"<{len(files)} files>"]
    return " ".join([*head, *tail])


def build_scenarios(
    names: Sequence[str],
    workdir: Path,
    replicas: int,
    composelint: tuple[str, ...],
    warm_cache: Path,
    peers: tuple[Path, Path] | None,
) -> list[Scenario]:
    python = sys.executable
    warm = {"COMPOSELINT_CACHE_DIR": str(warm_cache)}
    scenarios = []
    for name in names:
        if name in ("single", "single-plain"):
            source = SINGLE_FILE if name == "single" else PLAIN_FILE
            cwd = workdir / name
            cwd.mkdir()
            shutil.copy2(CORPUS / source, cwd / "compose.yaml")
            files: list[str] = ["compose.yaml"]
            kind = "" if name == "single" else ", no data service"
            title = f"(a) one small file ({source}{kind}), cold process start to exit"
        elif name == "corpus":
            cwd = workdir / "corpus"
            shutil.copytree(CORPUS, cwd, ignore=shutil.ignore_patterns("*.md"))
            files = compose_files(cwd)
            title = f"(b) the corpus, {len(files)} files, one invocation"
        else:
            cwd = workdir / "replica"
            cwd.mkdir()
            files = replicate(CORPUS, cwd, replicas)
            title = f"(c) the corpus replicated to {len(files)} files, one invocation"
        check = (*composelint, "check", "--format", "json")
        commands = [
            Command(
                "composelint",
                "composelint",
                "composelint",
                (*check, *files),
                _shown(check, files),
                len(files),
                (0, 1),
                warm,
            )
        ]
        if name == "single-plain":
            commands[0] = dataclasses.replace(commands[0], label="composelint (warm cache)", files=1)
        if name == "single":
            commands[0] = Command(
                "composelint",
                "composelint (warm cache)",
                "composelint",
                (*check, *files),
                _shown(check, files),
                1,
                (0, 1),
                warm,
            )
            commands.append(
                Command(
                    "composelint-first-run",
                    "composelint (first run ever)",
                    "composelint",
                    (*check, *files),
                    _shown(check, files) + "  (empty COMPOSELINT_CACHE_DIR)",
                    1,
                    (0, 1),
                    fresh_cache=True,
                )
            )
            version = (*composelint, "--version")
            commands.append(
                Command(
                    "composelint-version",
                    "composelint --version",
                    "composelint",
                    version,
                    _shown(version, []),
                    0,
                    (0,),
                    warm,
                )
            )
        elif name != "single-plain":
            jobs1 = (*composelint, "check", "--format", "json", "--jobs", "1")
            commands.append(
                Command(
                    "composelint-jobs1",
                    "composelint --jobs 1",
                    "composelint",
                    (*jobs1, *files),
                    _shown(jobs1, files),
                    len(files),
                    (0, 1),
                    warm,
                )
            )
        if peers is not None:
            compose_lint, dclint = peers
            argv = (str(compose_lint), "check", "--format", "json")
            commands.append(
                Command(
                    "compose-lint",
                    "compose-lint 0.36.2",
                    "compose-lint",
                    (*argv, *files),
                    _shown(argv, files),
                    len(files),
                    (0, 1, 2),
                )
            )
            given = [f for f in files if not any(part in DCLINT_CRASHERS for part in Path(f).parts)]
            dc = ("node", str(dclint))
            commands.append(
                Command(
                    "dclint",
                    "dclint 3.1.0",
                    "dclint",
                    (*dc, *given, "-f", "json"),
                    " ".join(["node", "dclint.cjs", *_shown([], given).split(), "-f", "json"]),
                    len(given),
                    (0, 1),
                )
            )
        if name in ("single", "single-plain"):
            commands.append(
                Command(
                    "floor-python",
                    "floor: python -c pass",
                    "floor",
                    (python, "-c", "pass"),
                    "python -c pass",
                    0,
                    (0,),
                )
            )
            imports = (python, "-c", "import yaml, networkx, jsonschema")
            commands.append(
                Command(
                    "floor-imports",
                    "floor: import yaml, networkx, jsonschema",
                    "floor",
                    imports,
                    'python -c "import yaml, networkx, jsonschema"',
                    0,
                    (0,),
                )
            )
        else:
            commands.append(
                Command(
                    "floor-parse",
                    "floor: libyaml parse",
                    "floor",
                    (python, "-c", PARSE_FLOOR, *files),
                    f"python -c <yaml.load_all(CSafeLoader) each file> <{len(files)} files>",
                    len(files),
                    (0,),
                )
            )
        scenarios.append(Scenario(name, title, cwd, tuple(files), tuple(commands)))
    return scenarios


# -- running and reporting -------------------------------------------------------------------------------


def run_scenario(scenario: Scenario, runs: int, outdir: Path, log: Callable[[str], None]) -> dict[str, Any]:
    results: dict[str, list[Run]] = {c.key: [] for c in scenario.commands}
    counts: dict[str, dict[str, int] | None] = {}
    loads = []
    for round_index in range(runs):
        loads.append(os.getloadavg()[0])
        shift = round_index % len(scenario.commands)
        for command in scenario.commands[shift:] + scenario.commands[:shift]:
            output = outdir / f"{scenario.name}-{command.key}.json"
            run = measure(command, scenario.cwd, output)
            results[command.key].append(run)
            if command.key not in counts:
                counts[command.key] = reported(command.tool, output)
            log(
                f"  [{scenario.name} {round_index + 1}/{runs}] {command.label}: {run.wall:.2f} s, "
                f"{run.peak_rss_mb:.0f} MB, exit {run.exit_code}"
            )
    commands = {}
    for command in scenario.commands:
        walls = [r.wall for r in results[command.key]]
        wall = statistics.median(walls)
        commands[command.key] = {
            "label": command.label,
            "tool": command.tool,
            "command": command.shown,
            "files": command.files,
            "median_wall_s": round(wall, 4),
            "min_wall_s": round(min(walls), 4),
            "max_wall_s": round(max(walls), 4),
            "median_cpu_s": round(statistics.median(r.cpu for r in results[command.key]), 4),
            # A rate means little for one file: that scenario is about start-up.
            "files_per_s": round(command.files / wall, 1) if command.files > 1 else None,
            "median_peak_rss_mb": round(statistics.median(r.peak_rss_mb for r in results[command.key]), 1),
            "max_peak_rss_mb": round(max(r.peak_rss_mb for r in results[command.key]), 1),
            "exit_codes": sorted({r.exit_code for r in results[command.key]}),
            "reported": counts.get(command.key),
            "runs": [vars(r) for r in results[command.key]],
        }
    return {
        "title": scenario.title,
        "files": len(scenario.files),
        "load_average_1min": {"start_of_each_round": loads, "end": os.getloadavg()[0]},
        "commands": commands,
    }


def ratios(scenario: dict[str, Any]) -> dict[str, dict[str, float]]:
    """composelint / each other command: time, files per second, peak RSS (time < 1: composelint faster)."""
    commands = scenario["commands"]
    ours = commands["composelint"]
    out = {}
    for key, other in commands.items():
        if key == "composelint" or not other["median_wall_s"]:
            continue
        entry = {
            "time": round(ours["median_wall_s"] / other["median_wall_s"], 3),
            "cpu": round(ours["median_cpu_s"] / other["median_cpu_s"], 3) if other["median_cpu_s"] else None,
            "peak_rss": round(ours["max_peak_rss_mb"] / other["max_peak_rss_mb"], 3),
        }
        if ours["files_per_s"] and other["files_per_s"]:
            entry["files_per_s"] = round(ours["files_per_s"] / other["files_per_s"], 2)
            # Throughput per CPU second: what a busy machine distorts least (it ignores --jobs).
            entry["files_per_cpu_s"] = round(
                (ours["files"] / ours["median_cpu_s"]) / (other["files"] / other["median_cpu_s"]), 2
            )
        out[key] = entry
    return out


def targets(scenarios: dict[str, Any]) -> list[dict[str, Any]]:
    """The targets of the performance issue, each with the measured value and whether it is met."""
    checks = []

    def add(name: str, value: float | None, bound: float, at_least: bool, by_cpu: float | None) -> None:
        if value is None:
            return
        met = value >= bound if at_least else value <= bound
        checks.append(
            {
                "target": name,
                "value": round(value, 3),
                "bound": bound,
                "met": met,
                "same_ratio_in_cpu_time": by_cpu,
            }
        )

    for name in ("corpus", "replica"):
        if name not in scenarios:
            continue
        r = scenarios[name]["ratios"]
        for peer, bound in (("compose-lint", 3.0), ("dclint", 50.0)):
            if peer in r:
                add(
                    f"{name}: files/s vs {peer} (at least {bound:g}x)",
                    r[peer].get("files_per_s"),
                    bound,
                    True,
                    r[peer].get("files_per_cpu_s"),
                )
    if "single-plain" in scenarios and "compose-lint" in scenarios["single-plain"]["ratios"]:
        r = scenarios["single-plain"]["ratios"]["compose-lint"]
        add("single-plain: time / compose-lint (below 1)", r["time"], 0.999, False, r["cpu"])
    if "single" in scenarios:
        r = scenarios["single"]["ratios"]
        floor = r["floor-imports"]
        add("single: time / dependency floor (at most 1.3)", floor["time"], 1.3, False, floor["cpu"])
        if "dclint" in r:
            add("single: time / dclint (below 1)", r["dclint"]["time"], 0.999, False, r["dclint"]["cpu"])
    if "replica" in scenarios:
        rss = scenarios["replica"]["commands"]["composelint"]["max_peak_rss_mb"]
        add("replica: composelint peak RSS in MB (under 300)", rss, 300.0, False, None)
    return checks


def print_report(document: dict[str, Any]) -> None:
    for scenario in document["scenarios"].values():
        print(f"\n{scenario['title']}")
        print(
            f"  {'command':44} {'median s':>9} {'min-max s':>13} {'CPU s':>7} {'files/s':>8} {'peak MB':>8}"
        )
        for c in scenario["commands"].values():
            spread = f"{c['min_wall_s']:.2f}-{c['max_wall_s']:.2f}"
            rate = f"{c['files_per_s']:.0f}" if c["files_per_s"] else "-"
            print(
                f"  {c['label']:44} {c['median_wall_s']:9.3f} {spread:>13} {c['median_cpu_s']:7.2f} "
                f"{rate:>8} {c['max_peak_rss_mb']:8.0f}"
            )
        for key, r in scenario["ratios"].items():
            label = scenario["commands"][key]["label"]
            rate = f", files/s {r['files_per_s']:.2f}x" if "files_per_s" in r else ""
            cpu = f", CPU {r['cpu']:.2f}x" if r["cpu"] else ""
            print(f"  composelint / {label}: time {r['time']:.2f}x{rate}{cpu}, peak RSS {r['peak_rss']:.2f}x")
        loads = scenario["load_average_1min"]["start_of_each_round"]
        print(f"  load average (1 min) at the start of each round: {', '.join(f'{v:.1f}' for v in loads)}")
    print("\ntargets:")
    for t in document["targets"]:
        cpu = t["same_ratio_in_cpu_time"]
        print(
            f"  {'met    ' if t['met'] else 'NOT MET'}  {t['target']}: {t['value']}"
            + (f" (in CPU time: {cpu})" if cpu is not None else "")
        )


def environment() -> dict[str, Any]:
    def out(argv: list[str]) -> str | None:
        try:
            return subprocess.run(argv, capture_output=True, text=True, check=False, cwd=ROOT).stdout.strip()
        except OSError:
            return None

    dirty = out(["git", "status", "--porcelain", "--", "composelint"])
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "node": out(["node", "--version"]),
        "composelint_commit": out(["git", "rev-parse", "--short", "HEAD"]),
        "composelint_uncommitted_changes": bool(dirty),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--runs", type=int, default=5, help="rounds per scenario (default 5)")
    parser.add_argument(
        "--scenarios", default="single,single-plain,corpus,replica", help="comma-separated subset"
    )
    parser.add_argument("--replicas", type=int, default=5000, help="files in the replica scenario")
    parser.add_argument("--no-peers", action="store_true", help="only composelint and the floors")
    parser.add_argument(
        "--peers-dir", type=Path, default=HERE / ".peers", help="where the peers are installed"
    )
    parser.add_argument("--composelint", help="composelint executable (default: the one beside this Python)")
    parser.add_argument("--output", type=Path, help="JSON file (default: benchmarks/results/<time>.json)")
    parser.add_argument("--save-latest", action="store_true", help="also write benchmarks/latest.json")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.scenarios.split(",") if n.strip()]
    unknown = set(names) - {"single", "single-plain", "corpus", "replica"}
    if unknown or not names:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown)) or '(none)'}")
    if not CORPUS.is_dir():
        parser.error(f"the corpus is missing: {CORPUS}")
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    output = args.output or HERE / "results" / f"{stamp}.json"
    peers = None if args.no_peers else install_peers(args.peers_dir)
    composelint = _composelint_argv(args.composelint)
    if not args.composelint:
        byte_compile_composelint()

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    document: dict[str, Any] = {
        "environment": environment(),
        "runs": args.runs,
        "work": WORK,
        "scenarios": {},
    }
    with tempfile.TemporaryDirectory(prefix="composelint-bench-") as tmp:
        workdir = Path(tmp)
        warm_cache = workdir / "cache"
        scenarios = build_scenarios(names, workdir, args.replicas, composelint, warm_cache, peers)
        # Fill the warm cache once, unmeasured.
        first = scenarios[0]
        subprocess.run(
            [*composelint, "check", "--format", "json", first.files[0]],
            cwd=first.cwd,
            check=False,
            env={**os.environ, "COMPOSELINT_CACHE_DIR": str(warm_cache)},
            stdout=subprocess.DEVNULL,
        )
        outdir = workdir / "out"
        outdir.mkdir()
        for scenario in scenarios:
            log(f"{scenario.title}: {len(scenario.commands)} commands x {args.runs} rounds")
            result = run_scenario(scenario, args.runs, outdir, log)
            result["ratios"] = ratios(result)
            document["scenarios"][scenario.name] = result
            document["targets"] = targets(document["scenarios"])
            _write(output, document)  # after each scenario: a long run stopped early keeps its results
    print_report(document)
    if args.save_latest:
        _write(HERE / "latest.json", document)
    return 0


def _write(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
