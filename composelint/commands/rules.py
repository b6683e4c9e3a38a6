"""`composelint rules` (the table) and `composelint rule NAME_OR_ID` (the full page)."""

from __future__ import annotations

import argparse
import difflib
import sys

from composelint.commands.plugins import warn_about_broken_plugins
from composelint.compose.errors import UsageError
from composelint.docs import rule_page
from composelint.exitcodes import EXIT_OK
from composelint.registry import Registry


def run_rules(args: argparse.Namespace) -> int:
    registry = Registry.default()
    rows = [("ID", "NAME", "FAMILY", "SEVERITY", "DEFAULT", "FIX")]
    for rule in registry.rules:
        rows.append(
            (
                rule.id,
                rule.name,
                rule.family(),
                rule.severity.value,
                "on" if rule.enabled_by_default else "off",
                rule.fix_safety or "no",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        sys.stdout.write(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)).rstrip() + "\n"
        )
    warn_about_broken_plugins(registry)
    return EXIT_OK


def run_rule(args: argparse.Namespace) -> int:
    registry = Registry.default()
    rule = registry.lookup(args.rule)
    family = registry.matching(args.rule) if rule is None and args.rule.upper() != "ALL" else []
    if family:  # "CL2": a family or prefix names several rules
        ids = ", ".join(r.id for r in family)
        raise UsageError(
            f"'{args.rule}' names {len(family)} rules ({ids}): give one, e.g. `composelint rule {family[0].id}`, "
            f"or list them with `composelint rules`"
        )
    if rule is None:
        names = [r.name for r in registry.rules] + [r.id for r in registry.rules]
        close = difflib.get_close_matches(args.rule, names, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise UsageError(f"unknown rule '{args.rule}'{hint}")
    sys.stdout.write(rule_page(rule))
    return EXIT_OK
