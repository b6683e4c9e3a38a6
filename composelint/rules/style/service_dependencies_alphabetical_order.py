"""CL605 service-dependencies-alphabetical-order: depends_on entries are not in alphabetical order."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import Any

from composelint.compose.span import Span
from composelint.compose.tree import YMap, YSeq
from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.style.common import own_items, own_keys, sort_key, sorted_fix, written_services


def _first_unsorted(names: Sequence[tuple[str, Span]]) -> tuple[str, Span, str] | None:
    """The first name that sorts before the one written above it, with that one."""
    for (previous, _), (name, span) in itertools.pairwise(names):
        if sort_key(name) < sort_key(previous):
            return name, span, previous
    return None


def _dependency_names(node: Any) -> list[tuple[str, Span]]:
    if isinstance(node, YMap):
        return own_keys(node)
    if isinstance(node, YSeq):
        return [(item, span) for item, span in own_items(node) if isinstance(item, str)]
    return []


class ServiceDependenciesAlphabeticalOrder(Rule):
    """The `depends_on` entries of a service are not in alphabetical order.

    ## What it does
    In each compose file, reports the first `depends_on` entry (short or long syntax) that sorts
    before the entry written above it (case-insensitive; punctuation before digits before letters).
    Off by default (dclint: `service-dependencies-alphabetical-order`).

    ## Why is this bad?
    Sorted lists are easier to scan and merge. Compose starts dependencies in dependency order
    whatever the order written, so this is only a convention.

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.1
        depends_on: [redis, db]
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.1
        depends_on: [db, redis]
    ```
    """

    id = "CL605"
    name = "service-dependencies-alphabetical-order"
    fix_safety = "safe"
    fix_summary = "sorts the entries of depends_on (short or long syntax), comments moved with them"
    severity = Severity.INFO
    summary = "depends_on entries are not in alphabetical order"
    enabled_by_default = False

    def check(self, ctx: Context) -> Iterator[Violation]:
        for _, service, definition in written_services(ctx):
            dependencies = definition.get("depends_on")
            unsorted = _first_unsorted(_dependency_names(dependencies))
            if unsorted is not None and isinstance(dependencies, (YMap, YSeq)):
                name, span, previous = unsorted
                yield Violation(
                    span,
                    f"depends_on of service {service}: {name} should come before {previous}",
                    service,
                    fix=sorted_fix(
                        ctx,
                        dependencies,
                        lambda entry, _: sort_key(entry) if isinstance(entry, str) else None,
                        "sort depends_on",
                    ),
                )
