"""Configuration files: ``.composelint.yaml``, ``.composelint.toml`` or ``[tool.composelint]`` in pyproject.

The nearest one wins, searched from the linted path up to the repository root (in one directory:
``.composelint.yaml``, ``.composelint.yml``, ``.composelint.toml``, then a ``pyproject.toml`` that has a
``[tool.composelint]`` table); ``--config PATH`` names one instead. Every key, rule name and option is
validated: a mistake is a usage error (exit 2) naming the file and line, with a "did you mean".
On the command line, ``--select`` starts a new selection (the file's select, extend-select and
ignore no longer apply); ``--extend-select`` and ``--ignore`` add to the file's; ``--fail-level``
replaces it.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any

from composelint.compose.discovery import repository_root
from composelint.compose.errors import ComposeError, UsageError
from composelint.compose.limits import CEILINGS, Limits
from composelint.compose.tree import YMap, YSeq, plain
from composelint.finding import Severity
from composelint.printable import printable
from composelint.registry import Registry
from composelint.rule import Rule
from composelint.settings import Settings

CONFIG_FILES = (".composelint.yaml", ".composelint.yml", ".composelint.toml", "pyproject.toml")
_LIMIT_KEYS = {name.replace("_", "-"): name for name in Limits._fields}

KeyPath = tuple[str | int, ...]
_TYPE_NAMES = {bool: "boolean", int: "integer", str: "string", list: "list"}


class _Invalid(Exception):
    """A problem at a key path of the configuration; turned into a UsageError with the line."""

    def __init__(self, where: KeyPath, message: str) -> None:
        super().__init__(message)
        self.where = where
        self.message = message


def _load_toml(text: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    loaded: dict[str, Any] = tomllib.loads(text)
    return loaded


class ConfigFile:
    """A configuration file's keys, and the line where each key path was written."""

    def __init__(self, path: str) -> None:
        self.path = path
        try:
            with open(path, encoding="utf-8") as handle:
                self.text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise UsageError(f"cannot read configuration {path}: {reason}") from None
        self._yaml: YMap | None = None
        self.is_pyproject = os.path.basename(path) == "pyproject.toml"
        self.data = self._parse()

    def _parse(self) -> dict[str, Any]:
        if self.path.endswith((".yaml", ".yml")):
            from composelint.compose.yamlread import read_documents

            try:
                documents = read_documents(self.text, self.path)
            except ComposeError as exc:
                raise UsageError(f"{exc.span or self.path}: invalid configuration: {exc.message}") from None
            root = documents[0] if documents else None
            if root is None:
                return {}
            if not isinstance(root, YMap):
                raise UsageError(f"{self.path}:1: the configuration must be a mapping of keys")
            self._yaml = root
            data: dict[str, Any] = plain(root)
            return data
        data = _parse_toml(self.text, self.path)
        if self.is_pyproject:
            tool = data.get("tool")
            table = tool.get("composelint") if isinstance(tool, dict) else None
            if not isinstance(table, dict):
                raise UsageError(f"{self.path}: no [tool.composelint] table")
            return table
        return data

    def line(self, where: KeyPath) -> int:
        if self._yaml is not None:
            return _yaml_line(self._yaml, where)
        return _toml_line(self.text, ("tool", "composelint") if self.is_pyproject else (), where, self.data)

    def error(self, where: KeyPath, message: str) -> UsageError:
        return UsageError(f"{self.path}:{self.line(where)}: {message}")


def _yaml_line(root: YMap, where: KeyPath) -> int:
    node: Any = root
    line = 1
    for part in where:
        if isinstance(node, YMap) and isinstance(part, str) and part in node:
            line = node.key_span(part).line
            node = node[part]
        elif isinstance(node, YSeq) and isinstance(part, int):
            line = node.item_span(part).line
            node = node[part] if part < len(node) else None
        else:
            break
    return line


_TOML_NAME = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_TOML_KEY = re.compile(rf"\s*({_TOML_NAME}(?:\s*\.\s*{_TOML_NAME})*)\s*=")


def _dotted(text: str) -> tuple[str, ...]:
    parts = re.findall(_TOML_NAME, text)
    return tuple(p[1:-1] if p[:1] in "\"'" else p for p in parts)


def _toml_line(text: str, table: tuple[str, ...], where: KeyPath, data: Mapping[str, Any]) -> int:
    """The line of a key path in TOML text: the deepest header or key line on the path, then, for
    what lies inside an inline table or array, the first mention after it."""
    keys = tuple(str(p) for p in where if isinstance(p, str))
    lines = text.splitlines()
    best, best_depth = 1, -1
    header: tuple[str, ...] = ()
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            header = _dotted(stripped.strip("[]"))
            found = header
        else:
            match = _TOML_KEY.match(line)
            if match is None:
                continue
            found = header + _dotted(match.group(1))
        if found[: len(table)] != table:
            continue
        found = found[len(table) :]
        if found == keys[: len(found)] and len(found) > best_depth:
            best, best_depth = number, len(found)
    rest = list(keys[max(best_depth, 0) :])
    value = _value_at(data, where)
    if where and isinstance(where[-1], int) and isinstance(value, str):
        rest.append(value)  # an item of an array: its text
    for word in rest:
        pattern = re.compile(rf"""(?<![\w-])["']?{re.escape(word)}["']?(?![\w-])""")
        for number in range(best, len(lines) + 1):
            if pattern.search(lines[number - 1]):
                best = number
                break
    return best


def _value_at(data: Any, where: KeyPath) -> Any:
    for part in where:
        if isinstance(part, str) and isinstance(data, dict):
            data = data.get(part)
        elif isinstance(part, int) and isinstance(data, list) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def find_config(start: str) -> str | None:
    """The nearest configuration file at or above ``start``, up to the repository root."""
    directory = os.path.abspath(start if os.path.isdir(start) else os.path.dirname(start))
    top = repository_root(directory)
    while True:
        for name in CONFIG_FILES:
            candidate = os.path.join(directory, name)
            if os.path.isfile(candidate) and (name != "pyproject.toml" or _has_tool_table(candidate)):
                return candidate
        parent = os.path.dirname(directory)
        if directory == top or parent == directory:
            return None
        directory = parent


def _has_tool_table(path: str) -> bool:
    """Whether a pyproject.toml has a [tool.composelint] table, as TOML reads it: a line inside a
    multi-line string is no table, and a broken file is an error (it may be the table that broke)."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError):
        return False
    if "composelint" not in text:  # the common case, without parsing the file
        return False
    tool = _parse_toml(text, path).get("tool")
    return isinstance(tool, dict) and isinstance(tool.get("composelint"), dict)


def _parse_toml(text: str, path: str) -> dict[str, Any]:
    try:
        return _load_toml(text)
    except ValueError as exc:  # tomllib.TOMLDecodeError
        message = str(exc)
        found = re.search(r"\(at line (\d+), column \d+\)", message)
        line = int(found.group(1)) if found else max(1, text.count("\n") + (not text.endswith("\n")))
        reason = message[: found.start()].rstrip() if found else message
        raise UsageError(f"{path}:{line}: invalid TOML: {reason}") from None


@cache
def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A path glob as a regular expression: ``**`` spans directories, ``*`` and ``?`` stay in one."""
    out: list[str] = []
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            out.append(".*")
            index += 2
        elif pattern[index] == "*":
            out.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            out.append("[^/]")
            index += 1
        else:
            out.append(re.escape(pattern[index]))
            index += 1
    return re.compile("".join(out) + r"\Z")


def ignored_by_glob(pattern: str, path: str, base: str) -> bool:
    """Whether ``path`` matches a glob of the configuration: relative to ``base`` when the glob has a
    ``/``, else on the file name alone (``*.prod.yml``)."""
    pattern = pattern.removeprefix("./")
    if "/" not in pattern:
        return _glob_regex(pattern).match(os.path.basename(path)) is not None
    relative = os.path.relpath(path, base).replace(os.sep, "/")
    return _glob_regex(pattern).match(relative) is not None


# --- validation -------------------------------------------------------------------------------------


def _hint(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    if not close and "_" in word:
        close = difflib.get_close_matches(word.replace("_", "-"), choices, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _rule_names(registry: Registry) -> list[str]:
    return [r.name for r in registry.rules] + [r.id for r in registry.rules]


def _strings(where: KeyPath, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list):
        raise _Invalid(where, f"`{where[-1]}` must be a list of strings")
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise _Invalid((*where, index), f"`{where[-1]}` must be a list of strings, not {_shown(item)}")
    return tuple(value)


def _mapping(where: KeyPath, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Invalid(where, f"`{where[-1]}` must be a table (a mapping of keys)")
    return value


def _selectors(where: KeyPath, value: Any, registry: Registry) -> tuple[str, ...]:
    selectors = _strings(where, value)
    for index, selector in enumerate(selectors):
        if not registry.matching(selector):
            item = (*where, index) if isinstance(value, list) else where
            raise _Invalid(item, f"unknown rule '{selector}'{_hint(selector, _rule_names(registry))}")
    return selectors


def _rule(where: KeyPath, key: str, registry: Registry) -> type[Rule]:
    rule = registry.lookup(key)
    if rule is None:
        raise _Invalid(where, f"unknown rule '{key}'{_hint(key, _rule_names(registry))}")
    return rule


def _shown(value: Any) -> str:
    """A configured value as the user wrote it (YAML-like), not as a Python repr."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_shown(v)}" for k, v in value.items()) + "}"
    return str(value)


def _severity(where: KeyPath, value: Any) -> Severity:
    if not isinstance(value, str):
        raise _Invalid(where, f"`{where[-1]}` must be one of error, warning, info, not {_shown(value)}")
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise _Invalid(where, f"`{where[-1]}`: {exc}") from None


def _severities(where: KeyPath, value: Any, registry: Registry) -> dict[str, Severity]:
    entries = _mapping(where, value)
    out: dict[str, Severity] = {}
    # A prefix ("CL5") sets a family; a rule named on its own wins over it.
    for key in sorted(entries, key=lambda k: -len(registry.matching(k))):
        rules = registry.matching(key)
        if not rules:
            raise _Invalid((*where, key), f"unknown rule '{key}'{_hint(key, _rule_names(registry))}")
        level = _severity((*where, key), entries[key])
        out.update(dict.fromkeys((r.id for r in rules), level))
    return out


def _option_value(where: KeyPath, expected: type, value: Any) -> Any:
    valid = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        valid = True
    if not valid:
        raise _Invalid(
            where,
            f"option `{where[-1]}` must be a {_TYPE_NAMES.get(expected, expected.__name__)}, not {_shown(value)}",
        )
    return value


def _rule_options(where: KeyPath, value: Any, registry: Registry) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for key, values in _mapping(where, value).items():
        rule = _rule((*where, key), key, registry)
        checked: dict[str, Any] = {}
        for option, option_value in _mapping((*where, key), values).items():
            here = (*where, key, option)
            if option not in rule.options:
                known = list(rule.options)
                hint = _hint(option, known) or (
                    f" (it has: {', '.join(known)})" if known else " (it has none)"
                )
                raise _Invalid(here, f"rule {rule.id} [{rule.name}] has no option '{option}'{hint}")
            spec = rule.options[option]
            checked[option] = _option_value(here, spec.type, option_value)
            problem = spec.problem(checked[option]) if spec.problem is not None else None
            if problem is not None:
                raise _Invalid(here, f"option `{option}` of rule {rule.id} [{rule.name}] {problem}")
        out[rule.id] = {**out.get(rule.id, {}), **checked}
    return out


def _per_file_ignores(where: KeyPath, value: Any, registry: Registry) -> dict[str, tuple[str, ...]]:
    return {
        glob: _selectors((*where, glob), rules, registry) for glob, rules in _mapping(where, value).items()
    }


def _isolation(where: KeyPath, value: Any) -> dict[str, tuple[str, ...]]:
    # `db: [app]`: only app may reach db; `db: []` or `db:` (null): nothing may.
    return {
        target: () if allowed is None else _strings((*where, target), allowed)
        for target, allowed in _mapping(where, value).items()
    }


def _limits(where: KeyPath, value: Any) -> Limits:
    values: dict[str, int] = {}
    for key, number in _mapping(where, value).items():
        if key not in _LIMIT_KEYS:
            raise _Invalid((*where, key), f"unknown limit '{key}'{_hint(key, list(_LIMIT_KEYS))}")
        if not isinstance(number, int) or isinstance(number, bool) or number <= 0:
            raise _Invalid((*where, key), f"limit `{key}` must be a positive integer, not {_shown(number)}")
        values[_LIMIT_KEYS[key]] = number
    return Limits(**values)


# Configuration key -> (Settings field, validator).
_KEYS: dict[str, tuple[str, Callable[[KeyPath, Any, Registry], Any]]] = {
    "select": ("select", _selectors),
    "extend-select": ("extend_select", _selectors),
    "ignore": ("ignore", _selectors),
    "severity": ("severity", _severities),
    "options": ("rule_options", _rule_options),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
    "exclude": ("exclude", lambda w, v, r: _strings(w, v)),
    "fail-level": ("fail_level", lambda w, v, r: _severity(w, v)),
    "production-profiles": ("production_profiles", lambda w, v, r: _strings(w, v)),
    "data-images": ("data_images", lambda w, v, r: _strings(w, v)),
    "not-data-images": ("not_data_images", lambda w, v, r: _strings(w, v)),
    "data-services": ("data_services", lambda w, v, r: _strings(w, v)),
    "critical-volumes": ("critical_volumes", lambda w, v, r: _strings(w, v)),
    "isolation": ("isolation", lambda w, v, r: _isolation(w, v)),
    "hosts": (
        "hosts",
        lambda w, v, r: {host: _strings((*w, host), globs) for host, globs in _mapping(w, v).items()},
    ),
    "limits": ("limits", lambda w, v, r: _limits(w, v)),
}


def settings_from_file(config: ConfigFile, registry: Registry) -> Settings:
    values: dict[str, Any] = {}
    problems: list[str] = []  # every mistake of the file in one run, in file order
    for key, value in config.data.items():
        try:
            entry = _KEYS.get(str(key))
            if entry is None:
                raise _Invalid(
                    (str(key),), f"unknown configuration key '{key}'{_hint(str(key), sorted(_KEYS))}"
                )
            field_name, validate = entry
            values[field_name] = validate((str(key),), value, registry)
        except _Invalid as problem:
            problems.append(str(config.error(problem.where, problem.message)))
    if problems:
        raise UsageError(*problems)
    if "limits" in values:
        values["limits"] = _capped(values["limits"], config)
    return Settings(**values, source=config.path)


def _capped(limits: Limits, config: ConfigFile) -> Limits:
    """The configured limits, none above its ceiling; each one lowered is said on stderr."""
    lowered: dict[str, int] = {}
    for name in Limits._fields:
        value, ceiling = getattr(limits, name), getattr(CEILINGS, name)
        if value > ceiling:
            key = name.replace("_", "-")
            line = config.line(("limits", key))
            sys.stderr.write(
                printable(f"composelint: warning: {config.path}:{line}: limits.{key} {value:,} is above ")
                + f"the ceiling; {ceiling:,} is used\n"
            )
            lowered[name] = ceiling
    return limits._replace(**lowered) if lowered else limits


def load_settings(start: str, explicit: str | None, registry: Registry) -> Settings:
    """Settings from ``--config PATH``, else from the nearest configuration file; defaults if none."""
    if explicit is not None:
        if os.path.isdir(explicit):
            raise UsageError(f"--config {explicit} is a directory: name a configuration file in it")
        if not os.path.isfile(explicit):
            raise UsageError(f"--config {explicit}: no such file")
        return settings_from_file(ConfigFile(os.path.abspath(explicit)), registry)
    found = find_config(start)
    return settings_from_file(ConfigFile(found), registry) if found else Settings()


def with_command_line(
    settings: Settings,
    select: tuple[str, ...] | None,
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_level: Severity | None,
) -> Settings:
    if select is not None:
        changes: dict[str, Any] = {"select": select, "extend_select": extend_select, "ignore": ignore}
    else:
        changes = {
            "extend_select": settings.extend_select + extend_select,
            "ignore": settings.ignore + ignore,
        }
    if fail_level is not None:
        changes["fail_level"] = fail_level
    return settings._replace(**changes)


def describe(settings: Settings, registry: Registry) -> str:
    """The effective settings, as `composelint check --show-settings` prints them: YAML that can be
    pasted into a `.composelint.yaml`, with the enabled rules as comments."""
    import yaml

    def shown(value: Any) -> Any:
        if isinstance(value, Severity):
            return value.value
        if isinstance(value, Limits):
            return {name.replace("_", "-"): getattr(value, name) for name in Limits._fields}
        if isinstance(value, Mapping):
            return {str(k): shown(v) for k, v in value.items()}
        if isinstance(value, (tuple, list)):
            return [shown(v) for v in value]
        return value

    names = {name: name.replace("_", "-") for name in Settings._fields}
    names["rule_options"] = "options"
    document: dict[str, Any] = {}
    for field_name, key in names.items():
        value = getattr(settings, field_name)
        if field_name == "source" or (field_name == "select" and value is None):
            continue  # no `select`: the rules enabled by default
        document[key] = shown(value)
    enabled = registry.enabled(settings)
    lines = [f"# configuration: {settings.source or 'none found (defaults)'}"]
    if settings.select is None:
        lines.append("# select: not set, so the rules enabled by default run")
    lines.append(
        yaml.safe_dump(document, sort_keys=False, default_flow_style=False, allow_unicode=True).rstrip()
    )
    lines.append(f"# enabled rules ({len(enabled)}):")
    lines.extend(f"#   {r.id} {r.name} ({settings.severity.get(r.id, r.severity).value})" for r in enabled)
    return "\n".join(lines) + "\n"
