"""Which rules exist (built-in and from plugins) and which are enabled for a run."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from composelint.errors import UsageError
from composelint.rule import RULE_ID, RULE_NAME, Rule
from composelint.settings import Settings

ENTRY_POINT_GROUP = "composelint.rules"


def builtin_rules() -> tuple[type[Rule], ...]:
    from composelint.rules import BUILTIN_RULES

    return BUILTIN_RULES


@dataclass(frozen=True)
class PluginFailure:
    """A plugin that could not be loaded: reported, never fatal."""

    entry_point: str
    error: str


@cache
def _plugins() -> tuple[tuple[type[Rule], ...], tuple[PluginFailure, ...]]:
    from importlib.metadata import entry_points

    rules: list[type[Rule]] = []
    failures: list[PluginFailure] = []
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            loaded = entry.load()
        except Exception as exc:  # a broken plugin must not break the linter
            failures.append(PluginFailure(f"{entry.name} = {entry.value}", f"{type(exc).__name__}: {exc}"))
            continue
        candidates = loaded if isinstance(loaded, (list, tuple)) else [loaded]
        for candidate in candidates:
            if isinstance(candidate, type) and issubclass(candidate, Rule):
                rules.append(candidate)
            else:
                failures.append(
                    PluginFailure(f"{entry.name} = {entry.value}", "not a composelint Rule class")
                )
    return tuple(rules), tuple(failures)


class Registry:
    def __init__(self, rules: Iterable[type[Rule]]) -> None:
        self.rules: tuple[type[Rule], ...] = tuple(sorted(rules, key=lambda r: r.id))
        self.by_id = {rule.id: rule for rule in self.rules}
        self.by_name = {rule.name: rule for rule in self.rules}
        self._check()

    @classmethod
    def default(cls, with_plugins: bool = True) -> Registry:
        rules = list(builtin_rules())
        if with_plugins:
            plugin_rules, _ = _plugins()
            known = {r.id for r in rules} | {r.name for r in rules}
            rules.extend(r for r in plugin_rules if r.id not in known and r.name not in known)
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
        if settings.select is None:
            chosen = {r.id for r in self.rules if r.enabled_by_default}
        else:
            chosen = {r.id for s in settings.select for r in self.matching(s)}
        chosen |= {r.id for s in settings.extend_select for r in self.matching(s)}
        chosen -= {r.id for s in settings.ignore for r in self.matching(s)}
        # Load problems must never vanish silently: CL100-CL1xx loader kinds stay unless ignored by name.
        return [r for r in self.rules if r.id in chosen]
