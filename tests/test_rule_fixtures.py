"""Every rule ships a violating and a clean fixture, and a snapshot of its text output.

``tests/fixtures/<ID>/bad.yaml`` (or a ``bad/`` directory holding a whole project) must produce
exactly the findings in ``bad.expected.txt``, positions included; ``good.yaml`` (or ``good/``) must
produce none for that rule. An optional ``args.txt`` adds command-line arguments (one per line).
Run with ``UPDATE_SNAPSHOTS=1`` to rewrite the snapshots after a deliberate change, then review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from composelint.cli import main
from composelint.registry import Registry
from composelint.rule import Rule

FIXTURES = Path(__file__).parent / "fixtures"
# Rules whose violation cannot come from a compose file, each tested elsewhere.
WITHOUT_FIXTURES = {
    "CL100": "a rule crash; tests/test_engine.py makes a rule crash on purpose",
}
RULES = [r for r in Registry.default(with_plugins=False).rules]


def _case(rule_id: str, kind: str) -> Path:
    directory = FIXTURES / rule_id
    for candidate in (directory / kind, directory / f"{kind}.yaml"):
        if candidate.exists():
            return candidate
    raise AssertionError(f"missing fixture tests/fixtures/{rule_id}/{kind}.yaml (or {kind}/)")


def _run(
    rule_id: str, target: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> str:
    monkeypatch.chdir(target.parent)
    extra_file = target.parent / "args.txt"
    extra = extra_file.read_text().split() if extra_file.exists() else []
    main(["check", "--select", rule_id, "--format", "text", "--no-color", "--jobs", "1", *extra, target.name])
    out = capsys.readouterr().out
    return out


@pytest.mark.parametrize("rule", [r for r in RULES if r.id not in WITHOUT_FIXTURES], ids=lambda r: r.id)
def test_bad_fixture_matches_snapshot(
    rule: type[Rule], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = _case(rule.id, "bad")
    output = _run(rule.id, bad, capsys, monkeypatch)
    lines = [line for line in output.splitlines() if f" {rule.id} [" in line]
    assert lines, f"{rule.id} found nothing in its bad fixture:\n{output}"
    snapshot = bad.parent / "bad.expected.txt"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        snapshot.write_text("\n".join(lines) + "\n")
    assert snapshot.exists(), f"missing snapshot {snapshot}; run with UPDATE_SNAPSHOTS=1 and review it"
    assert "\n".join(lines) + "\n" == snapshot.read_text()


@pytest.mark.parametrize("rule", [r for r in RULES if r.id not in WITHOUT_FIXTURES], ids=lambda r: r.id)
def test_good_fixture_is_clean(
    rule: type[Rule], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    good = _case(rule.id, "good")
    output = _run(rule.id, good, capsys, monkeypatch)
    assert f" {rule.id} [" not in output, output
    assert "No problems found" in output
