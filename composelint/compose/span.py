"""Source positions: the only place where 0-based YAML marks become 1-based."""

from __future__ import annotations

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
