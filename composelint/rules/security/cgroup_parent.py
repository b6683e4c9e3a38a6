"""CL418 cgroup-parent: a service sets its cgroup parent."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule


class CgroupParent(Rule):
    """A service sets its cgroup parent (off by default; KICS parity).

    ## What it does
    Reports `cgroup_parent`, at the value. This is KICS's "Cgroup Not Default".

    ## Why is this bad?
    The cgroup parent decides which resource limits apply to the container; placing it under a host
    cgroup can escape the limits Docker would give it (CIS Docker Benchmark 5.24).

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.0
        cgroup_parent: system.slice
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.0
        mem_limit: 512m
    ```
    """

    id = "CL418"
    name = "cgroup-parent"
    severity = Severity.INFO
    summary = "A service sets its cgroup parent"
    enabled_by_default = False
    security_severity = 2.0

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            parent = service.config.get("cgroup_parent")
            if isinstance(parent, str) and parent:
                yield Violation(
                    service.value_span("cgroup_parent") or service.span,
                    f"service {service.name} runs under cgroup {parent} instead of Docker's own; check "
                    "that its limits still apply",
                    service.name,
                )
