"""The value tree the loader works on: plain Python values that remember where they were written.

A compose file becomes nested ``YMap`` (dict) and ``YSeq`` (list) containers holding ``str``, ``int``,
``float``, ``bool`` and ``None``. Containers record the span of each key and value, so positions
survive merging, ``extends`` and ``include``: a value copied from another file keeps that file's span.
Strings that went through interpolation are ``IStr`` and remember their template.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from composelint.compose.span import Span


class YMap(dict[str, Any]):
    """A mapping read from YAML, with the span of the mapping, of each key and of each value."""

    __slots__ = ("key_spans", "span", "value_spans")

    def __init__(self, span: Span) -> None:
        super().__init__()
        self.span = span
        self.key_spans: dict[str, Span] = {}
        self.value_spans: dict[str, Span] = {}

    def put(self, key: str, value: Any, key_span: Span, value_span: Span) -> None:
        self[key] = value
        self.key_spans[key] = key_span
        self.value_spans[key] = value_span

    def put_from(self, other: YMap, key: str, value: Any | None = None) -> None:
        """Copy ``other[key]`` (or ``value``) into this map, keeping ``other``'s spans for it."""
        self.put(
            key,
            other[key] if value is None else value,
            other.key_span(key),
            other.value_span(key),
        )

    def remove(self, key: str) -> None:
        self.pop(key, None)
        self.key_spans.pop(key, None)
        self.value_spans.pop(key, None)

    def key_span(self, key: str) -> Span:
        return self.key_spans.get(key, self.span)

    def value_span(self, key: str) -> Span:
        return self.value_spans.get(key, self.key_spans.get(key, self.span))

    def copy(self) -> YMap:
        out = YMap(self.span)
        out.update(self)
        out.key_spans.update(self.key_spans)
        out.value_spans.update(self.value_spans)
        return out

    def items_with_spans(self) -> Iterator[tuple[str, Any, Span, Span]]:
        for key, value in self.items():
            yield key, value, self.key_span(key), self.value_span(key)


class YSeq(list[Any]):
    """A sequence read from YAML, with the span of the sequence and of each item."""

    __slots__ = ("item_spans", "span")

    def __init__(self, span: Span, items: Iterable[tuple[Any, Span]] = ()) -> None:
        super().__init__()
        self.span = span
        self.item_spans: list[Span] = []
        for value, item_span in items:
            self.push(value, item_span)

    def push(self, value: Any, span: Span) -> None:
        self.append(value)
        self.item_spans.append(span)

    def item_span(self, index: int) -> Span:
        if 0 <= index < len(self.item_spans):
            return self.item_spans[index]
        return self.span

    def copy(self) -> YSeq:
        return YSeq(self.span, zip(self, self.item_spans, strict=False))

    def items_with_spans(self) -> Iterator[tuple[Any, Span]]:
        for index, value in enumerate(self):
            yield value, self.item_span(index)


class IStr(str):
    """A string that was produced by interpolation.

    ``template`` is the text as written (``"${DB_PORT:-5432}:5432"``); ``variables`` every variable
    the resolved value depended on; ``unset`` the ones that were unset without a default and so
    became empty (Compose warns and substitutes ""), so rules can say "this port depends on ${X}".
    """

    template: str
    variables: tuple[str, ...]
    unset: tuple[str, ...]

    def __new__(
        cls, value: str, template: str, variables: tuple[str, ...] = (), unset: tuple[str, ...] = ()
    ) -> IStr:
        obj = super().__new__(cls, value)
        obj.template = template
        obj.variables = variables
        obj.unset = unset
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        return (IStr, (str(self), self.template, self.variables, self.unset))


class ResetTag:
    """A value tagged ``!reset``: the path is removed from what earlier files defined."""

    __slots__ = ("span",)

    def __init__(self, span: Span) -> None:
        self.span = span

    def __repr__(self) -> str:
        return "!reset"


class OverrideTag:
    """A value tagged ``!override``: it replaces what earlier files defined instead of merging."""

    __slots__ = ("span", "value")

    def __init__(self, value: Any, span: Span) -> None:
        self.value = value
        self.span = span

    def __repr__(self) -> str:
        return f"!override {self.value!r}"


def plain(value: Any) -> Any:
    """The tree as ordinary dicts, lists and strs (for JSON output and comparisons)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, IStr):
        return str(value)
    if isinstance(value, OverrideTag):
        return plain(value.value)
    if isinstance(value, ResetTag):
        return None
    return value
