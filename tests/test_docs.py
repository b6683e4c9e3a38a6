"""Rule reference pages are generated from rule metadata and must be fresh."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import pytest

from composelint.cli import main
from composelint.compose.discovery import ProjectSpec
from composelint.docs import README_END, README_START, expected_pages, readme_with_table, rule_page
from composelint.engine import RunOptions, lint_project
from composelint.finding import Severity
from composelint.registry import Registry
from composelint.rule import REQUIRED_SECTIONS, Option, Rule
from composelint.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
# Every built-in rule, whatever its family: a new rule without a page fails here.
REGISTRY = Registry.default(with_plugins=False)
REGENERATE = "run `python -m composelint.docs` and commit the result"


@pytest.mark.parametrize("rule", REGISTRY.rules, ids=lambda r: r.id)
def test_rule_docs_have_the_required_sections(rule: type[Rule]) -> None:
    sections = rule.doc_sections()
    missing = [s for s in REQUIRED_SECTIONS if not sections.get(s)]
    assert not missing, f"{rule.id} docstring lacks {missing}"
    assert rule.docs().splitlines()[0].strip(), f"{rule.id} docstring has no one-line description"
    assert rule.summary and not rule.summary.endswith("."), f"{rule.id} summary: one line, no final period"


# Rules whose documented example is not one compose file that shows the problem by itself.
NOT_ONE_FILE = {
    "CL100": "an internal error has no example file",
    "CL106": "the fix is to set the variable",
    "CL114": "the example is an env file",
    "CL116": "the path must escape a repository root",
    "CL117": "the fix is a smaller file or a configured limit",
    "CL119": "reported by `check --report-unused-suppressions` (tests/test_suppress.py)",
    "CL212": "cross-project: the example is several projects on one host (tests/test_host.py)",
    "CL303": "cross-project: the example is several projects on one host (tests/test_host.py)",
}


@pytest.mark.parametrize("rule", [r for r in REGISTRY.rules if r.id not in NOT_ONE_FILE], ids=lambda r: r.id)
def test_documented_example_is_reported_and_its_fix_is_clean(rule: type[Rule], tmp_path: Path) -> None:
    sections = rule.doc_sections()
    for section, reported in (("Example", True), ("Use instead", False)):
        example = re.search(r"```yaml\n(.*?)```", sections[section], re.DOTALL)
        assert example is not None, f"{rule.id}: no yaml block in {section}"
        (tmp_path / "compose.yaml").write_text(example.group(1))
        spec = ProjectSpec((str(tmp_path / "compose.yaml"),))
        options = RunOptions(environ={}, cwd=str(tmp_path))
        found = lint_project(spec, Settings(select=(rule.id,)), options).findings
        assert any(f.rule_id == rule.id for f in found) is reported, f"{rule.id} {section}: {found}"


def test_every_rule_page_exists_and_is_fresh() -> None:
    pages = ROOT / "rules"
    expected = expected_pages(REGISTRY)
    present = {p.name for p in pages.glob("*.md")}
    assert present == set(expected), (
        f"pages missing or extra: {sorted(present ^ set(expected))}; {REGENERATE}"
    )
    stale = [name for name, content in expected.items() if (pages / name).read_text() != content]
    assert not stale, f"stale pages {stale}; {REGENERATE}"


def test_readme_rule_table_is_fresh() -> None:
    readme = (ROOT / "README.md").read_text()
    assert README_START in readme and README_END in readme
    assert readme_with_table(readme, REGISTRY) == readme, f"the README rule table is stale; {REGENERATE}"


class Documented(Rule):
    """Reports documented things (a test rule).

    ## What it does
    Reports things.

    ## Why is this bad?
    Things are bad.

    ## Example
    ```yaml
    services: {}
    ```

    ## Use instead
    Nothing.
    """

    id = "XT701"
    name = "documented-rule"
    severity = Severity.WARNING
    summary = "Reports documented things"
    enabled_by_default = False
    options: ClassVar[dict[str, Option]] = {
        "allowed": Option(list, [], "services that may do it"),
        "mode": Option(str, "strict", "how strict"),
    }


def test_page_shows_metadata_sections_and_options() -> None:
    page = rule_page(Documented)
    assert page.splitlines()[:3] == ["# XT701 `documented-rule`", "", "Reports documented things."]
    assert "- **Default severity:** warning" in page
    assert "- **Enabled:** off by default (enable with `--extend-select`)" in page
    assert page.index("## What it does") < page.index("## Why is this bad?") < page.index("## Example")
    assert page.index("## Use instead") < page.index("## Options")
    assert "| `allowed` | list | `[]` | services that may do it |" in page
    assert '| `mode` | str | `"strict"` | how strict |' in page
    assert "This rule has no options." in rule_page(REGISTRY.by_id["CL104"])


def test_the_generator_writes_every_page_and_removes_stale_ones(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "CL999-gone.md").write_text("# an old rule\n")
    (tmp_path / "rules" / "CL104-undefined-reference.md").write_text("stale\n")
    (tmp_path / "README.md").write_text(
        f"# composelint\n\n{README_START}\nold table\n{README_END}\n\nMore.\n"
    )
    subprocess.run([sys.executable, "-m", "composelint.docs", str(tmp_path)], check=True)
    expected = expected_pages(REGISTRY)
    assert {p.name: p.read_text() for p in (tmp_path / "rules").glob("*.md")} == expected
    readme = (tmp_path / "README.md").read_text()
    assert (
        "old table" not in readme
        and "| CL104 | [`undefined-reference`](rules/CL104-undefined-reference.md) |" in readme
    )
    assert readme.endswith(f"{README_END}\n\nMore.\n")


def _yaml_block(section: str) -> str | None:
    match = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    return match.group(1) if match else None


CROSS_PROJECT = ("CL212", "CL303")  # their examples are pieces of several projects


@pytest.mark.parametrize("rule", [r for r in REGISTRY.rules if r.id not in CROSS_PROJECT], ids=lambda r: r.id)
def test_rule_examples_do_what_the_page_says(
    rule: type[Rule], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The "Example" of a page is reported by its rule; "Use instead" is not (every rule enabled)."""
    (tmp_path / ".git").mkdir()  # a repository, so paths leaving it are unsafe as in a real checkout
    monkeypatch.chdir(tmp_path)
    for section, reported in (("Example", True), ("Use instead", False)):
        text = _yaml_block(rule.doc_sections().get(section, ""))
        if text is None:
            continue
        compose = tmp_path / section.replace(" ", "-") / "compose.yaml"
        compose.parent.mkdir()
        compose.write_text(text)
        main(
            [
                "check",
                "--select",
                "ALL",
                "--report-unused-suppressions",
                "--format",
                "json",
                "--jobs",
                "1",
                str(compose),
            ]
        )
        found = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["rule"] == rule.id]
        assert bool(found) is reported, f"{rule.id} {section}: {found}"
