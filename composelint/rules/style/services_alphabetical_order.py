"""CL602 services-alphabetical-order: services are not in alphabetical order."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.compose.tree import YMap
from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.style.common import SortKey, own_keys, sort_key, sorted_fix, written_documents


class ServicesAlphabeticalOrder(Rule):
    """Services are not in alphabetical order.

    ## What it does
    In each compose file, reports each service written after a service whose name sorts after it,
    naming the service it should come before. Names compare as dclint compares them (Unicode
    collation: case-insensitive, punctuation before digits before letters). Off by default (dclint:
    `services-alphabetical-order`).

    ## Why is this bad?
    In long files a fixed order makes services easy to find and keeps diffs small. It is a
    convention, not a correctness problem.

    ## Example
    ```yaml
    services:
      web:
        image: nginx:1.27
      api:
        image: example/api:2.1
    ```

    ## Use instead
    ```yaml
    services:
      api:
        image: example/api:2.1
      web:
        image: nginx:1.27
    ```
    """

    id = "CL602"
    name = "services-alphabetical-order"
    fix_safety = "safe"
    fix_summary = "sorts the services, each moved with the comment lines above it"
    severity = Severity.INFO
    summary = "Services are not in alphabetical order"
    enabled_by_default = False

    def check(self, ctx: Context) -> Iterator[Violation]:
        for _, document in written_documents(ctx):
            services = document.get("services")
            if not isinstance(services, YMap):
                continue
            seen: list[tuple[SortKey, str]] = []
            for name, span in own_keys(services):
                key = sort_key(name)
                later = [item for item in seen if item[0] > key]
                if later:
                    before = min(later)[1]
                    yield Violation(
                        span,
                        f"service {name} should come before {before} (alphabetical order)",
                        name,
                        fix=sorted_fix(ctx, services, lambda key, _: sort_key(key), "sort the services"),
                    )
                seen.append((key, name))
