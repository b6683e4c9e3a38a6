"""CL407 no-new-privileges-missing: a service does not set no-new-privileges."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.compose.tree import YSeq
from composelint.finding import Fix, Severity, Violation
from composelint.project.model import Service
from composelint.rule import Context, Rule
from composelint.rules.edits import add_entry, raw_service
from composelint.rules.security.common import no_new_privileges


class NoNewPrivilegesMissing(Rule):
    """A service does not set no-new-privileges (off by default).

    ## What it does
    Reports services whose `security_opt` does not enable no-new-privileges (`no-new-privileges`,
    `no-new-privileges:true` and `no-new-privileges=true` all do), at `security_opt` when it exists,
    else at the service. An explicit `false` is left to `no-new-privileges-disabled`. Off by default:
    most images never rely on setuid programs, and the daemon can enable it for every container
    (`"no-new-privileges": true` in `daemon.json`).

    ## Why is this bad?
    Without it, a setuid or setgid program in the image lets a compromised process gain privileges
    (CIS Docker Benchmark 5.25).

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

    id = "CL407"
    name = "no-new-privileges-missing"
    fix_safety = "unsafe"
    fix_summary = (
        'adds `security_opt: ["no-new-privileges:true"]` to the service (or the option to its list): '
        "setuid programs such as sudo stop gaining privileges"
    )
    severity = Severity.WARNING
    summary = "A service does not set no-new-privileges"
    enabled_by_default = False
    security_severity = 5.5

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            enabled, _, _ = no_new_privileges(service)
            if enabled is None:
                yield Violation(
                    service.key_span("security_opt") or service.span,
                    f"service {service.name} does not set no-new-privileges; add no-new-privileges:true "
                    "to security_opt",
                    service.name,
                    fix=_add_option(ctx, service),
                )


def _add_option(ctx: Context, service: Service) -> Fix | None:
    own = raw_service(ctx, service)
    if own is None:
        return None
    options = own.get("security_opt")
    if isinstance(options, YSeq):
        edit = add_entry(ctx, options, '"no-new-privileges:true"')
    elif "security_opt" in own:
        return None  # written in another shape (a variable, null): left to the user
    else:
        edit = add_entry(ctx, own, 'security_opt: ["no-new-privileges:true"]')
    if edit is None:
        return None
    fields = (f"services.{service.name}.security_opt",)
    return Fix("add no-new-privileges:true to security_opt", (edit,), safe=False, fields=fields)
