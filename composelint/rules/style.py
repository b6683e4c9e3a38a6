"""Family 6: style (all off by default except the obsolete `version` key)."""

from __future__ import annotations

from composelint.rule import Rule

RULES: tuple[type[Rule], ...] = ()
