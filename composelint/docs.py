"""Rule documentation rendered from rule metadata: `composelint rule`, `rules/*.md`, the README table."""

from __future__ import annotations

from composelint.registry import Registry
from composelint.rule import Rule

DOCS_BASE_URL = "https://github.com/composelint/composelint/blob/main/rules"


def page_name(rule: type[Rule]) -> str:
    return f"{rule.id}-{rule.name}.md"


def help_uri(rule: type[Rule]) -> str:
    return f"{DOCS_BASE_URL}/{page_name(rule)}"


def options_section(rule: type[Rule]) -> str:
    if not rule.options:
        return "This rule has no options."
    lines = ["| option | type | default | meaning |", "|---|---|---|---|"]
    for name, option in rule.options.items():
        default = repr(option.default) if not isinstance(option.default, str) else f'"{option.default}"'
        lines.append(f"| `{name}` | {option.type.__name__} | `{default}` | {option.help} |")
    return "\n".join(lines)


def fix_text(rule: type[Rule]) -> str:
    """Whether and how the rule fixes: "safe — ...", "unsafe (--unsafe-fixes) — ...", or "none"."""
    if rule.fix_safety == "safe":
        head = "safe (`--fix`)"
    elif rule.fix_safety == "unsafe":
        head = "unsafe (`--fix --unsafe-fixes`: it changes what the project does)"
    else:
        head = "none"
    return f"{head} — {rule.fix_summary}" if rule.fix_summary else head


def rule_page(rule: type[Rule]) -> str:
    """The full Markdown page of a rule."""
    state = "on by default" if rule.enabled_by_default else "off by default (enable with `--extend-select`)"
    header = [
        f"# {rule.id} `{rule.name}`",
        "",
        f"{rule.summary}.",
        "",
        f"- **Family:** {rule.family()} ({rule.id[:3]}xx)",
        f"- **Default severity:** {rule.severity.value}",
        f"- **Enabled:** {state}",
        f"- **Fix:** {fix_text(rule)}",
        "",
    ]
    body = rule.docs().split("\n", 1)[1].strip() if "\n" in rule.docs() else ""
    return "\n".join(header) + "\n" + body + "\n\n## Options\n\n" + options_section(rule) + "\n"


def rules_table(registry: Registry, link: bool = False) -> str:
    lines = [
        "| id | name | family | severity | default | fix | summary |",
        "|---|---|---|---|---|---|---|",
    ]
    for rule in registry.rules:
        name = f"[`{rule.name}`](rules/{page_name(rule)})" if link else f"`{rule.name}`"
        lines.append(
            f"| {rule.id} | {name} | {rule.family()} | {rule.severity.value} | "
            f"{'on' if rule.enabled_by_default else 'off'} | {rule.fix_safety or 'no'} | {rule.summary} |"
        )
    return "\n".join(lines) + "\n"


README_START = "<!-- rules-table:start -->"
README_END = "<!-- rules-table:end -->"


def expected_pages(registry: Registry) -> dict[str, str]:
    """File name -> content of every rule page under `rules/`."""
    return {page_name(rule): rule_page(rule) for rule in registry.rules}


def readme_with_table(readme: str, registry: Registry) -> str:
    """The README with its generated rule table refreshed (unchanged if it has no markers)."""
    start, end = readme.find(README_START), readme.find(README_END)
    if start < 0 or end < start:
        return readme
    return readme[: start + len(README_START)] + "\n" + rules_table(registry, link=True) + readme[end:]


def main(argv: list[str] | None = None) -> int:
    """Regenerate `rules/*.md` and the README rule table: `python -m composelint.docs [REPO_DIR]`."""
    import sys
    from pathlib import Path

    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) if args else Path.cwd()
    registry = Registry.default(with_plugins=False)
    pages_dir = root / "rules"
    pages_dir.mkdir(exist_ok=True)
    expected = expected_pages(registry)
    for stale in pages_dir.glob("*.md"):
        if stale.name not in expected:
            stale.unlink()
    for name, content in expected.items():
        path = pages_dir / name
        if not path.exists() or path.read_text() != content:
            path.write_text(content)
    readme = root / "README.md"
    if readme.exists():
        readme.write_text(readme_with_table(readme.read_text(), registry))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
