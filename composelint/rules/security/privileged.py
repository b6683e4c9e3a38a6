"""CL401 privileged: a service runs in privileged mode."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.compose.span import Span
from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.security.common import raw_at


def _written_bool(ctx: Context, span: Span) -> str:
    """How a boolean that a variable decided was written (the model holds the cast value only)."""
    raw = raw_at(ctx, span) if span.path in ctx.documents else None
    return f" (written {raw!r})" if isinstance(raw, str) and "$" in raw else ""


class Privileged(Rule):
    """A service runs in privileged mode.

    ## What it does
    Reports `privileged: true`, including the string forms Compose accepts (`"true"`, `yes`, `on`),
    at the value.

    ## Why is this bad?
    A privileged container gets every capability, every host device and no seccomp, AppArmor or
    SELinux confinement: root in it is root on the host, one `mount` away (CIS Docker Benchmark 5.5).
    Docker-in-Docker and CI runners need it; suppress the finding on them with a reason.

    ## Example
    ```yaml
    services:
      agent:
        image: example/agent:1.4
        privileged: true
    ```

    ## Use instead
    ```yaml
    services:
      agent:
        image: example/agent:1.4
        cap_add: [NET_ADMIN]  # only what it needs
    ```
    """

    id = "CL401"
    name = "privileged"
    fix_summary = "which capabilities and devices the service needs is only known by running it"
    severity = Severity.ERROR
    summary = "A service runs in privileged mode"
    security_severity = 9.5

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            if service.config.get("privileged") is True:
                span = service.value_span("privileged") or service.span
                yield Violation(
                    span,
                    f"service {service.name} runs privileged{_written_bool(ctx, span)}: every capability "
                    "and host device, no seccomp or AppArmor; root in it is root on the host. Grant the "
                    "capabilities it needs",
                    service.name,
                )
