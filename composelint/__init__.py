"""composelint: a static-analysis linter for Docker Compose projects."""

from __future__ import annotations

__version__ = "0.1.0"
