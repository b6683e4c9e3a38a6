"""Per-rule finding counts over the shared corpus, and the findings of chosen rules to read.

    python benchmarks/corpus_review.py                    # counts, default rules
    python benchmarks/corpus_review.py --select ALL       # counts, every rule
    python benchmarks/corpus_review.py --show CL415       # and each CL415 finding with its line
    python benchmarks/corpus_review.py --save before.json
    python benchmarks/corpus_review.py --compare before.json   # what changed, rule by rule

The corpus is checked as `tests/test_corpus.py` checks it: one `composelint check --format json`
run from an empty working directory, with an empty environment, so the counts are the ones that
test pins. ``--source DIR`` runs another checkout (a `git worktree` of an older commit).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def _report(select: str | None, source: Path | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as home:
        env = {"PATH": "/usr/bin:/bin", "HOME": home, "COMPOSELINT_CACHE_DIR": f"{home}/cache"}
        if source is not None:
            env["PYTHONPATH"] = str(source)
        arguments = [sys.executable, "-m", "composelint", "check", "--format", "json", str(CORPUS)]
        if select:
            arguments += ["--select", select]
        result = subprocess.run(arguments, capture_output=True, text=True, cwd=home, env=env, check=False)
    if result.returncode not in (0, 1):
        sys.exit(f"composelint exited {result.returncode}: {result.stderr.strip()}")
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def _counts(report: dict[str, Any]) -> dict[str, dict[str, int]]:
    """rule -> {"name": ..., severity: count, "total": count}."""
    counts: dict[str, Counter[str]] = {}
    names: dict[str, str] = {}
    for finding in report["findings"]:
        counts.setdefault(finding["rule"], Counter())[finding["severity"]] += 1
        names[finding["rule"]] = finding["name"]
    return {
        rule: {"name": names[rule], **dict(by_severity), "total": sum(by_severity.values())}  # type: ignore[dict-item]
        for rule, by_severity in sorted(counts.items())
    }


def _print_counts(counts: dict[str, dict[str, Any]], report: dict[str, Any]) -> None:
    total = sum(c["total"] for c in counts.values())
    print(f"{total} findings in {report['summary']['files']} files\n")
    for rule, entry in counts.items():
        severities = ", ".join(f"{entry[s]} {s}" for s in ("error", "warning", "info") if entry.get(s))
        share = 100 * entry["total"] / total if total else 0
        print(f"{rule} {entry['name']:<40} {entry['total']:>5}  {share:5.1f}%  ({severities})")


def _print_changes(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> int:
    changed = 0
    for rule in sorted(set(before) | set(after)):
        old = before.get(rule, {}).get("total", 0)
        new = after.get(rule, {}).get("total", 0)
        if old != new:
            changed += 1
            name = (after.get(rule) or before[rule])["name"]
            print(f"{rule} {name:<40} {old:>5} -> {new:<5} ({new - old:+d})")
    if not changed:
        print("no rule's count changed")
    return changed


def _show(report: dict[str, Any], rules: set[str]) -> None:
    for finding in report["findings"]:
        if finding["rule"] not in rules:
            continue
        path = Path(finding["path"])
        try:
            line = path.read_text(encoding="utf-8", errors="replace").splitlines()[finding["line"] - 1]
        except (OSError, IndexError):
            line = ""
        where = path.relative_to(CORPUS) if path.is_relative_to(CORPUS) else path
        print(f"{where}:{finding['line']}:{finding['column']} {finding['rule']} {finding['message']}")
        print(f"    {line.strip()}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--select", help="rules to run (default: the default rules)")
    parser.add_argument("--show", default="", help="comma-separated rules whose findings to print")
    parser.add_argument("--save", type=Path, help="write the counts to this JSON file")
    parser.add_argument("--compare", type=Path, help="counts saved earlier with --save to compare with")
    parser.add_argument("--source", type=Path, help="checkout to run instead of this one")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        sys.exit(f"{CORPUS} is not beside this checkout")
    report = _report(args.select, args.source)
    counts = _counts(report)
    _print_counts(counts, report)
    if args.show:
        print()
        _show(report, {r.strip() for r in args.show.split(",") if r.strip()})
    if args.save:
        args.save.write_text(json.dumps(counts, indent=1) + "\n", encoding="utf-8")
    if args.compare:
        print()
        _print_changes(json.loads(args.compare.read_text(encoding="utf-8")), counts)
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except BrokenPipeError:  # `| head`: the reader has what it wanted
        sys.stderr.close()
        raise SystemExit(0) from None
