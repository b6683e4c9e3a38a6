"""CL112 duplicate-container-name: two services use the same container_name."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule


class DuplicateContainerName(Rule):
    """Two services use the same `container_name`.

    ## What it does
    Reports every service after the first whose `container_name` another service already uses.

    ## Why is this bad?
    Docker refuses to create the second container (`Conflict. The container name "/db" is already in
    use`).

    ## Example
    ```yaml
    services:
      db:
        image: postgres:16
        container_name: db
      db-replica:
        image: postgres:16
        container_name: db
    ```

    ## Use instead
    ```yaml
    services:
      db:
        image: postgres:16
        container_name: db
      db-replica:
        image: postgres:16
        container_name: db-replica
    ```
    """

    id = "CL112"
    name = "duplicate-container-name"
    severity = Severity.ERROR
    summary = "Two services use the same container_name"

    def check(self, ctx: Context) -> Iterator[Violation]:
        first: dict[str, str] = {}
        for service in ctx.project.services.values():
            name = service.container_name
            if not name:
                continue
            if name in first:
                span = service.value_span("container_name") or service.span
                yield Violation(
                    span,
                    f'container_name "{name}" is already used by service "{first[name]}"',
                    service.name,
                )
            else:
                first[name] = service.name
