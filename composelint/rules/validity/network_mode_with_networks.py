"""CL109 network-mode-with-networks: network_mode and networks are set together."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule


class NetworkModeWithNetworks(Rule):
    """A service sets both `network_mode` and `networks`.

    ## What it does
    Reports services that declare `network_mode` (host, none, `service:x`, `container:x`...) and a
    non-empty `networks` list.

    ## Why is this bad?
    The two are mutually exclusive: Docker Compose refuses the project (`service web declares
    mutually exclusive network_mode and networks`).

    ## Example
    ```yaml
    services:
      exporter:
        image: prom/node-exporter:v1.8.2
        network_mode: host
        networks: [monitoring]
    ```

    ## Use instead
    ```yaml
    services:
      exporter:
        image: prom/node-exporter:v1.8.2
        network_mode: host
    ```
    """

    id = "CL109"
    name = "network-mode-with-networks"
    severity = Severity.ERROR
    summary = "network_mode and networks are set together"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            # An empty network_mode (an unset variable) is no network_mode for Compose.
            if service.network_mode and service.networks:
                span = service.key_span("networks") or service.span
                yield Violation(
                    span,
                    f"service {service.name} declares mutually exclusive `network_mode` and `networks`",
                    service.name,
                )
