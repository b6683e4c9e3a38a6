"""CL420 missing-security-opt: a service sets no security_opt."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule


class MissingSecurityOpt(Rule):
    """A service has no `security_opt` at all (off by default; KICS parity).

    ## What it does
    Reports services without a `security_opt` list, at the service, and with an empty one, at its
    key. This is KICS's "Security Opt Not Set"; the options that matter are checked by
    `no-new-privileges-missing` and `security-profile-disabled`, so this rule is only useful to match
    a KICS-based policy.

    ## Why is this bad?
    A service with no `security_opt` runs with Docker's defaults: no no-new-privileges, and the
    default seccomp and AppArmor profiles.

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
        security_opt: ["no-new-privileges:true"]
    ```
    """

    id = "CL420"
    name = "missing-security-opt"
    severity = Severity.INFO
    summary = "A service sets no security_opt"
    enabled_by_default = False
    security_severity = 2.0

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            if not service.config.get("security_opt"):
                yield Violation(
                    service.key_span("security_opt") or service.span,
                    f"service {service.name} sets no security_opt; consider no-new-privileges:true",
                    service.name,
                )
