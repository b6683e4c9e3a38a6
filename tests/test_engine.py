"""The engine: rules run over one shared graph, crashes are contained, plugins load from entry points."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from composelint import engine
from composelint import registry as registry_module
from composelint.cli import main
from composelint.compose.discovery import ProjectSpec
from composelint.engine import RunOptions, lint, lint_project, unique_findings
from composelint.finding import Severity, Violation
from composelint.registry import Registry, builtin_rules
from composelint.rule import Context, Rule
from composelint.settings import Settings
from tests.conftest import PluginEntryPoint

# web joins an undefined network (CL104 at 4:16); db is reachable from web.
PROJECT = "services:\n  web:\n    image: nginx:1.27\n    networks: [backend, default]\n  db:\n    image: postgres:16\n"


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
    """Reports who reaches the web service, through the shared graph.

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


def _project(tmp_path: Path, text: str = PROJECT) -> ProjectSpec:
    (tmp_path / "compose.yaml").write_text(text)
    return ProjectSpec((str(tmp_path / "compose.yaml"),))


def _options(tmp_path: Path) -> RunOptions:
    return RunOptions(environ={}, cwd=str(tmp_path))


def test_a_crashing_rule_becomes_an_internal_error_and_the_others_still_run(tmp_path: Path) -> None:
    registry = Registry([*builtin_rules(), CrashingRule])
    result = lint_project(
        _project(tmp_path), Settings(extend_select=("XT901",)), _options(tmp_path), registry
    )
    by_rule = {f.rule_id: f for f in result.findings}
    # The other rules' findings are complete.
    assert (by_rule["CL104"].line, by_rule["CL104"].column) == (4, 16)
    internal = by_rule["CL100"]
    assert internal.severity is Severity.ERROR and (internal.line, internal.column) == (1, 1)
    assert internal.name == "internal-error"
    assert "rule XT901 [always-crashes] crashed: KeyError: 'image' at test_engine.py:" in internal.message
    assert "before the crash" in {f.message for f in result.findings}


def test_a_crashing_plugin_rule_is_reported_through_the_command_line(
    tmp_path: Path,
    plugins: list[PluginEntryPoint],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plugins.append(PluginEntryPoint("crash", CrashingRule))
    _project(tmp_path)
    monkeypatch.chdir(tmp_path)
    code = main(["check", "--format", "json", "--select", "CL1,always-crashes"])
    found = [(f["rule"], f["line"], f["message"]) for f in json.loads(capsys.readouterr().out)["findings"]]
    assert code == 1
    assert [rule for rule, *_ in found] == ["CL100", "XT901", "CL104"]
    assert "rule XT901 [always-crashes] crashed" in found[0][2]


def test_a_loader_crash_is_an_internal_error_of_that_project_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_load = engine.load_project

    def load_project(options: Any) -> Any:
        if options.files[0].endswith("a/compose.yaml"):
            raise RecursionError("maximum recursion depth exceeded")
        return real_load(options)

    monkeypatch.setattr(engine, "load_project", load_project)
    specs = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        specs.append(_project(tmp_path / name))
    # Not selected, the internal error is still reported: nothing else could be checked.
    results = lint(specs, Settings(select=("CL104",)), _options(tmp_path))
    a, b = ([(f.rule_id, f.message) for f in r.findings] for r in results)
    assert len(a) == 1 and a[0][0] == "CL100"
    assert a[0][1].startswith(
        "composelint failed while loading the project: RecursionError: maximum recursion depth"
    )
    assert b == [("CL104", 'service "web" refers to undefined network backend')]


def test_rules_share_one_graph_per_project(tmp_path: Path) -> None:
    class SecondGraphUser(GraphUser):
        id = "XT903"
        name = "reaches-web-again"

    GraphUser.built.clear()
    registry = Registry([*builtin_rules(), GraphUser, SecondGraphUser])
    result = lint_project(_project(tmp_path), Settings(select=("XT9",)), _options(tmp_path), registry)
    assert len(GraphUser.built) == 2 and GraphUser.built[0] == GraphUser.built[1]
    assert [f.message for f in result.findings] == ["db reaches web", "db reaches web"]


def test_severity_overrides_and_findings_are_stamped_by_the_engine(tmp_path: Path) -> None:
    settings = Settings(select=("CL104",), severity={"CL104": Severity.WARNING})
    (finding,) = lint_project(_project(tmp_path), settings, _options(tmp_path)).findings
    assert (finding.path, finding.line, finding.column, finding.end_line, finding.end_column) == (
        str(tmp_path / "compose.yaml"),
        4,
        16,
        4,
        23,
    )
    assert (finding.rule_id, finding.name, finding.severity, finding.service) == (
        "CL104",
        "undefined-reference",
        Severity.WARNING,
        "web",
    )


def test_a_file_shared_by_two_projects_reports_its_findings_once(tmp_path: Path) -> None:
    base = _project(tmp_path)
    (tmp_path / "compose.prod.yaml").write_text("services:\n  db:\n    container_name: db\n")
    with_prod = ProjectSpec((*base.files, str(tmp_path / "compose.prod.yaml")))
    results = lint([base, with_prod], Settings(select=("CL104",)), _options(tmp_path))
    assert [len(r.findings) for r in results] == [1, 1]
    assert len(unique_findings(results)) == 1


def test_plugin_rules_load_from_entry_points(plugins: list[PluginEntryPoint], tmp_path: Path) -> None:
    plugins.extend(
        [PluginEntryPoint("good", [GraphUser]), PluginEntryPoint("broken", ImportError("no module named x"))]
    )
    registry = Registry.default()
    assert registry.lookup("reaches-web") is GraphUser
    failures = Registry.plugin_failures()
    assert [f.entry_point for f in failures] == ["broken = tests.plugins:broken"]
    assert "ImportError" in failures[0].error
    result = lint_project(_project(tmp_path), Settings(select=("reaches-web",)), _options(tmp_path), registry)
    assert [f.name for f in result.findings] == ["reaches-web"]
    assert Registry.default(with_plugins=False).lookup("reaches-web") is None


def test_plugins_that_cannot_be_registered_are_failures_not_crashes(plugins: list[PluginEntryPoint]) -> None:
    class TakesABuiltinName(GraphUser):
        id = "XT904"
        name = "undefined-reference"

    class BadId(GraphUser):
        id = "X1"

    plugins.extend(
        [
            PluginEntryPoint("clash", [TakesABuiltinName]),
            PluginEntryPoint("twice", [GraphUser, GraphUser]),
            PluginEntryPoint("bad-id", BadId),
            PluginEntryPoint("not-a-rule", "CL999"),
        ]
    )
    registry = Registry.default()
    assert registry.lookup("reaches-web") is GraphUser
    assert registry.lookup("undefined-reference") is not TakesABuiltinName
    problems = {f.entry_point.split(" = ")[0]: f.error for f in Registry.plugin_failures()}
    assert problems == {
        "clash": "rule XT904 [undefined-reference]: undefined-reference is already taken by another rule",
        "twice": "rule XT902 [reaches-web]: XT902 is already taken by another rule",
        "bad-id": "invalid rule id or name: 'X1' 'reaches-web'",
        "not-a-rule": "not a composelint Rule class",
    }


def test_registry_rejects_malformed_or_duplicate_rules() -> None:
    class BadId(GraphUser):
        id = "X1"

    with pytest.raises(ValueError, match="invalid rule id"):
        Registry([BadId])
    with pytest.raises(ValueError, match="duplicate"):
        Registry([GraphUser, GraphUser])


def test_an_unreadable_project_still_reports_its_load_error(tmp_path: Path) -> None:
    result = lint_project(_project(tmp_path, "services: [\n"), Settings(), _options(tmp_path))
    assert [(f.rule_id, f.line) for f in result.findings] == [("CL101", 2)]


def test_dependency_cycles_stay_fast_on_hostile_projects(tmp_path: Path) -> None:
    # Every service depends on every other: billions of simple cycles, one strongly connected component.
    names = [f"s{i}" for i in range(60)]
    text = "services:\n" + "".join(
        f"  {n}:\n    image: busybox:1.36\n    depends_on: [{', '.join(m for m in names if m != n)}]\n"
        for n in names
    )
    started = time.perf_counter()
    result = lint_project(_project(tmp_path, text), Settings(select=("CL105",)), _options(tmp_path))
    assert time.perf_counter() - started < 5
    assert [f.message for f in result.findings] == ["dependency cycle detected: s0 -> s1 -> s0"]


def test_plugins_are_looked_for_only_where_a_distribution_declares_the_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    (site / "other-1.0.dist-info").mkdir(parents=True)
    (site / "other-1.0.dist-info" / "entry_points.txt").write_text("[console_scripts]\nother = other:main\n")
    monkeypatch.setattr(sys, "path", [str(site), str(tmp_path / "missing.zip")])
    assert registry_module._may_have_plugins() is False  # importlib.metadata is not even imported
    (site / "acme-1.0.dist-info").mkdir()
    (site / "acme-1.0.dist-info" / "entry_points.txt").write_text("[composelint.rules]\nacme = acme:RULES\n")
    assert registry_module._may_have_plugins() is True
