"""Projects done of total, on a terminal's stderr while a long run goes on; nothing in CI logs,
pipes or files."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO


class Progress:
    """Counts finished projects and redraws one status line at most ten times a second."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.total = total
        self.done = 0
        self._drawn = 0.0
        self.shown = False
        self.enabled = total > 1 and _interactive(self.stream)

    def __call__(self, count: int) -> None:
        self.done += count
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._drawn >= 0.1 or self.done >= self.total:
            self._drawn = now
            self.shown = True
            self.stream.write(f"\r\033[Kcomposelint: {self.done}/{self.total} projects checked")
            self.stream.flush()

    def clear(self) -> None:
        """Remove the status line before the report is printed."""
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False


def _interactive(stream: TextIO) -> bool:
    # CI services set CI (GitHub, GitLab, Azure...); their logs must not fill with status lines.
    if os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except ValueError:
        return False
