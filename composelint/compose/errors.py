"""The exception types for problems a user can cause: in the project (``ComposeError``, reported as a
finding at the node at fault) or in the request (``UsageError``, exit code 2)."""

from __future__ import annotations

from collections.abc import Sequence

from composelint.compose.span import Span


class ComposeError(Exception):
    """A problem in the user's input: bad YAML, a missing variable, an unreadable file...

    ``rule`` names the validity rule that reports it (``yaml-syntax``, ``duplicate-key``...), so the
    engine can turn a load error into a finding at ``span``.
    """

    def __init__(
        self, message: str, span: Span | None = None, rule: str = "load-error", severity: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.span = span
        self.rule = rule
        # "warning" or "info" where the problem is milder than its rule's severity (a remote include
        # that is not fetched is not a missing file).
        self.severity = severity
        # (value, offset, length): the problem is that part of the scalar at ``span``, which the
        # loader narrows the span to where the source shows it (`pinpoint`).
        self.fragment: tuple[str, int, int] | None = None

    def __str__(self) -> str:
        if self.span is None:
            return self.message
        return f"{self.span}: {self.message}"


class ComposeErrors(ComposeError):
    """Several problems found in one pass (every duplicate key of a file); the first one is the message."""

    def __init__(self, errors: Sequence[ComposeError]) -> None:
        first = errors[0]
        super().__init__(first.message, first.span, first.rule)
        self.errors = list(errors)


def each_error(error: ComposeError) -> list[ComposeError]:
    """The problems an error stands for: itself, or each of several found together."""
    return error.errors if isinstance(error, ComposeErrors) else [error]


class UsageError(Exception):
    """A bad command line or configuration: exit code 2, one line on stderr per message (a
    configuration file's mistakes are all reported in one run)."""

    @property
    def messages(self) -> tuple[str, ...]:
        return tuple(str(message) for message in self.args)

    def __str__(self) -> str:
        return "\n".join(self.messages)
