"""CL510 logging-disabled: a service disables logging."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.operations.common import get

# -- logging, build ------------------------------------------------------------------------------------


class LoggingDisabled(Rule):
    """A service throws its logs away with `logging.driver: none`.

    ## What it does
    Reports services whose logging driver is `none`, at the driver.

    ## Why is this bad?
    `docker compose logs` shows nothing and nothing is kept anywhere: when the service fails, the
    only evidence of why is gone. To limit disk use, keep the default driver and cap it instead
    (`max-size`, `max-file`).

    ## Example
    ```yaml
    services:
      worker:
        image: example/worker:3.0
        logging:
          driver: none
    ```

    ## Use instead
    ```yaml
    services:
      worker:
        image: example/worker:3.0
        logging:
          driver: json-file
          options:
            max-size: 10m
            max-file: "3"
    ```
    """

    id = "CL510"
    name = "logging-disabled"
    severity = Severity.WARNING
    summary = "A service disables logging"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            if get(service.config, ("logging", "driver")) == "none":
                yield Violation(
                    service.value_span("logging", "driver") or service.span,
                    f"service {service.name} discards its logs (logging driver none); keep a driver and cap "
                    "its size with max-size/max-file instead",
                    service.name,
                )
