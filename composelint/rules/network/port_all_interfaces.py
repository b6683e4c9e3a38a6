"""CL204 port-all-interfaces: a port is published on all interfaces."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.network.common import as_written, port_entries, ports_ignored


class PortAllInterfaces(Rule):
    """A port is published on every interface of the host.

    ## What it does
    Reports published ports that are not bound to a specific address: no host IP, `0.0.0.0` or `::`,
    in short or long syntax, after interpolation (`"${BIND:-0.0.0.0}:80:80"` counts, and so does
    `"${HOST}:8080:80"` when `HOST` is unset, which is what Docker then does). A container-only entry
    such as `"8000"` counts too: Docker publishes it on a random host port on every interface.

    Databases, caches and search engines are left to `exposed-database` (CL202), which reports them
    as errors, so the same port is not reported twice. Ports of services on `network_mode: host`,
    `service:` or `container:` are left to `ports-with-network-mode` (CL206). Informational: publishing
    a web server to the world is often the point.

    ## Why is this bad?
    Docker writes its own firewall rules, so a port published on all interfaces is reachable from
    every network the host is on, often the internet, whatever the host firewall says. Ports that
    only the host needs (admin UIs, debuggers, metrics) belong on `127.0.0.1`, ports that only other
    containers need belong in `expose:` or on an internal network (CIS Docker Benchmark 5.13).

    ## Example
    ```yaml
    services:
      admin:
        image: example/admin:1.4
        ports: ["9000:9000"]
    ```

    ## Use instead
    ```yaml
    services:
      admin:
        image: example/admin:1.4
        ports: ["127.0.0.1:9000:9000"]
    ```
    """

    id = "CL204"
    name = "port-all-interfaces"
    severity = Severity.INFO
    summary = "A port is published on all interfaces"

    def check(self, ctx: Context) -> Iterator[Violation]:
        data_services = ctx.data_services
        for service in ctx.project.services.values():
            if ports_ignored(service) or data_services.is_data_service(service):
                continue
            for entry in port_entries(service.ports):
                port = entry.first
                if not port.on_all_interfaces:
                    continue
                if port.published:
                    what = f"port {entry.describe()}"
                else:
                    what = f"container port {entry.describe()} (on a random host port)"
                yield Violation(
                    port.span,
                    f"{what} of service {service.name} is published on all interfaces{as_written(port)}; bind it "
                    "to 127.0.0.1 if only this host needs it, or use expose if only other services do",
                    service.name,
                )
