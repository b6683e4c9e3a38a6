"""CL409 missing-cap-drop-all: a service does not drop all capabilities."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.security.common import capabilities


class MissingCapDropAll(Rule):
    """A service keeps Docker's default capabilities (off by default).

    ## What it does
    Reports services whose `cap_drop` does not include `ALL`, at `cap_drop` when it exists, else at
    the service; a `CAP_ALL`, which Docker refuses as an unknown capability, at the entry. Off by
    default: it applies to nearly every service of every file, and many images need a few default
    capabilities back (`cap_add`), which takes testing.

    ## Why is this bad?
    Docker's default set (`CHOWN`, `DAC_OVERRIDE`, `SETUID`, `NET_RAW`...) is more than most
    services need; dropping everything and adding back the few required ones shrinks what a
    compromised process can do (CIS Docker Benchmark 5.3).

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
        cap_drop: [ALL]
    ```
    """

    id = "CL409"
    name = "missing-cap-drop-all"
    severity = Severity.WARNING
    summary = "A service does not drop all capabilities"
    enabled_by_default = False
    security_severity = 5.0

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            dropped = list(capabilities(service, "cap_drop"))
            if any(capability == "ALL" for capability, _, _ in dropped):
                continue
            misspelt = next(
                ((entry, span) for capability, entry, span in dropped if capability == "CAP_ALL"), None
            )
            if misspelt is not None:
                yield Violation(
                    misspelt[1],
                    f"service {service.name} drops {misspelt[0]}, which Docker refuses as an unknown "
                    "capability; write ALL",
                    service.name,
                )
            else:
                yield Violation(
                    service.key_span("cap_drop") or service.span,
                    f"service {service.name} keeps Docker's default capabilities; add cap_drop: [ALL] "
                    "and add back only what it needs",
                    service.name,
                )
