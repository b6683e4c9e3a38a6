"""CL505 missing-cpu-limit: a service has no CPU limit."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.operations.common import LimitKind, missing_limit

_CPU = LimitKind(
    "CPU limit",
    (("cpus",), ("cpu_quota",), ("deploy", "resources", "limits", "cpus")),
    "without one a busy loop can starve every other container on the host",
)


class MissingCpuLimit(Rule):
    """A service has no CPU limit.

    ## What it does
    Reports services with none of `cpus`, `cpu_quota` or `deploy.resources.limits.cpus` set to a
    positive value; an explicit `0` is reported at its value. `cpu_shares` is a relative weight, not a
    limit, and does not count. The legacy keys and the `deploy` one are accepted in every file, with or
    without a `version:` key. A limit that depends on an unset variable is unknown and not reported.
    Off by default: development files rarely set limits.

    ## Why is this bad?
    A container without a CPU limit can take every core of the host: one busy loop slows every other
    service on the machine, including the ones that answer health checks.

    ## Example
    ```yaml
    services:
      worker:
        image: example/worker:3.0
    ```

    ## Use instead
    ```yaml
    services:
      worker:
        image: example/worker:3.0
        cpus: 1.5
    ```
    """

    id = "CL505"
    name = "missing-cpu-limit"
    severity = Severity.INFO
    summary = "A service has no CPU limit"
    enabled_by_default = False

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            violation = missing_limit(service, _CPU)
            if violation is not None:
                yield violation
