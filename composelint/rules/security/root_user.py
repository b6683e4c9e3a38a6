"""CL410 root-user: a service explicitly runs as root."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.compose.tree import IStr
from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule


def _runs_as_root(user: str) -> bool:
    name = user.split(":", 1)[0]
    return name == "root" or (name.isdigit() and int(name) == 0)


class RootUser(Rule):
    """A service explicitly runs as root.

    ## What it does
    Reports `user: root`, `user: "0"` and the same with any group (`root:root`, `0:1000`), at the
    value. A non-root user in the root group (`app:root`) is fine. A user chosen by a variable is
    judged by its value in the linted environment: `${UID:-0}` is root unless `UID` is set, and the
    message shows how it was written. A service without `user` runs as whatever the image says and
    is not reported, and so is a one-shot job that other services wait for
    (`condition: service_completed_successfully`): running such a job as root to prepare volumes for
    unprivileged services is the usual pattern.

    ## Why is this bad?
    Root in a container is root on the host's kernel: any escape, and any writable host mount, gives
    host root (CIS Docker Benchmark 4.1). Setting it explicitly often overrides an image that was
    built to run unprivileged.

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.0
        user: root
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.0
        user: "1000:1000"
    ```
    """

    id = "CL410"
    name = "root-user"
    severity = Severity.WARNING
    summary = "A service explicitly runs as root"
    security_severity = 5.5

    def check(self, ctx: Context) -> Iterator[Violation]:
        # Jobs that others wait for run once, before them, and exit.
        jobs = {
            dependency.service
            for service in ctx.project.services.values()
            for dependency in service.depends_on
            if dependency.condition == "service_completed_successfully"
        }
        for service in ctx.project.services.values():
            user = service.config.get("user")
            if service.name in jobs or not isinstance(user, str) or not _runs_as_root(user):
                continue
            written = user.template if isinstance(user, IStr) and user.variables else user
            yield Violation(
                service.value_span("user") or service.span,
                f"service {service.name} runs as root (user: {written}); run it as an unprivileged user",
                service.name,
            )
