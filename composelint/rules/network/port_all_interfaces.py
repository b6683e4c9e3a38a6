"""CL204 port-all-interfaces: a port is published on all interfaces."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.network.common import (
    Entry,
    as_written,
    bind_to_loopback,
    only_internal_networks,
    port_entries,
    ports_ignored,
)


class PortAllInterfaces(Rule):
    """A port is published on every interface of the host.

    ## What it does
    Reports published ports that are not bound to a specific address: no host IP, `0.0.0.0` or `::`,
    in short or long syntax, after interpolation (`"${BIND:-0.0.0.0}:9000:9000"` counts, and so does
    `"${HOST}:9000:9000"` when `HOST` is unset, which is what Docker then does). A container-only
    entry such as `"8000"` (or `"80"`) counts too: Docker publishes it on a random host port on every
    interface, around any reverse proxy.

    Not reported: HTTP and HTTPS entry points (host port 80 or 443, or container port 80 or 443 on
    a chosen host port, as in `8080:80`), which are published to the world on purpose; databases,
    caches and search engines, left to `exposed-database` (CL202), which reports them as errors; the
    Docker Engine API's ports, left to `engine-api-over-tcp` (CL422); ports of services on
    `network_mode: host`, `service:` or `container:`, left to `ports-with-network-mode` (CL206).
    Informational.

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
    fix_safety = "unsafe"
    fix_summary = (
        'binds the port to 127.0.0.1 where it is written (`"8080:8080"` becomes `"127.0.0.1:8080:8080"`, '
        "long syntax gets `host_ip: 127.0.0.1`): other hosts lose access"
    )
    severity = Severity.INFO
    summary = "A port is published on all interfaces"

    def check(self, ctx: Context) -> Iterator[Violation]:
        data_services = ctx.data_services
        for service in ctx.project.services.values():
            if (
                ports_ignored(service)
                or data_services.is_data_service(service)
                or only_internal_networks(service, ctx.project.networks)  # not published at all: CL213
            ):
                continue
            for entry in port_entries(service.ports):
                port = entry.first
                if not port.on_all_interfaces or _web_entry(entry) or _engine_api(entry):
                    continue
                yield Violation(
                    port.span,
                    f"{_shown(entry)} of service {service.name} is published on all interfaces{as_written(port)}; "
                    "bind it to 127.0.0.1 if only this host needs it, or use expose if only other services do",
                    service.name,
                    fix=bind_to_loopback(ctx, service, port),
                )


# Where a web server's ports are published to the world on purpose: HTTP and HTTPS.
_WEB_PORTS = frozenset({80, 443})
# The Docker Engine API's ports: engine-api-over-tcp (CL422) reports them.
_ENGINE_API_PORTS = frozenset({2375, 2376})


def _web_entry(entry: Entry) -> bool:
    """An HTTP or HTTPS entry point: host port 80 or 443, or container port 80 or 443 published on a
    host port of the user's choice (`8080:80`; not `- 80`, which lands on a random port)."""
    host = entry.first.published_range
    if host is None or host[0] != host[1]:
        return False
    return host[0] in _WEB_PORTS or entry.first.target in _WEB_PORTS


def _engine_api(entry: Entry) -> bool:
    return entry.first.target in _ENGINE_API_PORTS


def _shown(entry: Entry) -> str:
    if entry.first.published:
        return f"port {entry.describe()}"
    return f"container port {entry.describe()} (on a random host port)"
