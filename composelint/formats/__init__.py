"""Report formats: each is a pure function from a ``Report`` to text."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from composelint import __version__
from composelint.finding import Finding, Severity
from composelint.registry import Registry


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    files: tuple[str, ...]  # every file that was linted (absolute)
    cwd: str
    registry: Registry
    fail_level: Severity
    color: bool = False
    version: str = __version__

    def relpath(self, path: str) -> str:
        """Paths as the user sees them: relative to the working directory when inside it."""
        if not os.path.isabs(path):
            return path
        try:
            return os.path.relpath(path, self.cwd)
        except ValueError:  # another drive on Windows
            return path

    def counts(self) -> dict[str, int]:
        counts = {severity.value: 0 for severity in reversed(Severity)}
        for finding in self.findings:
            counts[finding.severity.value] += 1
        return counts

    @property
    def failed(self) -> bool:
        return any(f.severity.rank >= self.fail_level.rank for f in self.findings)


Formatter = Callable[[Report], str]


def formatters() -> dict[str, Formatter]:
    from composelint.formats import json_format, text

    return {"text": text.render, "json": json_format.render}


FORMAT_NAMES = ("text", "json")
