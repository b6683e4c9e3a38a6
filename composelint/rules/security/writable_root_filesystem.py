"""CL411 writable-root-filesystem: a service's root filesystem is writable."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule


class WritableRootFilesystem(Rule):
    """A service's root filesystem is writable (off by default).

    ## What it does
    Reports services without `read_only: true` (the strings `"true"`, `yes` count), at `read_only`
    when it is set to false, else at the service. Off by default: most images write somewhere, and
    making them read-only takes `tmpfs` or volumes for those paths.

    ## Why is this bad?
    A writable root filesystem lets an intruder change the container's programs and keep a foothold
    (CIS Docker Benchmark 5.12).

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.0
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.0
        read_only: true
        tmpfs: [/tmp]
    ```
    """

    id = "CL411"
    name = "writable-root-filesystem"
    severity = Severity.INFO
    summary = "A service's root filesystem is writable"
    enabled_by_default = False
    security_severity = 3.0

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            if service.config.get("read_only") is not True:
                yield Violation(
                    service.value_span("read_only") or service.span,
                    f"service {service.name} has a writable root filesystem; set read_only: true and "
                    "mount tmpfs or volumes where it writes",
                    service.name,
                )
