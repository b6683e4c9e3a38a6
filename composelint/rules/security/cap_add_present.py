"""CL419 cap-add-present: a service adds Linux capabilities."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.security.common import capabilities


class CapAddPresent(Rule):
    """A service adds Linux capabilities (off by default; KICS parity).

    ## What it does
    Reports every non-empty `cap_add`, once per service, at its list. This is KICS's "Container
    Capabilities Unrestricted" (first half; KICS points at the `cap_add:` key);
    `dangerous-capability` reports the capabilities that matter.

    ## Why is this bad?
    Each added capability widens what a compromised process can do; a policy may want every one
    reviewed.

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.0
        cap_add: [NET_BIND_SERVICE]
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.0
        ports: ["8080:8080"]  # an unprivileged port needs no capability
    ```
    """

    id = "CL419"
    name = "cap-add-present"
    severity = Severity.INFO
    summary = "A service adds Linux capabilities"
    enabled_by_default = False
    security_severity = 2.0

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            added = [entry for _, entry, _ in capabilities(service, "cap_add")]
            if added:
                yield Violation(
                    service.value_span("cap_add") or service.span,
                    f"service {service.name} adds capabilit{'y' if len(added) == 1 else 'ies'} "
                    f"{', '.join(added)}; keep only what it needs",
                    service.name,
                )
