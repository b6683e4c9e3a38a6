"""Source positions: the only place where 0-based YAML marks become 1-based."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, Protocol


class _Mark(Protocol):
    line: int
    column: int


class Span(NamedTuple):
    """Where a YAML node was written: file, and 1-based start/end line and column.

    A named tuple rather than a frozen dataclass: the reader makes one per YAML node, and spans are
    hashed and compared all the time; tuples do both several times faster.
    """

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def from_marks(cls, path: str, start: _Mark, end: _Mark) -> Span:
        return cls(path, start.line + 1, start.column + 1, end.line + 1, end.column + 1)

    @classmethod
    def point(cls, path: str, line: int, column: int) -> Span:
        return cls(path, line, column, line, column)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


def within_scalar(lines: Sequence[str], span: Span, value: str, offset: int, length: int) -> Span:
    """Where ``value[offset:offset + length]`` is written inside the scalar at ``span``: its first line
    found verbatim in the scalar's source (so plain, quoted and block scalars alike), as many
    occurrences in as it is in ``value``. ``span`` itself when the source shows it otherwise
    (escapes, folding), and the whole scalar's lines are at most read once."""
    piece = value[offset : offset + length].split("\n", 1)[0]
    if not piece:
        return span
    skip = value.count(piece, 0, offset)
    for number in range(span.line, min(span.end_line, len(lines)) + 1):
        text = lines[number - 1]
        start = span.column - 1 if number == span.line else 0
        stop = span.end_column - 1 if number == span.end_line else len(text)
        column = text.find(piece, start, stop)
        while column >= 0:
            if not skip:
                return Span(span.path, number, column + 1, number, column + 1 + len(piece))
            skip -= 1
            column = text.find(piece, column + len(piece), stop)
    return span
