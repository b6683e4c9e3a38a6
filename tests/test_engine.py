"""The engine: rules run over one shared graph, crashes are contained, plugins load from entry points."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from composelint import registry as registry_module
from composelint.discovery import ProjectSpec
from composelint.engine import RunOptions, lint_project
from composelint.finding import Severity, Violation
from composelint.registry import Registry
from composelint.rule import Context, Rule
from composelint.rules import BUILTIN_RULES
from composelint.settings import Settings


class CrashingRule(Rule):
    """Crashes on purpose.

    ## What it does
    Nothing useful.

    ## Why is this bad?
    It raises.

    ## Example
    Any project.

    ## Use instead
    A working rule.
    """

    id = "XT901"
    name = "always-crashes"
    severity = Severity.WARNING
    summary = "Crashes on purpose"

    def check(self, ctx: Context) -> Iterator[Violation]:
        yield Violation(ctx.project.services["web"].span, "before the crash")
        raise KeyError("image")


class GraphUser(Rule):
    """Counts services the graph says reach the web service.

    ## What it does
    Reports who reaches `web`.

    ## Why is this bad?
    It is a test.

    ## Example
    Any project.

    ## Use instead
    Nothing.
    """

    id = "XT902"
    name = "reaches-web"
    severity = Severity.INFO
    summary = "Who reaches web"
    built: ClassVar[list[int]] = []

    def check(self, ctx: Context) -> Iterator[Violation]:
        GraphUser.built.append(id(ctx.graph))
        for other in ctx.graph.who_reaches("web"):
            yield Violation(ctx.project.services[other].span, f"{other} reaches web")


def _project(tmp_path: Path) -> ProjectSpec:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx:1.27\n  db:\n    image: postgres:16\n    ports: ['5432:5432']\n"
    )
    return ProjectSpec((str(tmp_path / "compose.yaml"),))


def test_a_crashing_rule_becomes_an_internal_error_and_the_others_still_run(tmp_path: Path) -> None:
    registry = Registry([*BUILTIN_RULES, CrashingRule])
    result = lint_project(_project(tmp_path), Settings(extend_select=("XT901",)), RunOptions(environ={}, cwd=str(tmp_path)), registry)
    by_rule = {f.rule_id: f for f in result.findings}
    assert "CL202" in by_rule  # the other rules' findings are complete
    internal = by_rule["CL100"]
    assert internal.severity is Severity.ERROR and (internal.line, internal.column) == (1, 1)
    assert "rule XT901 [always-crashes] crashed: KeyError: 'image'" in internal.message
    assert "before the crash" in {f.message for f in result.findings}


def test_rules_share_one_graph_per_project(tmp_path: Path) -> None:
    class SecondGraphUser(GraphUser):
        id = "XT903"
        name = "reaches-web-again"

    GraphUser.built.clear()
    registry = Registry([*BUILTIN_RULES, GraphUser, SecondGraphUser])
    result = lint_project(_project(tmp_path), Settings(select=("XT9",)), RunOptions(environ={}, cwd=str(tmp_path)), registry)
    assert len(GraphUser.built) == 2 and GraphUser.built[0] == GraphUser.built[1]
    assert [f.message for f in result.findings] == ["db reaches web", "db reaches web"]


class _EntryPoint:
    def __init__(self, name: str, value: Any) -> None:
        self.name, self.value, self._loaded = name, "tests.plugin:RULES", value

    def load(self) -> Any:
        if isinstance(self._loaded, Exception):
            raise self._loaded
        return self._loaded


def test_plugin_rules_load_from_entry_points(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    entries = [_EntryPoint("good", [GraphUser]), _EntryPoint("broken", ImportError("no module named x"))]
    monkeypatch.setattr("importlib.metadata.entry_points", lambda group: entries if group == "composelint.rules" else [])
    registry_module._plugins.cache_clear()
    try:
        registry = Registry.default()
        assert registry.lookup("reaches-web") is GraphUser
        failures = Registry.plugin_failures()
        assert [f.entry_point for f in failures] == ["broken = tests.plugin:RULES"]
        assert "ImportError" in failures[0].error
        result = lint_project(_project(tmp_path), Settings(select=("reaches-web",)), RunOptions(environ={}, cwd=str(tmp_path)), registry)
        assert [f.name for f in result.findings] == ["reaches-web"]
    finally:
        registry_module._plugins.cache_clear()


def test_registry_rejects_malformed_or_duplicate_rules() -> None:
    class BadId(GraphUser):
        id = "X1"

    with pytest.raises(ValueError, match="invalid rule id"):
        Registry([BadId])
    with pytest.raises(ValueError, match="duplicate"):
        Registry([GraphUser, GraphUser])


def test_unreadable_project_still_reports_its_load_error(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services: [\n")
    result = lint_project(ProjectSpec((str(tmp_path / "compose.yaml"),)), Settings(), RunOptions(environ={}, cwd=str(tmp_path)))
    assert [f.rule_id for f in result.findings] == ["CL101"]
