"""CL405 security-profile-disabled: a service disables seccomp, AppArmor or SELinux confinement."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.security.common import security_options

# (what the entry turns off, what to do instead)
_CONFINEMENT_OFF = {
    ("seccomp", "unconfined"): (
        "seccomp, which blocks the system calls containers never need",
        "write a seccomp profile that allows the calls it needs",
    ),
    ("apparmor", "unconfined"): (
        "AppArmor, which confines what the container may touch",
        "write an AppArmor profile that allows what it needs",
    ),
    ("label", "disable"): (
        "SELinux separation from the host and other containers",
        "relabel its volumes (:z) or give it an SELinux type that allows what it needs",
    ),
    ("label", "type:spc_t"): (
        "SELinux separation (spc_t is the super-privileged container type)",
        "give it an SELinux type that allows only what it needs",
    ),
    ("systempaths", "unconfined"): (
        "the masking of /proc and /sys paths that expose the host kernel",
        "remove it unless the service must read or change those kernel settings",
    ),
}


class SecurityProfileDisabled(Rule):
    """A service turns off seccomp, AppArmor or SELinux confinement.

    ## What it does
    Reports `security_opt` entries that disable a protection, in both the `key=value` and the
    legacy `key:value` form: `seccomp=unconfined`, `apparmor=unconfined`, `label=disable`,
    `label=type:spc_t`, and `systempaths=unconfined` (only this spelling: Compose handles it itself
    and passes `systempaths:unconfined` to Docker, which refuses it). A custom profile
    (`seccomp=profile.json`, `apparmor=my-profile`) is fine.

    Entries are split as Docker splits them: `label:seccomp:unconfined` is an SELinux label option,
    which Docker refuses on SELinux hosts and ignores elsewhere, so it does not disable seccomp and is
    not reported (KICS reports it).

    ## Why is this bad?
    These profiles stop a compromised process from using the kernel interfaces that container
    escapes rely on (CIS Docker Benchmark 5.1, 5.2, 5.21). Write a profile that allows what the
    service needs instead of switching the protection off.

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.0
        security_opt: ["seccomp=unconfined", "apparmor:unconfined"]
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.0
        security_opt: ["seccomp=./seccomp-app.json"]
    ```
    """

    id = "CL405"
    name = "security-profile-disabled"
    severity = Severity.ERROR
    summary = "A service disables seccomp, AppArmor or SELinux confinement"
    security_severity = 7.5

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            for key, value, entry, span in security_options(service):
                found = _CONFINEMENT_OFF.get((key, value))
                if found is not None and (key != "systempaths" or entry == "systempaths=unconfined"):
                    what, instead = found
                    yield Violation(
                        span,
                        f"service {service.name} turns off {what} (security_opt {entry}); {instead}",
                        service.name,
                    )
