"""Variable interpolation as Compose does it: ``$VAR``, ``${VAR:-default}``, ``$$``...

The grammar and its quirks follow compose-go's ``template`` package, checked case by case against the
``docker compose`` binary (v2.40.3). ``substitute`` works on one string; ``interpolate_tree`` and
``interpolate_tree_collect`` rebuild a whole value tree, turning every string that contained ``$`` into
an ``IStr`` that remembers its template and the variables it used.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple, TypeAlias

from composelint.compose.errors import ComposeError
from composelint.compose.span import Span
from composelint.compose.tree import IStr, OverrideTag, YMap, YSeq

Lookup: TypeAlias = Callable[[str], str | None]
"""A variable's value, or ``None`` when it is unset (an empty string is *set*)."""

# Compose matches names with Go's case-insensitive ``[_a-z][_a-z0-9]*``. Go's simple case folding also
# lets in U+017F (long s) and U+212A (Kelvin sign), but not the dotted and dotless i (U+0130, U+0131)
# that Python's IGNORECASE would add, so the class is spelled out: docker compose reads ``$\u017f`` as
# a variable and keeps ``$\u0131`` literally.
_NAME = "[_A-Za-z\u017f\u212a][_A-Za-z0-9\u017f\u212a]*"

_NAME_PREFIX = re.compile(_NAME)

# Nested defaults recurse; Compose has no limit, but a pathological value must not exhaust the stack.
_MAX_NESTING = 100
# Variables that double each other (V2=${V1}${V1}, ...) grow exponentially: no value may exceed this.
MAX_VALUE_LENGTH = 1 << 20
# ... and all the values of one project may grow by this much in all (see ``Budget``).
MAX_PROJECT_GROWTH = 64 << 20

_GO_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    "\\": "\\\\",
    '"': '\\"',
}


def go_quote(text: str) -> str:
    """``text`` quoted as Go's ``%q`` does, so messages read like Compose's."""
    parts = ['"']
    for char in text:
        if char in _GO_ESCAPES:
            parts.append(_GO_ESCAPES[char])
        elif char.isprintable():
            parts.append(char)
        elif char < " " or char == "\x7f":
            parts.append(f"\\x{ord(char):02x}")
        elif ord(char) < 0x10000:
            parts.append(f"\\u{ord(char):04x}")
        else:
            parts.append(f"\\U{ord(char):08x}")
    parts.append('"')
    return "".join(parts)


class InterpolationError(Exception):
    """A template Compose refuses. The message is compose-go's own (no path, no position)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidTemplateError(InterpolationError):
    """Bad syntax (``${``, ``${ foo}``, ``${VAR/x}``...).

    ``template`` is the text Compose shows: the string being expanded when the error was found, which
    for an error inside a default or after a closing brace is only that part.
    """

    def __init__(self, template: str, offset: int) -> None:
        super().__init__(f"Invalid template: {go_quote(template)}")
        self.template = template
        self.offset = offset  # of the `$` that starts the bad expression, in the whole value


class MissingRequiredError(InterpolationError):
    """``${VAR:?reason}`` or ``${VAR?reason}`` with the variable missing."""

    def __init__(self, variable: str, reason: str) -> None:
        message = f"required variable {variable} is missing a value"
        super().__init__(f"{message}: {reason}" if reason else message)
        self.variable = variable
        self.reason = reason


class ValueTooLongError(InterpolationError):
    """An interpolated value longer than ``MAX_VALUE_LENGTH``: a limit, not a template error."""

    def __init__(self) -> None:
        super().__init__(f"the interpolated value is longer than {MAX_VALUE_LENGTH:,} characters (limit)")


class Substitution(NamedTuple):
    """The result of ``substitute``."""

    value: str
    variables: tuple[str, ...]
    """Every variable looked up, in order of first use, without duplicates."""
    unset: tuple[str, ...]
    """Variables that were unset with no default applied and became "" (Compose warns about these)."""


class _Run:
    """State of one ``substitute`` call: the lookup and what it was asked."""

    __slots__ = ("eager", "lookup", "nesting", "unset", "variables")

    def __init__(self, lookup: Lookup, eager: bool) -> None:
        self.lookup = lookup
        self.eager = eager
        self.variables: dict[str, None] = {}  # dicts are ordered sets
        self.unset: dict[str, None] = {}
        self.nesting = 0

    def get(self, name: str) -> str | None:
        self.variables.setdefault(name, None)
        return self.lookup(name)


def substitute(template: str, lookup: Lookup, *, eager_defaults: bool = False) -> Substitution:
    """Expand ``template`` with Compose's grammar.

    Defaults, alternates and error messages are expanded only when used, as current compose-go does.
    ``eager_defaults=True`` reproduces compose-go up to v2.10.0 (docker compose 2.40.3 bundles v2.9.1),
    which expands them first: ``${SET:-${UNSET:?x}}`` then fails, and ``UNSET`` counts as looked up.

    Raises ``InvalidTemplateError`` or ``MissingRequiredError`` (both ``InterpolationError``).
    """
    if "$" not in template:
        return Substitution(template, (), ())
    simple = _SIMPLE.fullmatch(template)
    if simple is not None:
        return _substitute_simple(simple, lookup)
    run = _Run(lookup, eager_defaults)
    value = _expand(template, run)
    return Substitution(value, tuple(run.variables), tuple(run.unset))


# Most templates hold one variable, at most with a literal default: ``${TAG}``, ``$HOME/data``,
# ``${PORT:-8080}:80``. They get the same result as the general expansion, without its machinery
# (a default is one line: the grammar's ``.*`` stops at a line break).
_SIMPLE = re.compile(rf"([^$]*)\$(?:\{{({_NAME})(?:(:?-)([^${{}}\n]*))?\}}|({_NAME}))([^$]*)")


def _substitute_simple(match: re.Match[str], lookup: Lookup) -> Substitution:
    prefix, braced, operator, default, named, suffix = match.groups()
    name = braced or named
    value = lookup(name)
    if operator is None:  # no default: an unset variable becomes "", and Compose warns
        return Substitution(f"{prefix}{value or ''}{suffix}", (name,), (name,) if value is None else ())
    # ":-" also replaces an empty value, "-" only an unset one.
    usable = value is not None and (value != "" or operator == "-")
    return Substitution(f"{prefix}{value if usable else default}{suffix}", (name,), ())


def _expand(template: str, run: _Run) -> str:
    """compose-go's expansion of one template, in time linear in its length.

    compose-go finds expressions with a regular expression whose default part is a greedy ``.*``, so
    a match runs to the last ``}`` of its line. It then cuts the match back to the expression's own
    closing brace (``_closing_brace``), and expands the text between that brace and the last one as
    a template of its own (whose errors name only that text) before going on after the last one.
    The same is done here with positions into one string instead of matches and slices, so a line
    of 50,000 ``${A:-x}`` is not copied once per expression; a stack of windows, not recursion,
    keeps such lines off the Python call stack.
    """
    if "$" not in template:
        return template
    scan = _Scan(template)
    out: list[str] = []
    size = 0
    windows: list[tuple[int, int, int]] = [(0, len(template), 0)]  # (start, end, position)
    while windows:
        start, end, pos = windows.pop()
        while True:
            dollar = template.find("$", pos, end)
            if dollar < 0:
                out.append(template[pos:end])
                size += end - pos
                break
            out.append(template[pos:dollar])
            size += dollar - pos
            value, pos, rest = _expression(template, dollar, start, end, scan, run)
            out.append(value)
            size += len(value)
            if size > MAX_VALUE_LENGTH:
                raise ValueTooLongError()
            if rest is not None:  # expand the cut-off text first, then go on after it
                windows.append((start, end, pos))
                windows.append((rest[0], rest[1], rest[0]))
                break
    return "".join(out)


class _Scan:
    """Where the line breaks and braces of a template are, found once and only when needed."""

    __slots__ = ("_breaks", "_closing", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._breaks: list[int] | None = None
        self._closing: list[int] | None = None

    def last_closing_brace(self, start: int, end: int) -> int:
        """The last ``}`` at or after ``start`` on its line (before ``end``), or -1: where the
        greedy ``.*`` of compose-go's pattern stops."""
        if self._breaks is None or self._closing is None:
            self._breaks = [i for i, char in enumerate(self.text) if char == "\n"]
            self._closing = [i for i, char in enumerate(self.text) if char == "}"]
        line_break = bisect.bisect_left(self._breaks, start)
        line_end = min(end, self._breaks[line_break]) if line_break < len(self._breaks) else end
        index = bisect.bisect_left(self._closing, line_end) - 1
        return self._closing[index] if index >= 0 and self._closing[index] >= start else -1


def _expression(
    text: str, dollar: int, start: int, end: int, scan: _Scan, run: _Run
) -> tuple[str, int, tuple[int, int] | None]:
    """The value of what starts at ``text[dollar]`` (a ``$``) within the window ``start:end``, where
    the scan goes on, and the window that still has to be expanded as a template of its own."""
    following = dollar + 1
    char = text[following] if following < end else ""
    if char == "$":
        return "$", following + 1, None
    if char != "{":
        named = _NAME_PREFIX.match(text, following, end)
        if named is None:  # "$" before anything else is kept as it is
            return "$", following, None
        return _plain(named.group(), run), named.end(), None
    name_match = _NAME_PREFIX.match(text, following + 1, end)
    if name_match is None:
        raise InvalidTemplateError(text[start:end], dollar)
    name, after = name_match.group(), name_match.end()
    if after < end and text[after] == "}":
        return _plain(name, run), after + 1, None
    operator = text[after : after + 2] if text.startswith(":", after) else text[after : after + 1]
    if operator not in _OPERATORS or after + len(operator) > end:
        raise InvalidTemplateError(text[start:end], dollar)
    argument_start = after + len(operator)
    last = scan.last_closing_brace(argument_start, end)
    if last < 0:
        raise InvalidTemplateError(text[start:end], dollar)
    close = _closing_brace(text, following, last + 1)
    if close < 0:
        close = last
    try:
        value = _apply(name, operator, text[argument_start:close], run)
    except InvalidTemplateError as error:  # inside the default: its offset is into the default
        error.offset += argument_start
        raise
    return value, last + 1, (close + 1, last + 1) if close < last else None


_OPERATORS = frozenset({":-", "-", ":?", "?", ":+", "+"})
_BRACES = re.compile("[{}]")


def _closing_brace(text: str, opening: int, end: int) -> int:
    """Index of the ``}`` that closes the ``{`` at ``text[opening]``, before ``end``; -1 if none.

    Counted as compose-go counts: the character right after each ``{`` is skipped, so ``{}`` inside a
    default opens without closing. ``${A:-{}}x}`` is therefore one expression with default ``{}}x``
    (docker compose 2.40.3 prints ``{}}x``), and ``${A:-{}`` gives ``{``.
    """
    depth = 0
    skipped = -1
    for brace in _BRACES.finditer(text, opening, end):
        index = brace.start()
        if index == skipped:
            continue
        if brace.group() == "{":
            depth += 1
            skipped = index + 1
        else:
            depth -= 1
            if depth == 0:
                return index
    return -1


def _plain(name: str, run: _Run) -> str:
    value = run.get(name)
    if value is None:
        run.unset.setdefault(name, None)
        return ""
    return value


def _apply(name: str, operator: str, argument: str, run: _Run) -> str:
    """``${name<operator>argument}``: ``:-`` ``-`` ``:?`` ``?`` ``:+`` ``+``.

    The operator is the first one after the name, which is compose-go's "earliest position" rule:
    ``${UNSET-a?b}`` defaults to ``a?b`` and ``${UNSET?a-b}`` fails with reason ``a-b``.
    """
    expanded = _nested(argument, run) if run.eager else None
    value = run.get(name)
    # The colon forms treat an empty value like an unset one.
    usable = value is not None and (value != "" or not operator.startswith(":"))
    kind = operator[-1]
    # "-" and "?" keep a usable value, "+" replaces it (and otherwise yields the value, or "").
    keeps_value = not usable if kind == "+" else usable
    if keeps_value:
        return value or ""
    argument = expanded if expanded is not None else _nested(argument, run)
    if kind == "?":
        raise MissingRequiredError(name, argument)
    return argument


def _nested(template: str, run: _Run) -> str:
    if run.nesting >= _MAX_NESTING:
        raise InterpolationError(f"interpolation nested more than {_MAX_NESTING} levels deep")
    run.nesting += 1
    try:
        return _expand(template, run)
    finally:
        run.nesting -= 1


# --- the value tree -------------------------------------------------------------------------------


def interpolate_tree(
    tree: YMap, lookup: Lookup, *, path_prefix: str = "", eager_defaults: bool = False
) -> YMap:
    """A copy of ``tree`` with every string value interpolated; raises the first error as ``ComposeError``.

    Keys are never interpolated. A string containing ``$`` becomes ``IStr(value, template, variables,
    unset)``; other values are kept as they are (strings that are already ``IStr`` were interpolated
    before and are not expanded twice). Containers are rebuilt with the same spans; ``!override``
    values are interpolated inside, ``!reset`` is kept. ``path_prefix`` is prepended to the dotted
    paths in messages when ``tree`` is not a file's root.
    """
    result, errors = _Walker(lookup, eager_defaults, stop_at_first=True).walk(tree, path_prefix)
    if errors:
        raise errors[0]
    return result


def interpolate_tree_collect(
    tree: YMap,
    lookup: Lookup,
    *,
    path_prefix: str = "",
    eager_defaults: bool = False,
    budget: Budget | None = None,
) -> tuple[YMap, list[ComposeError]]:
    """Like ``interpolate_tree`` but keeps going: every error is returned, in document order, and a
    value that failed keeps its raw text. With a ``budget`` shared by the files of a project, the
    values stop growing once it is spent (reported once, as a limit)."""
    return _Walker(lookup, eager_defaults, stop_at_first=False, budget=budget).walk(tree, path_prefix)


class Budget:
    """How many characters interpolation may still add to a project's values.

    Each value is bounded (``MAX_VALUE_LENGTH``), but a megabyte-long variable used in every value of
    every file of a project would still take gigabytes; past the budget, values keep their raw text.
    """

    __slots__ = ("remaining", "spent")

    def __init__(self, characters: int = MAX_PROJECT_GROWTH) -> None:
        self.remaining = characters
        self.spent = False


class _Walker:
    """Depth-first, document-order copy of a tree with an explicit stack (trees can be 500 deep).

    This runs over every node of every file: values are dispatched on their exact class, and a
    value's dotted path is only built when an error needs it.
    """

    def __init__(
        self, lookup: Lookup, eager: bool, *, stop_at_first: bool, budget: Budget | None = None
    ) -> None:
        self.lookup = lookup
        self.eager = eager
        self.stop_at_first = stop_at_first
        self.errors: list[ComposeError] = []
        self.budget = budget

    def walk(self, tree: YMap, path_prefix: str) -> tuple[YMap, list[ComposeError]]:
        root = _empty_map(tree)
        # Each frame: the source's remaining (key, value) pairs, the source, its copy, its path.
        stack: list[tuple[Iterator[tuple[Any, Any]], YMap | YSeq, YMap | YSeq, str]] = [
            (iter(tree.items()), tree, root, path_prefix)
        ]
        errors = self.errors
        while stack and not (self.stop_at_first and errors):
            entries, source, target, path = stack[-1]
            for key, value in entries:
                cls = value.__class__
                original: YMap | YSeq | None = None  # a container: its copy is filled next
                if cls is str:
                    if "$" in value:
                        value = self.interpolate(value, _span_of(source, key), path, key)
                elif cls is YMap or cls is YSeq:
                    original = value
                    value = _empty_copy(value)
                elif cls is OverrideTag:
                    inner = value.value
                    if inner.__class__ is YMap or inner.__class__ is YSeq:
                        original = inner
                        inner = _empty_copy(inner)
                    elif inner.__class__ is str and "$" in inner:
                        inner = self.interpolate(inner, _span_of(source, key), path, key)
                    value = OverrideTag(inner, value.span)
                if isinstance(target, YMap):
                    target[key] = value
                else:
                    target.append(value)
                if original is not None:
                    copy = value.value if value.__class__ is OverrideTag else value
                    items = original.items() if original.__class__ is YMap else enumerate(original)
                    stack.append((iter(items), original, copy, _join(path, key)))
                    break
            else:
                stack.pop()
        return root, errors

    def interpolate(self, value: str, span: Span, path: str, key: str | int) -> str:
        budget = self.budget
        if budget is not None and budget.spent:
            return value
        try:
            result = substitute(value, self.lookup, eager_defaults=self.eager)
        except InterpolationError as error:
            self.errors.append(_tree_error(error, _join(path, key), span, value))
            return value
        if budget is not None and len(result.value) > len(value):
            budget.remaining -= len(result.value) - len(value)
            if budget.remaining < 0:
                budget.spent = True
                message = (
                    f"interpolation makes the project's values more than {MAX_PROJECT_GROWTH:,} characters "
                    f"longer than written, from {_join(path, key)} on; later values were not interpolated (limit)"
                )
                self.errors.append(ComposeError(message, span, rule="limit-exceeded"))
                return value
        return IStr(result.value, value, result.variables, result.unset)


def _empty_map(source: YMap) -> YMap:
    out = YMap(source.span)
    out.key_spans.update(source.key_spans)
    out.value_spans.update(source.value_spans)
    return out


def _empty_seq(source: YSeq) -> YSeq:
    out = YSeq(source.span)
    out.item_spans.extend(source.item_spans)
    return out


def _empty_copy(source: YMap | YSeq) -> YMap | YSeq:
    return _empty_map(source) if isinstance(source, YMap) else _empty_seq(source)


def _span_of(container: YMap | YSeq, key: str | int) -> Span:
    if isinstance(container, YMap):
        return container.value_span(str(key))
    return container.item_span(int(key))


def _join(path: str, key: str | int) -> str:
    # Compose prints list items as ".[]"; an index says which one.
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _bad_expression_length(value: str, dollar: int) -> int:
    """How much of ``value`` from its ``$`` to underline: to the closing brace, else to the line's end."""
    line_end = value.find("\n", dollar)
    line_end = len(value) if line_end < 0 else line_end
    close = value.find("}", dollar, line_end)
    return (close + 1 if close >= 0 else line_end) - dollar


def _tree_error(error: InterpolationError, path: str, span: Span, value: str) -> ComposeError:
    if isinstance(error, MissingRequiredError):
        return ComposeError(
            f"error while interpolating {path}: {error.message}", span, rule="missing-required-variable"
        )
    if isinstance(error, ValueTooLongError):
        return ComposeError(f"cannot interpolate {path}: {error.message}", span, rule="limit-exceeded")
    if isinstance(error, InvalidTemplateError):
        # Compose spreads this over three lines; a finding wants one.
        message = (
            f"invalid interpolation format for {path}: {go_quote(error.template)}; "
            "you may need to escape any $ with another $"
        )
        found = ComposeError(message, span, rule="invalid-interpolation")
        found.fragment = (value, error.offset, _bad_expression_length(value, error.offset))
        return found
    return ComposeError(
        f"error while interpolating {path}: {error.message}", span, rule="invalid-interpolation"
    )
