"""Family 5: reliability and operations — images, limits, healthchecks, restarts, logging."""

from __future__ import annotations

from composelint.rule import Rule

RULES: tuple[type[Rule], ...] = ()
