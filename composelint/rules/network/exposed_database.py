"""CL202 exposed-database: a data service publishes a port on a non-loopback address."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.compose.specs import is_wildcard
from composelint.finding import Severity, Violation
from composelint.project.model import PortMapping
from composelint.rule import Context, Rule
from composelint.rules.network.common import as_written, bind_to_loopback, only_internal_networks


class ExposedDatabase(Rule):
    """A database, cache or search engine publishes a port to the outside world.

    ## What it does
    Reports data services (PostgreSQL, MySQL, MongoDB, Redis, Elasticsearch and many more,
    recognised by their image, a word of the image's name such as `ragflow-mysql` (not tools like
    `redis-commander` or `postgres-backup`), their command (`redis-server`), or two of their
    container port, data directory and server-side environment; configurable; the message says why
    when the image alone does not) that publish a port on a non-loopback address — no host IP,
    `0.0.0.0`, `::` or a LAN address — in short or long syntax, after interpolation
    (`"${DB_PORT:-5432}:5432"` counts), or that run with `network_mode: host` (reported at the
    `network_mode` line). A data service in another service's network namespace (`network_mode:
    service:vpn`) is exposed by that service's ports that map its own client port (5432 for
    PostgreSQL...). Reported at the port entry. `expose:` and ports bound to `127.0.0.1` or `::1`
    are fine.

    ## Why is this bad?
    Docker publishes ports past the host firewall (it writes its own iptables rules), so a database
    port published on all interfaces is usually reachable from the internet. Scanners find open
    Redis, MongoDB and Elasticsearch ports within minutes.

    ## Example
    ```yaml
    services:
      db:
        image: postgres:16
        ports: ["5432:5432"]
    ```

    ## Use instead
    ```yaml
    services:
      db:
        image: postgres:16
        ports: ["127.0.0.1:5432:5432"]
    ```
    """

    id = "CL202"
    name = "exposed-database"
    fix_safety = "unsafe"
    fix_summary = (
        "binds the port to 127.0.0.1 where it is written (long syntax gets `host_ip: 127.0.0.1`): "
        "clients on other hosts lose access"
    )
    severity = Severity.ERROR
    summary = "A data service publishes a port on a non-loopback address"
    security_severity = 8.6

    def check(self, ctx: Context) -> Iterator[Violation]:
        policy = ctx.data_services
        for service in ctx.project.services.values():
            if not policy.is_data_service(service):
                continue
            graph = ctx.graph  # only projects with a data service need it
            kind = policy.kind(service)
            who = f"{kind} service {service.name}{policy.why(service)}"
            owner = graph.namespace_owner(service.name)
            mode = service.network_mode or ""
            if graph.on_host_network(service.name):
                span = service.value_span("network_mode") or service.span
                how = "runs with network_mode: host"
                if owner != service.name:
                    how = f"shares the network namespace of {owner}, which runs with network_mode: host"
                yield Violation(
                    span,
                    f"{who} {how}, so every port it listens on is open on the host's interfaces",
                    service.name,
                )
            elif owner != service.name:
                # Its own ports are refused; the owner's ports that map its client ports expose it.
                client_ports = policy.client_ports(service)
                for port in graph.published_ports(service.name):
                    if not port.is_loopback and port.target in client_ports:
                        yield Violation(
                            port.span,
                            f"{who} listens in the network namespace of {owner}, "
                            f"which publishes its port {port.target}/{port.protocol} on {_interfaces(port)} "
                            f"({_host_port(port)}){as_written(port)}; bind it to 127.0.0.1",
                            service.name,
                        )
            elif only_internal_networks(service, ctx.project.networks):
                continue  # Docker publishes none of its ports: ports-on-internal-network (CL213)
            elif mode != "none" and not mode.startswith("container:"):
                for port in service.ports:
                    if port.is_loopback:
                        continue
                    yield Violation(
                        port.span,
                        f"{who} publishes port {port.target}/{port.protocol} on "
                        f"{_interfaces(port)} ({_host_port(port)}){as_written(port)}; bind it to "
                        "127.0.0.1 or drop the mapping and reach it over an internal network",
                        service.name,
                        fix=bind_to_loopback(ctx, service, port),
                    )


def _interfaces(port: PortMapping) -> str:
    if not port.host_ip:
        return "all interfaces"
    return f"all interfaces ({port.host_ip})" if is_wildcard(port.host_ip) else port.host_ip


def _host_port(port: PortMapping) -> str:
    return f"host port {port.published}" if port.published else "a random host port"
