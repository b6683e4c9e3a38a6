"""CL512 missing-healthcheck: a service defines no healthcheck."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.operations.common import completion_waiters, healthcheck


class MissingHealthcheck(Rule):
    """A service defines no healthcheck.

    ## What it does
    Reports services without a `healthcheck` test in the compose files. Services that other services
    wait for with `condition: service_completed_successfully` are jobs, not servers, and are skipped.
    Off by default and informational: many images define a `HEALTHCHECK` of their own, which the
    compose file does not show.

    ## Why is this bad?
    Without a healthcheck Docker only knows whether the main process runs, not whether it answers:
    dependents cannot wait for it to be ready, and a hung process is never noticed (CIS Docker
    Benchmark 5.26, KICS "Healthcheck Not Set").

    ## Example
    ```yaml
    services:
      api:
        image: example/api:2.1
    ```

    ## Use instead
    ```yaml
    services:
      api:
        image: example/api:2.1
        healthcheck:
          test: ["CMD", "wget", "-qO-", "http://localhost:8080/health"]
          interval: 30s
    ```
    """

    id = "CL512"
    name = "missing-healthcheck"
    severity = Severity.INFO
    summary = "A service defines no healthcheck"
    enabled_by_default = False

    def check(self, ctx: Context) -> Iterator[Violation]:
        jobs = completion_waiters(ctx.project)
        for service in ctx.project.services.values():
            if service.name in jobs or healthcheck(service).state != "absent":
                continue
            yield Violation(
                service.span,
                f"service {service.name} defines no healthcheck test; add one so Docker and dependent services "
                "can tell when it is ready",
                service.name,
            )
