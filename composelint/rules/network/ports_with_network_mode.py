"""CL206 ports-with-network-mode: ports are set on a service whose network mode ignores or refuses them."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule


class PortsWithNetworkMode(Rule):
    """Ports are published by a service whose network mode ignores or refuses them.

    ## What it does
    Reports `ports` on services with `network_mode: host`, where Docker discards them, and `ports` or
    `expose` on services with `network_mode: service:...` or `container:...`, where the engine refuses
    to create the container. Reported once per service, at the `ports` (or `expose`) key.

    ## Why is this bad?
    With `host`, the container listens directly on the host's interfaces, on whatever ports its
    process opens: the `ports` list suggests a restriction that does not exist. With `service:x` or
    `container:x`, the container shares x's network stack and `docker compose up` fails with
    "conflicting options: port publishing and the container type network mode"; the ports belong on x.

    ## Example
    ```yaml
    services:
      vpn:
        image: example/vpn:2.0
      torrent:
        image: example/torrent:4.6
        network_mode: service:vpn
        ports: ["8080:8080"]
    ```

    ## Use instead
    ```yaml
    services:
      vpn:
        image: example/vpn:2.0
        ports: ["8080:8080"]
      torrent:
        image: example/torrent:4.6
        network_mode: service:vpn
    ```
    """

    id = "CL206"
    name = "ports-with-network-mode"
    severity = Severity.WARNING
    summary = "Ports are set on a service whose network mode ignores or refuses them"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            mode = service.network_mode or ""
            if mode == "host" and service.ports:
                yield Violation(
                    service.key_span("ports") or service.span,
                    f"ports of service {service.name} are ignored: with network_mode: host the container "
                    "listens on the host's interfaces directly, on every port it opens; remove the ports or "
                    "use a bridge network",
                    service.name,
                )
            elif mode.startswith(("service:", "container:")):
                owner = mode.split(":", 1)[1]
                for key, verb in (("ports", "publishing"), ("expose", "exposing")):
                    if service.config.get(key):
                        yield Violation(
                            service.key_span(key) or service.span,
                            f"service {service.name} shares the network stack of {owner} (network_mode: {mode}), "
                            f"so the engine refuses its {key}: 'conflicting options: port {verb} and the "
                            f"container type network mode'; declare them on {owner}",
                            service.name,
                            severity=Severity.ERROR,
                        )
