"""The package's layout holds: imports point down the layers and never in a circle, one rule per
module, and a rule module dropped into a family folder is a rule, with nothing else edited."""

from __future__ import annotations

import ast
import importlib
import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx

import composelint
import composelint.rules
from composelint.registry import builtin_rules
from composelint.rule import Rule

PACKAGE = Path(composelint.__file__).resolve().parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _imported(name: str, path: Path) -> set[str]:
    """The composelint modules that a module imports anywhere in it (lazy imports included)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    [*package.split(".")[: len(package.split(".")) - node.level + 1], base]
                ).strip(".")
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in MODULES else base)
    return {module for module in found if module in MODULES and module != name}


IMPORTS = nx.DiGraph([(name, target) for name, path in MODULES.items() for target in _imported(name, path)])


def test_no_import_circle() -> None:
    cycles = list(nx.simple_cycles(IMPORTS))
    assert not cycles, "import circles: " + "; ".join(" -> ".join([*c, c[0]]) for c in cycles)


def _outside(prefix: str, allowed: tuple[str, ...]) -> list[tuple[str, str]]:
    return sorted(
        (source, target)
        for source, target in IMPORTS.edges
        if (source == prefix or source.startswith(prefix + "."))
        and not any(target == a or target.startswith(a + ".") for a in allowed)
    )


def test_compose_reads_projects_without_knowing_the_layers_above() -> None:
    assert _outside("composelint.compose", ("composelint.compose",)) == []


def test_the_project_model_knows_only_how_projects_are_read() -> None:
    assert _outside("composelint.project", ("composelint.compose", "composelint.project")) == []


def test_rules_see_the_contract_and_the_project_only() -> None:
    allowed = (
        "composelint.compose",
        "composelint.project",
        "composelint.rules",
        "composelint.rule",
        "composelint.finding",
        "composelint.settings",
    )
    assert _outside("composelint.rules", allowed) == []


def test_nothing_below_the_edge_imports_the_commands_formats_or_cli() -> None:
    edge = ("composelint.commands", "composelint.formats", "composelint.cli", "composelint.__main__")
    inward = [
        (source, target)
        for source, target in IMPORTS.edges
        if not source.startswith(edge) and target.startswith(edge)
    ]
    assert inward == []


def _rule_modules() -> dict[str, list[type[Rule]]]:
    found: dict[str, list[type[Rule]]] = {}
    prefix = f"{composelint.rules.__name__}."
    for info in pkgutil.walk_packages(composelint.rules.__path__, prefix):
        module = importlib.import_module(info.name)
        found[info.name] = [
            value
            for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, Rule) and value.__module__ == info.name
        ]
    return found


def test_one_rule_per_module_named_after_it() -> None:
    modules = _rule_modules()
    crowded = {name: [r.id for r in rules] for name, rules in modules.items() if len(rules) > 1}
    assert crowded == {}
    for name, rules in modules.items():
        for rule in rules:
            assert name.rsplit(".", 1)[1] == rule.name.replace("-", "_"), (name, rule.id)
    # Every built-in rule is found, and each in its family's folder.
    assert sorted(r.id for rules in modules.values() for r in rules) == [r.id for r in builtin_rules()]
    families = {
        "1": "validity",
        "2": "network",
        "3": "data",
        "4": "security",
        "5": "operations",
        "6": "style",
    }
    for rule in builtin_rules():
        assert rule.__module__.split(".")[2] == families[rule.id[2]], rule.id


RULE_MODULE = '''
from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule


class NoLatestNginx(Rule):
    """nginx is pulled without a version.

    ## What it does
    Reports `image: nginx`.

    ## Why is this bad?
    The image changes under you.

    ## Example
    ```yaml
    services:
      web:
        image: nginx
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27
    ```
    """

    id = "CL699"
    name = "no-latest-nginx"
    severity = Severity.WARNING
    summary = "nginx is pulled without a version"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            if service.image == "nginx":
                yield Violation(service.value_span("image") or service.span, "nginx without a tag", service.name)
'''


def test_a_rule_module_dropped_into_a_family_folder_is_a_rule(tmp_path: Path) -> None:
    copy = tmp_path / "site" / "composelint"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "rules" / "style" / "no_latest_nginx.py").write_text(RULE_MODULE)
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    env = {**os.environ, "PYTHONPATH": str(copy.parent), "NO_COLOR": "1"}

    def composelint_(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "composelint", *args]
        return subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)

    listed = composelint_("rules")
    assert listed.returncode == 0, listed.stderr
    line = next(line for line in listed.stdout.splitlines() if line.startswith("CL699"))
    assert "no-latest-nginx" in line and "style" in line
    # Listed in id order, between the style rules around it.
    ids = [line.split()[0] for line in listed.stdout.splitlines()[1:]]
    assert ids == sorted(ids) and "CL610" in ids

    checked = composelint_("check", "--select", "no-latest-nginx", "--format", "compact", "compose.yaml")
    assert checked.stdout == "compose.yaml:3:12: warning: nginx without a tag [CL699 no-latest-nginx]\n", (
        checked.stderr
    )
    # The installed package is untouched.
    assert not (PACKAGE / "rules" / "style" / "no_latest_nginx.py").exists()
