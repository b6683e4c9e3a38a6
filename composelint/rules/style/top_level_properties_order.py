"""CL604 top-level-properties-order: top-level keys are not in the conventional order."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping
from typing import ClassVar

from composelint.finding import Severity, Violation
from composelint.rule import Context, Option, Rule
from composelint.rules.style.common import Rank, order_violations, own_keys, sorted_fix, written_documents

_TOP_LEVEL_ORDER = [
    "x-*",
    "version",
    "name",
    "include",
    "services",
    "networks",
    "volumes",
    "secrets",
    "configs",
    "models",
]


class TopLevelPropertiesOrder(Rule):
    """The top-level keys of a compose file are not in the conventional order.

    ## What it does
    In each compose file, reports each top-level key written after one that the order puts later,
    naming the latest-ordered key above it. The order is dclint's (`top-level-properties-order`): `x-`
    extensions, version, name, include, services, networks, volumes, secrets, configs, with `models`
    added last (option `order`, shell patterns allowed). Unlike dclint, keys outside the order are not
    reported, and extensions need not be in alphabetical order among themselves. Off by default.

    ## Why is this bad?
    Readers expect reusable fragments first and the services before the resources they use. It is a
    convention, not a correctness problem.

    ## Example
    ```yaml
    volumes:
      data: {}
    services:
      db:
        image: postgres:16.4
    ```

    ## Use instead
    ```yaml
    services:
      db:
        image: postgres:16.4
    volumes:
      data: {}
    ```
    """

    id = "CL604"
    name = "top-level-properties-order"
    fix_safety = "safe"
    fix_summary = "orders the top-level keys, each moved with its value and the comment lines above it"
    severity = Severity.INFO
    summary = "Top-level keys are not in the conventional order"
    enabled_by_default = False
    options: ClassVar[Mapping[str, Option]] = {
        "order": Option(list, _TOP_LEVEL_ORDER, "top-level keys (shell patterns) in the expected order"),
    }

    def check(self, ctx: Context) -> Iterator[Violation]:
        order = [str(key) for key in ctx.options.get("order", _TOP_LEVEL_ORDER)]

        def rank(key: str) -> Rank | None:
            index = next((i for i, pattern in enumerate(order) if fnmatch.fnmatchcase(key, pattern)), None)
            return None if index is None else Rank(index, "")

        for _, document in written_documents(ctx):
            for key, span, previous in order_violations(own_keys(document), rank, against_highest=True):
                yield Violation(
                    span,
                    f"top-level key {key} should come before {previous}",
                    fix=sorted_fix(ctx, document, lambda name, _: rank(name), "order the top-level keys"),
                )
