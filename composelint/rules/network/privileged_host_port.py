"""CL205 privileged-host-port: a port is published on a host port below 1024."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.network.common import as_written, port_entries, ports_ignored


class PrivilegedHostPort(Rule):
    """A port is published on a privileged host port (below 1024).

    ## What it does
    Reports published ports whose **host** side is below 1024 (`"80:8080"`, `"127.0.0.1:443:8443"`,
    long syntax `published: 80`, ranges starting below 1024), after interpolation. The container port
    does not matter: `"8080:80"` only binds 8080 on the host (KICS reports it anyway). Ports of
    services on `network_mode: host`, `service:` or `container:` are left to CL206. Off by default
    and informational: a reverse proxy on 80 and 443 is the usual, legitimate case.

    ## Why is this bad?
    Ports below 1024 are reserved for root on the host. Rootless Docker and Podman cannot bind them
    unless the host lowers `net.ipv4.ip_unprivileged_port_start`, so the project does not start there;
    with rootful Docker it works but puts the container on ports that host services and policies
    usually expect to own (CIS Docker Benchmark 5.7).

    ## Example
    ```yaml
    services:
      web:
        image: example/web:1.0
        ports: ["80:8080"]
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: example/web:1.0
        ports: ["8080:8080"]
    ```
    """

    id = "CL205"
    name = "privileged-host-port"
    severity = Severity.INFO
    summary = "A port is published on a host port below 1024"
    enabled_by_default = False

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            if ports_ignored(service):
                continue
            for entry in port_entries(service.ports):
                port = entry.first
                host_range = port.published_range
                if host_range is None or not 0 < host_range[0] < 1024:
                    continue
                yield Violation(
                    port.span,
                    f"port {entry.describe()} of service {service.name} binds host port {host_range[0]}, which "
                    f"is below 1024{as_written(port)}: rootless Docker and Podman cannot bind it; publish a port "
                    "from 1024 up",
                    service.name,
                )
