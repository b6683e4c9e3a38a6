"""Which rules exist (built-in and from plugins) and which are enabled for a run."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any, NamedTuple

from composelint.compose.errors import UsageError
from composelint.rule import RULE_ID, RULE_NAME, Rule
from composelint.settings import Settings

ENTRY_POINT_GROUP = "composelint.rules"


@cache
def builtin_rules() -> tuple[type[Rule], ...]:
    """Every rule class defined in a module under ``composelint/rules/``, by id: adding a rule is
    adding a module there."""
    import importlib

    import composelint.rules as package

    found: list[type[Rule]] = []
    for name in sorted(_modules_under(package.__path__[0], package.__name__)):
        module = importlib.import_module(name)
        found.extend(
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, Rule)
            and value.__module__ == name
            and "id" in vars(value)
        )
    return tuple(sorted(found, key=lambda rule: rule.id))


def _modules_under(directory: str, package: str) -> list[str]:
    """Every module of a package directory and of its subpackages (pkgutil.walk_packages imports
    inspect, 6 ms of every start)."""
    names: list[str] = []
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.is_dir() and os.path.isfile(os.path.join(entry.path, "__init__.py")):
                names.append(f"{package}.{entry.name}")
                names.extend(_modules_under(entry.path, f"{package}.{entry.name}"))
            elif entry.name.endswith(".py") and entry.name != "__init__.py" and entry.is_file():
                names.append(f"{package}.{entry.name[:-3]}")
    return names


class PluginFailure(NamedTuple):
    """A plugin that could not be loaded: reported, never fatal."""

    entry_point: str
    error: str


def _may_have_plugins() -> bool:
    """Whether an installed distribution declares `composelint.rules` entry points, found by reading
    the entry_points.txt files on sys.path: importing importlib.metadata and scanning every
    distribution costs 20 to 30 ms, a sixth of a one-file run, and most environments have no plugin."""
    marker = f"[{ENTRY_POINT_GROUP}]"
    for directory in sys.path:
        try:
            entries = os.scandir(directory or ".")
        except OSError:
            continue
        with entries:
            for entry in entries:
                if not entry.name.endswith((".dist-info", ".egg-info")):
                    continue
                try:
                    with open(os.path.join(entry.path, "entry_points.txt"), encoding="utf-8") as handle:
                        if marker in handle.read():
                            return True
                except (OSError, UnicodeDecodeError):
                    continue
    # Eggs and other importers are rare; importlib.metadata is asked when sys.path holds any.
    return any(path.endswith((".egg", ".zip", ".whl")) and os.path.isfile(path) for path in sys.path)


@cache
def _plugins() -> tuple[tuple[type[Rule], ...], tuple[PluginFailure, ...]]:
    if not _may_have_plugins():
        return (), ()
    from importlib.metadata import entry_points

    rules: list[type[Rule]] = []
    failures: list[PluginFailure] = []
    taken = {key for rule in builtin_rules() for key in (rule.id, rule.name)}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            loaded = entry.load()
        except Exception as exc:  # a broken plugin must not break the linter
            failures.append(PluginFailure(f"{entry.name} = {entry.value}", f"{type(exc).__name__}: {exc}"))
            continue
        candidates = loaded if isinstance(loaded, (list, tuple)) else [loaded]
        for candidate in candidates:
            problem = _plugin_problem(candidate, taken)
            if problem is None:
                rules.append(candidate)
                taken.update((candidate.id, candidate.name))
            else:
                failures.append(PluginFailure(f"{entry.name} = {entry.value}", problem))
    return tuple(rules), tuple(failures)


def _plugin_problem(candidate: object, taken: set[str]) -> str | None:
    """Why a plugin's rule cannot be registered (None: it can)."""
    if not (isinstance(candidate, type) and issubclass(candidate, Rule)):
        return "not a composelint Rule class"
    rule_id, name = getattr(candidate, "id", ""), getattr(candidate, "name", "")
    if not RULE_ID.fullmatch(str(rule_id)) or not RULE_NAME.fullmatch(str(name)):
        return f"invalid rule id or name: {rule_id!r} {name!r}"
    clash = next((key for key in (rule_id, name) if key in taken), None)
    if clash is not None:
        return f"rule {rule_id} [{name}]: {clash} is already taken by another rule"
    return None


class Registry:
    def __init__(self, rules: Iterable[type[Rule]]) -> None:
        self.rules: tuple[type[Rule], ...] = tuple(sorted(rules, key=lambda r: r.id))
        self.by_id = {rule.id: rule for rule in self.rules}
        self.by_name = {rule.name: rule for rule in self.rules}
        # Keyed by id(): Settings holds dicts, so it is not hashable; the entry keeps the object alive.
        self._plans: dict[int, tuple[Settings, tuple[tuple[type[Rule], Mapping[str, Any]], ...]]] = {}
        self._check()

    @classmethod
    def default(cls, with_plugins: bool = True) -> Registry:
        rules = list(builtin_rules())
        if with_plugins:
            rules.extend(_plugins()[0])  # checked for clashes when loaded
        return cls(rules)

    @staticmethod
    def plugin_failures() -> tuple[PluginFailure, ...]:
        return _plugins()[1]

    def _check(self) -> None:
        seen: set[str] = set()
        for rule in self.rules:
            if not RULE_ID.fullmatch(rule.id) or not RULE_NAME.fullmatch(rule.name):
                raise ValueError(f"invalid rule id or name: {rule.id} {rule.name}")
            for key in (rule.id, rule.name):
                if key in seen:
                    raise ValueError(f"duplicate rule id or name: {key}")
                seen.add(key)

    def lookup(self, key: str) -> type[Rule] | None:
        return self.by_id.get(key.upper()) or self.by_name.get(key.lower())

    def matching(self, selector: str) -> list[type[Rule]]:
        """Rules a selector names: an id, an id prefix ("CL4"), a name, or "ALL"."""
        key = selector.strip()
        if key.upper() == "ALL":
            return list(self.rules)
        rule = self.lookup(key)
        if rule is not None:
            return [rule]
        prefix = key.upper()
        return [r for r in self.rules if r.id.startswith(prefix)] if len(prefix) >= 2 else []

    def validate_selectors(self, selectors: Sequence[str], where: str) -> None:
        import difflib

        for selector in selectors:
            if not self.matching(selector):
                names = [r.name for r in self.rules] + [r.id for r in self.rules]
                close = difflib.get_close_matches(selector, names, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise UsageError(f"{where}: unknown rule '{selector}'{hint}")

    def enabled(self, settings: Settings) -> list[type[Rule]]:
        return [rule for rule, _ in self.plan(settings)]

    def plan(self, settings: Settings) -> tuple[tuple[type[Rule], Mapping[str, Any]], ...]:
        """The enabled rules, each with its effective options; worked out once per settings object."""
        cached = self._plans.get(id(settings))
        if cached is not None and cached[0] is settings:
            return cached[1]
        plan = tuple((rule, self.options_for(rule, settings)) for rule in self._enabled(settings))
        if len(self._plans) >= 8:  # a run has one or two settings objects; a long-lived caller many
            self._plans.clear()
        self._plans[id(settings)] = (settings, plan)
        return plan

    @staticmethod
    def options_for(rule: type[Rule], settings: Settings) -> Mapping[str, Any]:
        """A rule's options: its defaults, overridden by the configuration."""
        options = {name: option.default for name, option in rule.options.items()}
        options.update(settings.rule_options.get(rule.id, {}))
        return options

    def _enabled(self, settings: Settings) -> list[type[Rule]]:
        if settings.select is None:
            chosen = {r.id for r in self.rules if r.enabled_by_default}
        else:
            chosen = {r.id for s in settings.select for r in self.matching(s)}
        chosen |= {r.id for s in settings.extend_select for r in self.matching(s)}
        chosen -= {r.id for s in settings.ignore for r in self.matching(s)}
        return [r for r in self.rules if r.id in chosen]
