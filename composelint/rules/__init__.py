"""The built-in rules: each family module lists its rules in ``RULES`` (plugins use entry points)."""

from __future__ import annotations

from composelint.rule import Rule
from composelint.rules import hygiene, operations, security, style, topology, validity
from composelint.suppress import UnusedSuppression

BUILTIN_RULES: tuple[type[Rule], ...] = (
    *validity.RULES,
    UnusedSuppression,
    *topology.RULES,
    *hygiene.RULES,
    *security.RULES,
    *operations.RULES,
    *style.RULES,
)
