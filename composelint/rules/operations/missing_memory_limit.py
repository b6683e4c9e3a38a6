"""CL504 missing-memory-limit: a service has no memory limit."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.operations.common import LimitKind, missing_limit

_MEMORY = LimitKind(
    "memory limit",
    (("mem_limit",), ("deploy", "resources", "limits", "memory")),
    "without one a leak or a burst can take the host's memory and get other containers killed",
)


class MissingMemoryLimit(Rule):
    """A service has no memory limit.

    ## What it does
    Reports services with neither `mem_limit` nor `deploy.resources.limits.memory` set to a positive
    size; a limit of `0` (no limit) is reported at its value. The legacy key and the `deploy` one are
    both accepted, in every file whether or not it has a `version:` key (KICS only looks when
    `version` is present). A limit that depends on an unset variable is unknown and not reported. Off by
    default: development files rarely set limits.

    ## Why is this bad?
    A container without a memory limit can use all of the host's memory: a leak or a traffic burst in
    one service makes the kernel's OOM killer pick victims among all the others, databases included.

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
        deploy:
          resources:
            limits:
              memory: 512m
    ```
    """

    id = "CL504"
    name = "missing-memory-limit"
    severity = Severity.WARNING
    summary = "A service has no memory limit"
    enabled_by_default = False

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            violation = missing_limit(service, _MEMORY)
            if violation is not None:
                yield violation
