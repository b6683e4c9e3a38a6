"""The README: its commands, snippets and examples agree with the code, and its generated parts are fresh.

`UPDATE_SNAPSHOTS=1 pytest tests/test_readme.py` regenerates the rule table and the example output.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest
import yaml

import composelint.registry as registry_module
from composelint.cli import main
from composelint.docs import readme_with_table
from composelint.registry import ENTRY_POINT_GROUP, Registry
from composelint.rule import REQUIRED_SECTIONS

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
EXAMPLE_START, EXAMPLE_END = "<!-- example-output:start -->", "<!-- example-output:end -->"
EXAMPLE_COMMAND = ["check", "examples/leaky"]
REGENERATE = "run `UPDATE_SNAPSHOTS=1 pytest tests/test_readme.py` and review the diff"


def fenced(text: str, language: str) -> list[str]:
    """The contents of the code blocks in ``language``, in order (``` and ```` fences)."""
    pattern = rf"^(`{{3,}}){language}\n(.*?)^\1$"
    return [m[2] for m in re.finditer(pattern, text, re.MULTILINE | re.DOTALL)]


def section(heading: str) -> str:
    start = README.index(f"\n## {heading}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end >= 0 else len(README)]


def compose_findings(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> list[tuple[str, int, int]]:
    (project / ".git").mkdir(exist_ok=True)  # the repository root: no configuration file above it is read
    monkeypatch.chdir(project)
    capsys.readouterr()
    code = main(["check", "--format", "json", *args])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    return [(f["rule"], f["line"], f["column"]) for f in json.loads(out)["findings"]]


def with_example_output(readme: str, output: str) -> str:
    start, end = readme.index(EXAMPLE_START) + len(EXAMPLE_START), readme.index(EXAMPLE_END)
    return f"{readme[:start]}\n```text\n{output}```\n{readme[end:]}"


def test_quick_start_commands_come_first_and_ci_runs_the_test_command() -> None:
    blocks = [m[1].strip() for m in re.finditer(r"^```\w*\n(.*?)^```$", README, re.MULTILINE | re.DOTALL)]
    first, second = blocks[:2]
    quick_start = fenced(section("Quick start"), "sh")
    assert [first, second] == [block.strip() for block in quick_start]
    assert "pip install ." in first and first.endswith("composelint check examples/")
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert second in ci_lines, f".ci/run does not run the README's test command: {second}"


def test_generated_parts_are_fresh(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    main(EXAMPLE_COMMAND)
    expected = readme_with_table(
        with_example_output(README, capsys.readouterr().out), Registry.default(with_plugins=False)
    )
    if expected != README and os.environ.get("UPDATE_SNAPSHOTS") == "1":
        (ROOT / "README.md").write_text(expected)
        pytest.skip("README.md regenerated")
    assert expected == README, f"the README's rule table or example output is stale; {REGENERATE}"


def test_example_shown_is_the_bundled_file() -> None:
    (shown,) = fenced(section("What it catches that other linters miss"), "yaml")
    assert shown in (ROOT / "examples" / "leaky" / "compose.yaml").read_text()


def test_every_pre_commit_hook_is_documented() -> None:
    hook_ids = {hook["id"] for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    (snippet,) = fenced(section("pre-commit"), "yaml")
    documented = {hook["id"] for repo in yaml.safe_load(snippet)["repos"] for hook in repo["hooks"]}
    assert hook_ids <= documented


def test_action_snippet_and_input_table_match_action_yml() -> None:
    text = section("GitHub Action")
    (workflow,) = fenced(text, "yaml")
    steps = yaml.safe_load(workflow)["jobs"]["composelint"]["steps"]
    (ours,) = [s for s in steps if s.get("uses", "").startswith("composelint/composelint@")]
    assert set(ours["with"]) <= set(ACTION["inputs"])
    rows = re.findall(r"^\| `([\w-]+)` \|\s*`?([^|`]*?)`?\s*\|", text, re.MULTILINE)
    assert dict(rows) == {name: spec["default"] for name, spec in ACTION["inputs"].items()}


def test_configuration_examples_are_valid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = section("Configuration")
    (yaml_example,) = fenced(text, "yaml")
    (toml_example,) = fenced(text, "toml")
    (tmp_path / ".composelint.yaml").write_text(yaml_example)
    (tmp_path / "pyproject.toml").write_text(toml_example)
    monkeypatch.chdir(tmp_path)
    for name in (".composelint.yaml", "pyproject.toml"):
        capsys.readouterr()
        assert main(["check", "--config", name, "--show-settings"]) == 0, capsys.readouterr().err
        shown = yaml.safe_load(capsys.readouterr().out)
        assert shown["fail-level"] == "error" and shown["isolation"] == {"db": ["app"]}


def test_suppression_example_silences_its_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (example,) = fenced(section("Suppressions"), "yaml")
    (tmp_path / "compose.yaml").write_text(example)
    assert ("CL202", 5, 9) not in compose_findings(tmp_path, monkeypatch, capsys)
    (tmp_path / "compose.yaml").write_text(example.split("  #")[0] + "\n")
    assert ("CL202", 5, 9) in compose_findings(tmp_path, monkeypatch, capsys)


def test_plugin_example_loads_from_its_entry_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = section("Writing a plugin rule")
    (code,) = fenced(text, "python")
    ((group, entries),) = tomllib.loads(fenced(text, "toml")[0])["project"]["entry-points"].items()
    ((name, value),) = entries.items()
    assert group == ENTRY_POINT_GROUP
    module = value.split(":")[0]
    (tmp_path / "plugin").mkdir()
    (tmp_path / "plugin" / f"{module}.py").write_text(code)
    # Installed as pip installs it: a dist-info directory with the entry point, on sys.path.
    info = tmp_path / "plugin" / "acme_rules-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-rules\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[{group}]\n{name} = {value}\n")
    monkeypatch.syspath_prepend(tmp_path / "plugin")
    registry_module._plugins.cache_clear()
    try:
        rule = Registry.default().lookup("internal-registry")
        assert rule is not None and not Registry.plugin_failures()
        assert all(rule.doc_sections().get(s) for s in REQUIRED_SECTIONS)
        project = tmp_path / "project"
        project.mkdir()
        (project / "compose.yaml").write_text(
            "services:\n  web:\n    image: nginx:1.27.1\n  api:\n    image: registry.acme.example/api:2.0.0\n"
        )
        assert compose_findings(project, monkeypatch, capsys, "--select", "internal-registry") == [
            (rule.id, 3, 12)
        ]
        (project / ".composelint.yaml").write_text('options:\n  internal-registry:\n    registry: "nginx:"\n')
        assert compose_findings(project, monkeypatch, capsys, "--select", "ACME4") == [(rule.id, 5, 12)]
    finally:
        registry_module._plugins.cache_clear()
        sys.modules.pop(module, None)


def test_relative_links_and_anchors_resolve() -> None:
    slugs = {
        re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in re.findall(r"^#+ (.+)$", README, re.M)
    }
    for target in re.findall(r"\]\(([^)\s]+)\)", README):
        if target.startswith(("http://", "https://")):
            continue
        if target.startswith("#"):
            assert target[1:] in slugs, f"no heading for {target}"
        else:
            assert (ROOT / target.split("#")[0]).exists(), f"{target} does not exist"
