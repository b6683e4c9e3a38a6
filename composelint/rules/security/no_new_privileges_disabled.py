"""CL406 no-new-privileges-disabled: a service explicitly allows privilege escalation."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.security.common import no_new_privileges


class NoNewPrivilegesDisabled(Rule):
    """A service explicitly allows privilege escalation (`no-new-privileges:false`).

    ## What it does
    Reports a `security_opt` entry that sets no-new-privileges to false (`no-new-privileges:false`,
    `no-new-privileges=false`, `=0`...), at the entry. Services that do not mention it are left to
    the opt-in `no-new-privileges-missing`.

    ## Why is this bad?
    With no-new-privileges, setuid and setgid programs cannot raise a process's privileges. Turning
    it off explicitly also overrides a daemon that enables it for every container (CIS Docker
    Benchmark 5.25).

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.0
        security_opt: ["no-new-privileges:false"]
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.0
        security_opt: ["no-new-privileges:true"]
    ```
    """

    id = "CL406"
    name = "no-new-privileges-disabled"
    severity = Severity.WARNING
    summary = "A service explicitly allows privilege escalation"
    security_severity = 5.5

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            enabled, span, entry = no_new_privileges(service)
            if enabled is False and span is not None:
                yield Violation(
                    span,
                    f"service {service.name} turns no-new-privileges off (security_opt {entry}), so setuid "
                    "programs can raise privileges inside it; set no-new-privileges:true",
                    service.name,
                )
