"""A test run without ../shared says in one line of its summary how many tests it skipped, and why."""

from __future__ import annotations

from typing import Any

from tests import conftest


class _Reporter:
    def __init__(self, reasons: list[str]) -> None:
        self.stats: dict[str, list[Any]] = {"skipped": [type("R", (), {"longrepr": r})() for r in reasons]}
        self.lines: list[str] = []

    def write_line(self, line: str) -> None:
        self.lines.append(line)


def test_skips_for_want_of_shared_are_counted_in_one_line() -> None:
    missing = f"('x.py', 1, 'Skipped: {conftest.SHARED / 'corpus'} is not available')"
    reporter = _Reporter([missing, missing, "('y.py', 2, 'Skipped: docker-compose is not installed')"])
    conftest.pytest_terminal_summary(reporter)  # type: ignore[arg-type]
    assert reporter.lines == [
        f"2 tests skipped: {conftest.SHARED} (the corpus, Compose's fixtures, KICS's samples) "
        "is not beside this checkout"
    ]


def test_nothing_is_said_when_shared_is_there() -> None:
    reporter = _Reporter(["('y.py', 2, 'Skipped: docker-compose is not installed')"])
    conftest.pytest_terminal_summary(reporter)  # type: ignore[arg-type]
    assert reporter.lines == []
