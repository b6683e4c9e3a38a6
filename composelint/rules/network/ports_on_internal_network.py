"""CL213 ports-on-internal-network: a service publishes ports but joins internal networks only."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.network.common import only_internal_networks, port_entries


class PortsOnInternalNetwork(Rule):
    """A service publishes ports, but every network it joins is `internal: true`.

    ## What it does
    Reports each published port of a service whose networks are all declared `internal: true`, at
    the port, naming the networks. `expose:` is fine: it publishes nothing.

    ## Why is this bad?
    Docker publishes no port of a container attached only to internal networks: the mapping is
    silently ignored, so the file says the service is reachable from the host when it is not
    (moby/moby#36174, moby/moby#44986; Compose does not warn, docker/compose#6534). Either the
    service needs a non-internal network too, or the mapping can go — and reviewers reading the file
    for what is exposed are misled either way.

    ## Example
    ```yaml
    services:
      api:
        image: example/api:2.1
        ports: ["8080:8080"]
        networks: [backend]
    networks:
      backend:
        internal: true
    ```

    ## Use instead
    ```yaml
    services:
      api:
        image: example/api:2.1
        ports: ["8080:8080"]
        networks: [backend, edge]
    networks:
      backend:
        internal: true
      edge: {}
    ```
    """

    id = "CL213"
    name = "ports-on-internal-network"
    severity = Severity.WARNING
    summary = "A service publishes ports but joins internal networks only"

    def check(self, ctx: Context) -> Iterator[Violation]:
        networks = ctx.project.networks
        for service in ctx.project.services.values():
            internal = only_internal_networks(service, networks)
            if not internal:
                continue
            names = ", ".join(internal)
            for entry in port_entries(service.ports):
                yield Violation(
                    entry.first.span,
                    f"port {entry.describe()} of service {service.name} is not published: every network it "
                    f"joins ({names}) is internal, and Docker publishes no port of such a container; attach it "
                    "to a non-internal network too, or drop the mapping",
                    service.name,
                )
