"""Family 2 (beside the topology rules): network and port hygiene."""

from __future__ import annotations

from composelint.rule import Rule

RULES: tuple[type[Rule], ...] = ()
