"""Every rule ships a violating and a clean fixture, and a snapshot of its text output.

In ``tests/fixtures/<ID>/``:

- ``bad.yaml`` or a ``bad/`` directory holding a whole project, plus any number of further cases
  ``bad-<case>.yaml`` / ``bad-<case>/`` (one per sub-case the rule knows, when they cannot share a
  file: a load error hides the rest of a file, a profile must be active...). Each case must produce at
  least one finding of the rule; together they must produce exactly ``bad.expected.txt``, positions
  included, cases in name order.
- ``good.yaml`` or ``good/``, plus optional ``good-<case>.yaml`` / ``good-<case>/``: no finding of the rule.
- ``fix-before.yaml`` / ``fix-after.yaml`` (fixable rules): what ``--fix --unsafe-fixes`` makes of
  the one, committed as the other (tests/test_fix.py).
- ``args.txt``: command-line arguments for every case, one per line; ``<case>.args.txt`` adds some for
  one case (``bad-profile.args.txt`` for ``bad-profile.yaml``).

Run with ``UPDATE_SNAPSHOTS=1`` to rewrite the snapshots after a deliberate change, then review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from composelint.cli import main
from composelint.registry import Registry
from composelint.rule import Rule

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
# Rules whose violation cannot come from a compose file, each tested elsewhere.
WITHOUT_FIXTURES = {
    "CL100": "a rule crash; tests/test_engine.py makes a rule crash on purpose",
}
RULES = [r for r in Registry.default(with_plugins=False).rules if r.id not in WITHOUT_FIXTURES]


def _cases(rule_id: str, kind: str) -> list[Path]:
    """The fixture cases of one kind ("bad" or "good"), main case first, then the others by name."""
    directory = FIXTURES / rule_id
    main_cases = [c for c in (directory / kind, directory / f"{kind}.yaml") if c.exists()]
    if not main_cases:
        raise AssertionError(f"missing fixture tests/fixtures/{rule_id}/{kind}.yaml (or {kind}/)")
    others = sorted(path for path in directory.glob(f"{kind}-*") if path.is_dir() or path.suffix == ".yaml")
    return main_cases + others


def _arguments(case: Path) -> list[str]:
    arguments: list[str] = []
    stem = case.name.removesuffix(".yaml")
    for args_file in (case.parent / "args.txt", case.parent / f"{stem}.args.txt"):
        if args_file.exists():
            arguments.extend(line.strip() for line in args_file.read_text().splitlines() if line.strip())
    return arguments


def _findings(
    rule_id: str, case: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[list[str], str]:
    """The text report lines of ``rule_id`` for one case, and the whole output."""
    monkeypatch.chdir(case.parent)
    main(
        [
            "check",
            "--select",
            rule_id,
            "--format",
            "text",
            "--no-color",
            "--jobs",
            "1",
            *_arguments(case),
            case.name,
        ]
    )
    # Absolute paths in messages would tie snapshots to one checkout.
    output = capsys.readouterr().out.replace(str(ROOT), "<repo>")
    return [line for line in output.splitlines() if line.split(" ", 2)[1:2] == [rule_id]], output


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_bad_fixture_matches_snapshot(
    rule: type[Rule], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    reports: list[str] = []
    for case in _cases(rule.id, "bad"):
        found, output = _findings(rule.id, case, capsys, monkeypatch)
        assert found, f"{rule.id} found nothing in tests/fixtures/{rule.id}/{case.name}:\n{output}"
        # The whole text report, as a person reads it: code frames, help, counts and verdict.
        reports.append(f"$ composelint check {case.name}\n{output}")
    snapshot = FIXTURES / rule.id / "bad.expected.txt"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        snapshot.write_text("\n".join(reports))
    assert snapshot.exists(), f"missing snapshot {snapshot}; run with UPDATE_SNAPSHOTS=1 and review it"
    assert "\n".join(reports) == snapshot.read_text()


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_good_fixture_is_clean(
    rule: type[Rule], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for case in _cases(rule.id, "good"):
        found, output = _findings(rule.id, case, capsys, monkeypatch)
        assert not found, f"tests/fixtures/{rule.id}/{case.name}:\n{output}"
        assert "No problems found" in output, f"tests/fixtures/{rule.id}/{case.name}:\n{output}"


def test_every_fixture_file_belongs_to_a_case() -> None:
    """A misnamed case (``bad_profile.yaml``, ``bad-x.yml``) would silently never run."""
    known = {r.id for r in RULES}
    strays = []
    for directory in FIXTURES.iterdir():
        if directory.name not in known:
            if directory.is_dir() and directory.name not in WITHOUT_FIXTURES:
                strays.append(f"{directory.name}/ (no such rule)")
            continue
        for path in directory.iterdir():
            name = path.name
            if name in ("args.txt", "bad.expected.txt") or name.endswith(".args.txt"):
                continue
            if name in ("fix-before.yaml", "fix-after.yaml"):
                continue  # tests/test_fix.py runs the rule's fix on them
            is_case = name in ("bad", "good", "bad.yaml", "good.yaml") or (
                name.startswith(("bad-", "good-")) and (path.is_dir() or name.endswith(".yaml"))
            )
            if not is_case:
                strays.append(f"{directory.name}/{name}")
    assert not strays, f"fixture files that no case uses: {strays}"
