"""What a long run shows on a terminal while it goes on: each project's findings as soon as it is
checked, and a status line on stderr (projects checked of total). In pipes, files and CI logs,
nothing extra: the report comes whole, in its deterministic order."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from typing import TextIO

from composelint.engine import ProjectResult
from composelint.finding import Finding
from composelint.formats import Report
from composelint.formats.text import findings_block


class Progress:
    """Told of each batch of finished projects; redraws the status line at most ten times a
    second and, when ``stream_to`` is a report, prints the batch's findings right away."""

    def __init__(self, total: int, stream_to: Report | None = None, status: TextIO | None = None) -> None:
        self.status = status if status is not None else sys.stderr
        self.total = total
        self.done = 0
        self._drawn = 0.0
        self.shown = False
        self.enabled = total > 1 and interactive(self.status)
        self.report = stream_to
        self.printed: set[Finding] = set()  # a file shared by projects is reported once
        self._explained: set[str] = set()

    def __call__(self, results: Sequence[ProjectResult]) -> None:
        self.done += len(results)
        if self.report is not None:
            fresh = sorted({f for result in results for f in result.findings} - self.printed)
            if fresh:
                self.printed.update(fresh)
                self.clear()
                sys.stdout.write(findings_block(self.report, fresh, self._explained))
                sys.stdout.flush()
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._drawn >= 0.1 or self.done >= self.total:
            self._drawn = now
            self.shown = True
            self.status.write(f"\r\033[Kcomposelint: {self.done}/{self.total} projects checked")
            self.status.flush()

    def clear(self) -> None:
        """Remove the status line before more of the report is printed."""
        if self.shown:
            self.status.write("\r\033[K")
            self.status.flush()
            self.shown = False


def interactive(stream: TextIO) -> bool:
    # CI services set CI (GitHub, GitLab, Azure...); their logs must not fill with status lines.
    if os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except ValueError:
        return False
