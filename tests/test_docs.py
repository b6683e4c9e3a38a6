"""Rule reference pages are generated from rule metadata and must be fresh."""

from __future__ import annotations

from pathlib import Path

import pytest

from composelint.docs import README_END, README_START, expected_pages, readme_with_table, rule_page
from composelint.registry import Registry
from composelint.rule import REQUIRED_SECTIONS, Rule

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = Registry.default(with_plugins=False)
REGENERATE = "run `python -m composelint.docs` and commit the result"


@pytest.mark.parametrize("rule", REGISTRY.rules, ids=lambda r: r.id)
def test_rule_docs_have_the_required_sections(rule: type[Rule]) -> None:
    sections = rule.doc_sections()
    missing = [s for s in REQUIRED_SECTIONS if not sections.get(s)]
    assert not missing, f"{rule.id} docstring lacks {missing}"
    assert rule.summary and not rule.summary.endswith(".")


def test_every_rule_page_exists_and_is_fresh() -> None:
    pages = ROOT / "rules"
    expected = expected_pages(REGISTRY)
    present = {p.name for p in pages.glob("*.md")}
    assert present == set(expected), f"pages missing or extra: {sorted(present ^ set(expected))}; {REGENERATE}"
    for name, content in expected.items():
        assert (pages / name).read_text() == content, f"rules/{name} is stale; {REGENERATE}"


def test_readme_rule_table_is_fresh() -> None:
    readme = (ROOT / "README.md").read_text()
    assert README_START in readme and README_END in readme
    assert readme_with_table(readme, REGISTRY) == readme, f"the README rule table is stale; {REGENERATE}"


def test_page_shows_metadata_and_options() -> None:
    page = rule_page(REGISTRY.by_name["bind-mount-in-production"])
    assert page.startswith("# CL301 `bind-mount-in-production`")
    assert "**Default severity:** warning" in page
    assert "## Why is this bad?" in page
    assert "| `allowed` | list |" in page
