"""Family 2 (beside the topology rules): network and port hygiene."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from composelint.dataservices import DataServices
from composelint.finding import Severity, Violation
from composelint.model import Network, PortMapping, Service
from composelint.rule import Context, Rule
from composelint.span import Span
from composelint.tree import IStr, YMap, YSeq

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _written(port: PortMapping) -> str:
    """Where an interpolated port came from, so the user sees which variable decides it."""
    if port.template is None:
        return ""
    unset = ", ".join("${" + v + "}" for v in port.unset)
    return f" (written {port.template!r}" + (f"; {unset} is unset" if unset else "") + ")"


def _ports_ignored(service: Service) -> bool:
    """Docker ignores (host) or refuses (service:, container:) published ports: ports-with-network-mode."""
    mode = service.network_mode or ""
    return mode == "host" or mode.startswith(("service:", "container:"))


class _Entry(NamedTuple):
    """One `ports` entry as written: a range like "8000-8001:80-81" expands to several mappings."""

    first: PortMapping
    last: PortMapping

    def describe(self) -> str:
        port = self.first
        host = f"[{port.host_ip}]:" if ":" in port.host_ip else f"{port.host_ip}:" if port.host_ip else ""
        published = _span_text(port.published, self.last.published)
        published = f"{published}:" if published else ""
        target = _span_text(str(port.target), str(self.last.target))
        return f"{host}{published}{target}/{port.protocol}"


def _span_text(first: str, last: str) -> str:
    return first if first == last else f"{first}-{last}"


def _entries(ports: tuple[PortMapping, ...]) -> Iterator[_Entry]:
    by_span: dict[Span, list[PortMapping]] = {}
    for port in ports:
        if port.target is not None:  # an invalid entry: invalid-port-spec reports it
            by_span.setdefault(port.span, []).append(port)
    for group in by_span.values():
        yield _Entry(group[0], group[-1])


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
        data_services = DataServices.from_settings(ctx.settings)
        for service in ctx.project.services.values():
            if _ports_ignored(service) or data_services.is_data_service(service):
                continue
            for entry in _entries(service.ports):
                port = entry.first
                if not port.on_all_interfaces:
                    continue
                if port.published:
                    what = f"port {entry.describe()}"
                else:
                    what = f"container port {entry.describe()} (on a random host port)"
                yield Violation(
                    port.span,
                    f"{what} of service {service.name} is published on all interfaces{_written(port)}; bind it "
                    "to 127.0.0.1 if only this host needs it, or use expose if only other services do",
                    service.name,
                )


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
            if _ports_ignored(service):
                continue
            for entry in _entries(service.ports):
                port = entry.first
                host_range = port.published_range
                if host_range is None or not 0 < host_range[0] < 1024:
                    continue
                yield Violation(
                    port.span,
                    f"port {entry.describe()} of service {service.name} binds host port {host_range[0]}, which "
                    f"is below 1024{_written(port)}: rootless Docker and Podman cannot bind it; publish a port "
                    "from 1024 up",
                    service.name,
                )


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


# -- the default bridge network --------------------------------------------------------------------

# A name used as a host: in a URL ("postgres://app@db/x", "http://db"), before a port ("db:5432"),
# or as the whole value of a variable whose name says it holds a host (DB_HOST: db).
_HOST_KEY = re.compile(
    r"HOST|ADDR|SERVER|SERVICE|URL|URI|DSN|ENDPOINT|BROKER|UPSTREAM|BACKEND", re.IGNORECASE
)


def _addressed_by_name(text: str, name: str, host_key: bool) -> bool:
    if host_key and text.strip() == name:
        return True
    as_host = (
        rf"(?:(?<=//)|(?<=@)){re.escape(name)}(?=$|[:/?#\s,;'\"])|(?<![\w.-]){re.escape(name)}(?=:[0-9])"
    )
    return re.search(as_host, text) is not None


def _texts_with_spans(service: Service) -> Iterator[tuple[str, str, Span, bool]]:
    """(where, text, span, holds a host) for each environment value, the command and the entrypoint."""
    for key, value in service.environment.items():
        if value:
            span = service.value_span("environment", key) or service.span
            yield f"environment {key}", value, span, _HOST_KEY.search(key) is not None
    for key in ("command", "entrypoint"):
        value = service.config.get(key)
        words = [value] if isinstance(value, str) else value if isinstance(value, YSeq) else []
        text = " ".join(w for w in words if isinstance(w, str))
        if text:
            yield key, text, service.value_span(key) or service.span, False


def _names(service: Service) -> list[str]:
    return [service.name] + ([service.container_name] if service.container_name else [])


class DefaultBridgeDns(Rule):
    """Services on the default `bridge` network address each other by name.

    ## What it does
    Reports a service that uses another service's name (or `container_name`) as a host name in its
    environment, command or entrypoint (in a URL such as `postgres://app@db/app`, before a port as in
    `db:5432`, or as the whole value of a variable named like `DB_HOST` or `REDIS_URL`) when either
    of them runs with `network_mode: bridge` and no `links` entry connects them. Reported where the
    name is written.

    ## Why is this bad?
    `network_mode: bridge` puts the container on Docker's default `docker0` network, which has no
    DNS for container names: `db` does not resolve and the connection fails at runtime. A container on
    the default bridge also cannot reach names on the project's networks. Compose's own per-project
    network (what you get without `network_mode`) has DNS (CIS Docker Benchmark 5.29).

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.1
        network_mode: bridge
        environment:
          DB_HOST: db
      db:
        image: postgres:16.4
        network_mode: bridge
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.1
        environment:
          DB_HOST: db
      db:
        image: postgres:16.4
    ```
    """

    id = "CL207"
    name = "default-bridge-dns"
    severity = Severity.WARNING
    summary = "Services on the default bridge network address each other by name"

    def check(self, ctx: Context) -> Iterator[Violation]:
        services = ctx.project.services
        on_bridge = {name for name, s in services.items() if s.network_mode == "bridge"}
        if not on_bridge:
            return
        for user in services.values():
            linked = {d.service for d in user.depends_on if d.kind == "links"}
            for where, text, span, host_key in _texts_with_spans(user):
                for target in services.values():
                    if target.name == user.name or target.name in linked:
                        continue
                    if user.name not in on_bridge and target.name not in on_bridge:
                        continue
                    name = next((n for n in _names(target) if _addressed_by_name(text, n, host_key)), None)
                    if name is None:
                        continue
                    bridged = user.name if user.name in on_bridge else target.name
                    yield Violation(
                        span,
                        f"service {user.name} addresses {target.name} as `{name}` in its {where}, but {bridged} "
                        "runs on the default bridge network (network_mode: bridge), where container names do not "
                        "resolve; drop network_mode so both use the project network",
                        user.name,
                    )
                    break


# -- network declarations --------------------------------------------------------------------------

_EXTERNAL_IGNORED = (
    "driver",
    "driver_opts",
    "ipam",
    "internal",
    "attachable",
    "enable_ipv4",
    "enable_ipv6",
    "labels",
)


class ExternalNetworkOptions(Rule):
    """An external network is declared with options that only apply when Compose creates it.

    ## What it does
    Reports `driver`, `driver_opts`, `ipam`, `internal`, `attachable`, `enable_ipv4`, `enable_ipv6`
    and `labels` on a top-level network declared `external: true`, at each such key.

    ## Why is this bad?
    Compose never creates an external network: it only checks that it exists. These options are
    silently ignored, so the file claims, say, an `internal` network or a subnet that the real network
    may not have. Set them where the network is created (`docker network create`, or the project
    that owns it).

    ## Example
    ```yaml
    networks:
      proxy:
        external: true
        internal: true
        ipam:
          config: [{subnet: 10.20.0.0/24}]
    ```

    ## Use instead
    ```yaml
    networks:
      proxy:
        external: true
    ```
    """

    id = "CL208"
    name = "external-network-options"
    severity = Severity.WARNING
    summary = "An external network is declared with options Compose ignores"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for network in ctx.project.networks.values():
            if not network.external:
                continue
            for key in _EXTERNAL_IGNORED:
                if key in network.config:
                    yield Violation(
                        network.config.key_span(key),
                        f"network {network.name} is external, so `{key}` is ignored: Compose does not create "
                        "external networks; set it where the network is created",
                    )


class _Subnet(NamedTuple):
    network: Network
    subnet: IPNetwork
    span: Span
    gateway: IPAddress | None


def _subnets(network: Network) -> list[_Subnet] | None:
    """The network's IPAM subnets as written; None when one is unknown (an unset variable)."""
    ipam = network.config.get("ipam")
    configs = ipam.get("config") if isinstance(ipam, YMap) else None
    found: list[_Subnet] = []
    if not isinstance(configs, YSeq):
        return found
    for index, entry in enumerate(configs):
        if not isinstance(entry, YMap) or not isinstance(entry.get("subnet"), str):
            continue
        text = entry["subnet"]
        if isinstance(text, IStr) and text.unset:
            return None
        try:
            subnet = ipaddress.ip_network(text, strict=False)
        except ValueError:
            continue  # the engine refuses it with its own message
        gateway = entry.get("gateway")
        try:
            gateway_ip = ipaddress.ip_address(gateway) if isinstance(gateway, str) else None
        except ValueError:
            gateway_ip = None
        span = entry.value_span("subnet") if "subnet" in entry else configs.item_span(index)
        found.append(_Subnet(network, subnet, span, gateway_ip))
    return found


class OverlappingSubnets(Rule):
    """Two subnets of the project's networks overlap.

    ## What it does
    Compares the `ipam.config` subnets of every network the project creates (external networks are
    not compared), across networks and within one, after interpolation. Each subnet that overlaps one
    written earlier is reported at its `subnet`, naming the other. Two keys that name the same Docker
    network are one network.

    ## Why is this bad?
    Docker refuses to create a network whose address pool overlaps an existing one: `docker compose
    up` fails with "Pool overlaps with other one on this address space". When the overlap is with a
    network of another project, it fails only on the machine where both run.

    ## Example
    ```yaml
    networks:
      front:
        ipam:
          config: [{subnet: 10.10.0.0/16}]
      back:
        ipam:
          config: [{subnet: 10.10.5.0/24}]
    ```

    ## Use instead
    ```yaml
    networks:
      front:
        ipam:
          config: [{subnet: 10.10.0.0/24}]
      back:
        ipam:
          config: [{subnet: 10.10.5.0/24}]
    ```
    """

    id = "CL209"
    name = "overlapping-subnets"
    severity = Severity.ERROR
    summary = "Subnets of two networks overlap"

    def check(self, ctx: Context) -> Iterator[Violation]:
        seen: list[_Subnet] = []
        done: set[str] = set()
        for network in ctx.project.networks.values():
            if network.external or network.effective_name in done:
                continue
            done.add(network.effective_name)
            for subnet in _subnets(network) or []:
                other = next(
                    (
                        s
                        for s in seen
                        if s.subnet.version == subnet.subnet.version and s.subnet.overlaps(subnet.subnet)
                    ),
                    None,
                )
                seen.append(subnet)
                if other is None:
                    continue
                where = "the same network" if other.network is network else f"network {other.network.name}"
                yield Violation(
                    subnet.span,
                    f"subnet {subnet.subnet} of network {network.name} overlaps {other.subnet} of {where}: Docker "
                    "refuses to create it (Pool overlaps with other one on this address space)",
                )


class _StaticAddress(NamedTuple):
    service: Service
    network: str
    key: str  # ipv4_address or ipv6_address
    text: str
    span: Span


def _static_addresses(service: Service) -> Iterator[_StaticAddress]:
    networks = service.config.get("networks")
    if not isinstance(networks, YMap):
        return
    for network, entry in networks.items():
        if not isinstance(entry, YMap):
            continue
        for key in ("ipv4_address", "ipv6_address"):
            value = entry.get(key)
            if not isinstance(value, str) or not value or (isinstance(value, IStr) and value.unset):
                continue
            span = service.value_span("networks", network, key) or service.span
            yield _StaticAddress(service, network, key, value, span)


def _replicas(service: Service) -> int:
    deploy = service.config.get("deploy")
    for value in (service.config.get("scale"), deploy.get("replicas") if isinstance(deploy, YMap) else None):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return 1


def _exclusive(a: Service, b: Service) -> bool:
    """Services that can never run together: both have profiles, none in common."""
    return bool(a.profiles and b.profiles and not set(a.profiles) & set(b.profiles))


class InvalidStaticIp(Rule):
    """A static IP address that Docker refuses or that two containers claim.

    ## What it does
    Checks every `ipv4_address` and `ipv6_address` of a service's network entries, after
    interpolation, against the network the project creates (external networks are skipped: their
    subnets are unknown):

    - the network has no subnet in `ipam.config` (the implicit `default` network never has one);
    - the address is not a valid address of its family, or lies outside every subnet of the network;
    - the address is the subnet's `gateway`;
    - the same address on the same network is given to two services (that can run together), or to a
      service with several replicas.

    ## Why is this bad?
    The engine refuses the container ("user specified IP address is supported only when connecting
    to networks with user configured subnets", "no configured subnet contains IP address", "Address
    already in use"), so `docker compose up` fails, often only when the second container starts.

    ## Example
    ```yaml
    services:
      dns:
        image: example/dns:1.0
        networks:
          lan:
            ipv4_address: 10.0.1.10
      ntp:
        image: example/ntp:1.0
        networks:
          lan:
            ipv4_address: 10.0.1.10
    networks:
      lan:
        ipam:
          config: [{subnet: 10.0.0.0/24}]
    ```

    ## Use instead
    ```yaml
    services:
      dns:
        image: example/dns:1.0
        networks:
          lan:
            ipv4_address: 10.0.0.10
      ntp:
        image: example/ntp:1.0
        networks:
          lan:
            ipv4_address: 10.0.0.11
    networks:
      lan:
        ipam:
          config: [{subnet: 10.0.0.0/24}]
    ```
    """

    id = "CL210"
    name = "invalid-static-ip"
    severity = Severity.ERROR
    summary = "A static IP address is outside its network's subnets or used twice"

    def check(self, ctx: Context) -> Iterator[Violation]:
        project = ctx.project
        claimed: dict[tuple[str, IPAddress], _StaticAddress] = {}
        for service in project.services.values():
            for static in _static_addresses(service):
                network = project.networks.get(static.network)
                if network is None or network.external:
                    continue
                address = self._address(static)
                if address is None:
                    family = static.key[3]  # ipv4_address, ipv6_address
                    message = f"{static.key} {static.text!r} is not a valid IPv{family} address: the engine refuses it"
                    yield self._violation(static, message)
                    continue
                problem = self._outside(static, network, address)
                if problem is not None:
                    yield self._violation(static, problem)
                    continue
                key = (network.effective_name, address)
                first = claimed.get(key)
                if first is not None and not _exclusive(first.service, service):
                    yield self._violation(
                        static,
                        f"{static.key} {address} on network {static.network} is already given to service "
                        f"{first.service.name}: the second container fails with 'Address already in use'",
                    )
                claimed.setdefault(key, static)
                if _replicas(service) > 1:
                    yield self._violation(
                        static,
                        f"it runs {_replicas(service)} replicas with the fixed {static.key} {address}: only the "
                        "first one can start",
                    )

    @staticmethod
    def _address(static: _StaticAddress) -> IPAddress | None:
        try:
            address = ipaddress.ip_address(static.text)
        except ValueError:
            return None
        return address if address.version == (4 if static.key == "ipv4_address" else 6) else None

    @staticmethod
    def _outside(static: _StaticAddress, network: Network, address: IPAddress) -> str | None:
        subnets = _subnets(network)
        if subnets is None:
            return None  # a subnet depends on an unset variable
        if not subnets:
            return (
                f"network {static.network} has no subnet in ipam.config, so the engine refuses the fixed "
                f"{static.key} {address} (user specified IP address is supported only when connecting to "
                "networks with user configured subnets)"
            )
        containing = [s for s in subnets if s.subnet.version == address.version and address in s.subnet]
        if not containing:
            listed = ", ".join(str(s.subnet) for s in subnets)
            return (
                f"{static.key} {address} is outside the subnets of network {static.network} ({listed}): the "
                "engine refuses it"
            )
        if any(s.gateway == address for s in containing):
            return f"{static.key} {address} is the gateway of network {static.network}, which already uses it"
        return None

    @staticmethod
    def _violation(static: _StaticAddress, message: str) -> Violation:
        return Violation(static.span, f"service {static.service.name}: {message}", static.service.name)


class AliasCollidesWithService(Rule):
    """A network alias is the name of another service on the same network.

    ## What it does
    Reports network aliases equal to the name (or `container_name`) of another service attached to
    the same network, at the alias.

    ## Why is this bad?
    Docker's DNS answers a name with every container that has it, as a name or as an alias: clients
    looking up `db` get the real database and the aliasing service in turn, and some of their
    connections go to the wrong container. The failures look random.

    ## Example
    ```yaml
    services:
      db:
        image: postgres:16.4
      pgbouncer:
        image: example/pgbouncer:1.23
        networks:
          default:
            aliases: [db]
    ```

    ## Use instead
    ```yaml
    services:
      db:
        image: postgres:16.4
      pgbouncer:
        image: example/pgbouncer:1.23
        networks:
          default:
            aliases: [db-pool]
    ```
    """

    id = "CL211"
    name = "alias-collides-with-service"
    severity = Severity.WARNING
    summary = "A network alias is another service's name on the same network"

    def check(self, ctx: Context) -> Iterator[Violation]:
        services = ctx.project.services
        for service in services.values():
            entries = service.config.get("networks")
            if not isinstance(entries, YMap):
                continue
            for network, entry in entries.items():
                aliases = entry.get("aliases") if isinstance(entry, YMap) else None
                if not isinstance(aliases, YSeq):
                    continue
                here = ctx.graph.effective_network(network)
                for index, alias in enumerate(aliases):
                    other = self._owner(ctx, service, alias, here)
                    if other is None:
                        continue
                    what = "name" if alias == other.name else "container_name"
                    yield Violation(
                        aliases.item_span(index),
                        f"alias {alias} of service {service.name} on network {network} is the {what} of service "
                        f"{other.name}, which is on the same network: lookups of {alias} reach either container",
                        service.name,
                    )

    @staticmethod
    def _owner(ctx: Context, service: Service, alias: Any, network: str) -> Service | None:
        """The other service named ``alias`` that is on ``network`` too (its DNS name is there)."""
        if not isinstance(alias, str):
            return None
        for other in ctx.project.services.values():
            if other.name == service.name or alias not in (other.name, other.container_name):
                continue
            if any(ctx.graph.effective_network(a.network) == network for a in other.networks):
                return other
        return None


RULES: tuple[type[Rule], ...] = (
    PortAllInterfaces,
    PrivilegedHostPort,
    PortsWithNetworkMode,
    DefaultBridgeDns,
    ExternalNetworkOptions,
    OverlappingSubnets,
    InvalidStaticIp,
    AliasCollidesWithService,
)
