"""CL506 missing-pids-limit: a service has no process limit."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.operations.common import LimitKind, missing_limit

_PIDS = LimitKind(
    "process limit",
    (("pids_limit",), ("deploy", "resources", "limits", "pids")),
    "without one a fork bomb or a thread leak can exhaust the host's process table",
)


class MissingPidsLimit(Rule):
    """A service has no limit on the number of processes.

    ## What it does
    Reports services with neither `pids_limit` nor `deploy.resources.limits.pids` set to a positive
    number; `-1` and `0` mean unlimited and are reported at their value. Both keys are accepted in
    every file, with or without a `version:` key (KICS only checks files whose `version` is below 3). A
    limit that depends on an unset variable is unknown and not reported. Off by default.

    ## Why is this bad?
    Processes and threads are a host-wide resource. Without a limit, a fork bomb or a thread leak in
    one container exhausts the host's process table and nothing else can start, not even a shell to
    repair it (CIS Docker Benchmark 5.28).

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.1
        pids_limit: -1
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.1
        pids_limit: 200
    ```
    """

    id = "CL506"
    name = "missing-pids-limit"
    severity = Severity.WARNING
    summary = "A service has no process limit"
    enabled_by_default = False

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            violation = missing_limit(service, _PIDS)
            if violation is not None:
                yield violation
