"""CL107 invalid-port-spec: a port mapping Docker Compose cannot parse."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.compose.specs import is_valid_ip
from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule


class InvalidPortSpec(Rule):
    """A port mapping Docker Compose cannot parse.

    ## What it does
    Checks short and long port syntax: host IP addresses (`127.0.1:80:80`), port numbers and ranges
    (`8080-8079`, `70000`), protocols (`80/http`), mismatched host and container ranges.

    ## Why is this bad?
    Docker Compose refuses the project (`Invalid ip address: 127.0.1`).

    ## Example
    ```yaml
    services:
      web:
        image: nginx:1.27
        ports: ["127.0.1:8080:80"]
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27
        ports: ["127.0.0.1:8080:80"]
    ```
    """

    id = "CL107"
    name = "invalid-port-spec"
    severity = Severity.ERROR
    summary = "A port mapping Docker Compose cannot parse"
    load_error_kinds = ("invalid-port-spec",)

    def check(self, ctx: Context) -> Iterator[Violation]:
        yield from super().check(ctx)
        for service in ctx.project.services.values():
            for port in service.ports:
                if port.host_ip and not is_valid_ip(port.host_ip):
                    yield Violation(
                        port.span,
                        f"services.{service.name}.ports: invalid ip address: {port.host_ip}",
                        service.name,
                    )
