"""CL507 healthcheck-disabled: a service disables its healthcheck."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.operations.common import healthcheck


class HealthcheckDisabled(Rule):
    """A service disables its healthcheck.

    ## What it does
    Reports `healthcheck: {disable: true}` and `healthcheck: {test: ["NONE"]}`, which switch off the
    image's own `HEALTHCHECK`, at the key that does it. Also reports `test: NONE` written as a string:
    that does not disable anything, it runs the shell command `NONE`, which fails, so the container is
    always unhealthy.

    ## Why is this bad?
    Without a healthcheck Docker only knows whether the main process runs, not whether it works: a
    hung server stays "running", `depends_on: condition: service_healthy` cannot be used, and
    orchestration never replaces it (CIS Docker Benchmark 5.26).

    ## Example
    ```yaml
    services:
      api:
        image: example/api:2.1
        healthcheck:
          disable: true
    ```

    ## Use instead
    ```yaml
    services:
      api:
        image: example/api:2.1
        healthcheck:
          test: ["CMD", "curl", "-f", "http://localhost:8080/health"]
          interval: 30s
    ```
    """

    id = "CL507"
    name = "healthcheck-disabled"
    severity = Severity.WARNING
    summary = "A service disables its healthcheck"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            health = healthcheck(service)
            span = health.span or service.span
            if health.state == "disabled":
                yield Violation(
                    span,
                    f"service {service.name} disables its healthcheck, so Docker cannot tell a hung "
                    "container from a working one; define a test instead",
                    service.name,
                )
            elif health.state == "broken":
                yield Violation(
                    span,
                    f"healthcheck test `NONE` of service {service.name} is a string, so Docker runs the shell "
                    'command NONE, which fails: the container is always unhealthy; write test: ["NONE"] '
                    "to disable the healthcheck, or a real command",
                    service.name,
                )
