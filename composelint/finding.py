"""What a rule reports, and what the engine makes of it."""

from __future__ import annotations

import enum
from typing import NamedTuple

from composelint.compose.span import Span


class Severity(enum.Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(text.lower())
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {text!r} (choose from {choices})") from None


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Edit(NamedTuple):
    """Replace the text written at ``span`` (zero-width: insert there) with ``text``."""

    span: Span
    text: str


class Fix(NamedTuple):
    """How to fix a violation: edits where the values were written, verified before they are written."""

    description: str  # what the edit does, for reports: "bind the port to 127.0.0.1"
    edits: tuple[Edit, ...]
    safe: bool  # False: it changes what the project does (`--unsafe-fixes`)
    # The model paths the fix may change ("services.web.ports"): the verifier refuses any other change.
    fields: tuple[str, ...] = ()


class Violation(NamedTuple):
    """A rule's report: the node it concerns and what is wrong with it. The engine does the rest."""

    span: Span
    message: str
    service: str | None = None
    # Graded rules set it per case (e.g. error when Docker refuses, warning when it ignores);
    # a severity from the configuration still wins.
    severity: Severity | None = None
    fix: Fix | None = None
    # Other places the message is about (the other project's port of a clash).
    related: tuple[Span, ...] = ()


class Finding(NamedTuple):
    """A violation stamped by the engine with its rule, resolved severity and position."""

    path: str
    line: int
    column: int
    rule_id: str
    end_line: int
    end_column: int
    name: str
    severity: Severity
    message: str
    service: str | None = None
    related: tuple[Span, ...] = ()

    @property
    def span(self) -> Span:
        return Span(self.path, self.line, self.column, self.end_line, self.end_column)
