"""Family 4: security hardening — privileges, host namespaces, sockets, secrets."""

from __future__ import annotations

from composelint.rule import Rule

RULES: tuple[type[Rule], ...] = ()
