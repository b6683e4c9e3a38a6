"""Family 2 (network topology) and 3 (data): the rules that need the whole project graph."""

from __future__ import annotations

import fnmatch
import ipaddress
import os
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from composelint.dataservices import DataServices
from composelint.finding import Severity, Violation
from composelint.model import PortMapping, Project, Service, Volume
from composelint.rule import Context, Option, Rule
from composelint.span import Span
from composelint.specs import is_wildcard
from composelint.tree import YMap, YSeq

if TYPE_CHECKING:
    from composelint.graph import ProjectGraph

_PRODUCTION_FILE = re.compile(r"(^|[._-])(prod|production)([._-]|$)", re.IGNORECASE)


def _describe_variables(port: PortMapping) -> str:
    """Where an interpolated port came from, so the user sees which variable decides it."""
    if port.template is None:
        return ""
    unset = ", ".join("${" + v + "}" for v in port.unset)
    return f" (written {port.template!r}" + (f"; {unset} is unset" if unset else "") + ")"


def shown_host_path(path: str, project: Project) -> str:
    """A resolved host path as the user would write it: ./x below the project, ~/x below HOME."""
    relative = os.path.relpath(path, project.working_dir)
    if not relative.startswith(os.pardir):
        return "." if relative == "." else f"./{relative}"
    home = project.environment.get("HOME")
    if home and path.startswith(home.rstrip("/") + "/"):
        return "~/" + path[len(home.rstrip("/")) + 1 :]
    return path


def production_file(project: Project) -> str | None:
    """The first loaded file whose name marks production (`docker-compose.prod.yml`...), if any."""
    for path in project.config_files:
        if _PRODUCTION_FILE.search(os.path.basename(path).rsplit(".", 1)[0]):
            return os.path.basename(path)
    return None


def is_production(service: Service, project: Project, profiles: tuple[str, ...]) -> bool:
    return any(p in profiles for p in service.profiles) or production_file(project) is not None


def run_together(a: Service, b: Service) -> bool:
    """False for services that can never run at the same time: both have profiles, none in common."""
    return not (a.profiles and b.profiles and not set(a.profiles) & set(b.profiles))


# ---------------------------------------------------------------------------------------------------


def _isolation_policy(ctx: Context) -> tuple[dict[str, tuple[str, ...]], list[Violation]]:
    """Who may reach each service: the configuration's `isolation`, then the compose file's
    `x-composelint: {isolation: {db: [app]}}`, which is more specific and wins for the services it
    names. Mistakes in the compose file's policy (a name that is no service) are reported, since a
    misspelt policy would silently protect nothing."""
    project = ctx.project
    known = set(project.services) | set(project.disabled_services)
    policy = {t: tuple(a) for t, a in ctx.settings.isolation.items() if t in project.services}
    problems: list[Violation] = []
    extension = project.extensions.get("x-composelint")
    if not isinstance(extension, YMap) or "isolation" not in extension:
        return policy, problems
    isolation = extension["isolation"]
    if not isinstance(isolation, YMap):
        problems.append(Violation(extension.value_span("isolation"), _POLICY_SHAPE))
        return policy, problems
    for target, allowed, key_span, value_span in isolation.items_with_spans():
        if allowed is None:
            allowed = YSeq(value_span)  # `db:` alone: nobody may reach it
        if not isinstance(allowed, YSeq) or not all(isinstance(a, str) for a in allowed):
            problems.append(Violation(value_span, f"isolation policy of {target}: {_POLICY_SHAPE}"))
            continue
        if target not in known:
            problems.append(
                Violation(
                    key_span, f"isolation policy names {target}, which is not a service of this project"
                )
            )
            continue
        for name, span in allowed.items_with_spans():
            if name not in known:
                problems.append(
                    Violation(
                        span,
                        f"isolation policy of {target} allows {name}, which is not a service of this project",
                        target,
                    )
                )
        if target in project.services:
            policy[target] = tuple(allowed)
    return policy, problems


_POLICY_SHAPE = "map each service to the list of services allowed to reach it, like {db: [app]}"
_NAME_CHARS = r"A-Za-z0-9_\-"


def _service_texts(service: Service) -> list[str]:
    return [*(v for v in service.environment.values() if v), *service.command_strings()]


def _names_pattern(data: Service) -> re.Pattern[str]:
    """The names other containers resolve to ``data``: its service name, container name, aliases."""
    names = {data.name}
    names.update(alias for attachment in data.networks for alias in attachment.aliases)
    if data.container_name:
        names.add(data.container_name)
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![{_NAME_CHARS}.])(?:{alternatives})(?![{_NAME_CHARS}])")


def _declares_dependency(user: Service, data: Service) -> bool:
    return any(d.service == data.name and d.kind in ("depends_on", "links") for d in user.depends_on)


def edge_port(service: Service, ctx: Context) -> PortMapping | None:
    """The first port through which the service is reachable from outside the host."""
    for port in ctx.graph.published_ports(service.name):
        if not port.is_loopback and (port.published or port.target is not None):
            return port
    return None


class _Reach:
    """Who reaches a service, who legitimately uses it, and which attachment opens each path."""

    def __init__(self, ctx: Context) -> None:
        self.project = ctx.project
        self._ctx = ctx
        self._users: dict[str, set[str]] = {}
        self._service_texts: dict[str, list[str]] = {}

    @property
    def graph(self) -> ProjectGraph:
        # Built on first use: a project with nothing to check never builds it.
        return self._ctx.graph

    def reachers(self, target: str) -> list[str]:
        """Services that reach ``target``, without its own namespace (sidecars are part of it) and
        without services that never run with it."""
        services = self.project.services
        return [
            other
            for other in self.graph.who_reaches(target)
            if not self.graph.same_namespace(other, target)
            and run_together(services[other], services[target])
        ]

    def users(self, target: str) -> set[str]:
        """The services that use ``target``: declare depends_on/links on it, or name it (or an alias)
        in their environment or command. Its own namespace does not count."""
        if target not in self._users:
            data = self.project.services[target]
            pattern = _names_pattern(data)
            self._users[target] = {
                name
                for name, service in self.project.services.items()
                if (
                    _declares_dependency(service, data)
                    or any(pattern.search(text) for text in self._texts(name))
                )
                and not self.graph.same_namespace(name, target)
            }
        return self._users[target]

    def _texts(self, service: str) -> list[str]:
        if service not in self._service_texts:
            self._service_texts[service] = _service_texts(self.project.services[service])
        return self._service_texts[service]

    def shared_networks(self, a: str, b: str) -> list[str]:
        networks_b = self.graph.memberships(b)
        return [docker_name for docker_name in self.graph.memberships(a) if docker_name in networks_b]

    def joins(self, service: str, docker_name: str) -> Span:
        """Where ``service`` joins a network: its `network_mode` when it borrows another service's
        namespace, its key when Compose attached it to `default` on its own, else the attachment."""
        own = self.project.services[service]
        if self.graph.namespace_owner(service) != service:
            return own.value_span("network_mode") or own.span
        membership = self.graph.memberships(service)[docker_name]
        return own.span if membership.implicit else membership.span

    def opening(self, other: str, target: str, legitimate: set[str]) -> tuple[Span, str, str]:
        """The span, service and route of the path from ``other`` to ``target``.

        On a network, the attachment that opens the path is the intruder's when ``target`` needs to be
        on that network (some legitimate client reaches it through this network only), else the
        target's own, which puts it somewhere it does not need to be."""
        shared = self.shared_networks(other, target)
        if not shared:  # through the host: `other` runs on the host network, `target` publishes a port
            service = self.project.services[other]
            return service.value_span("network_mode") or service.span, other, "through the host network"
        docker_name = shared[0]
        needed = any(self.shared_networks(client, target) == [docker_name] for client in legitimate)
        culprit = other if needed else target
        key = self.graph.memberships(other)[docker_name].network
        route = f"through network {key}" + self._borrowed(other) + self._borrowed(target)
        return self.joins(culprit, docker_name), culprit, route

    def _borrowed(self, service: str) -> str:
        owner = self.graph.namespace_owner(service)
        return f" ({service} shares the network namespace of {owner})" if owner != service else ""


class NetworkIsolation(Rule):
    """A data service is reachable from services that have no business talking to it.

    ## What it does
    Where the project shows segmentation intent (it declares two or more networks, or gives an
    isolation policy), checks who can reach each data service (databases, caches, search engines,
    recognised by image; configurable). Two services reach each other when they share a network (the
    implicit `default` network and external networks included); `network_mode: service:X` shares X's
    reachability, `network_mode: host` reaches every published port, `none` reaches nothing.

    - when some service *uses* a data service (declares `depends_on`/`links` on it, or names it or
      one of its aliases in its environment or command), every other service that reaches it is
      reported;
    - a service that publishes a port to the outside world and reaches a data service it does not
      use is reported even when nobody declares use of it;
    - two data services that reach each other without either using the other are reported.

    An explicit policy says exactly who may reach a service and is always enforced, even on a single
    network: `x-composelint: {isolation: {db-1: [app-1]}}` at the top of the compose file, or the
    same under `isolation` in the configuration (the compose file wins for the services it names;
    a name in it that is no service of the project is reported, as the policy would protect nothing).
    Services sharing the data service's own network namespace (its sidecars), and services that never
    run with it (no profile in common), are not counted. Small single-network stacks without a policy
    are left alone.

    Each finding names both services and the network, and sits on the network attachment that opens
    the path: the data service's, when it joins a network none of its users needs to reach it
    through; otherwise the other service's.

    ## Why is this bad?
    Networks are Compose's firewall. A database on the same network as the public reverse proxy is
    one proxy vulnerability away from the internet; a database shared by two apps lets a compromise
    of one read the other's data.

    ## Example
    ```yaml
    services:
      proxy:
        image: nginx:1.27
        ports: ["443:443"]
        networks: [public, backend]
      app:
        image: example/app:2.1
        depends_on: [db]
        networks: [backend]
      db:
        image: postgres:16
        networks: [backend]
    networks:
      public: {}
      backend: {}
    ```

    ## Use instead
    ```yaml
    services:
      proxy:
        image: nginx:1.27
        ports: ["443:443"]
        networks: [public, backend]
      app:
        image: example/app:2.1
        depends_on: [db]
        networks: [backend, data]
      db:
        image: postgres:16
        networks: [data]
    networks:
      public: {}
      backend: {}
      data:
        internal: true
    ```
    """

    id = "CL201"
    name = "network-isolation"
    severity = Severity.WARNING
    summary = "A data service is reachable from services that do not use it"
    security_severity = 6.5

    def check(self, ctx: Context) -> Iterator[Violation]:
        project = ctx.project
        policy, problems = _isolation_policy(ctx)
        yield from problems
        reach = _Reach(ctx)
        for target, allowed in policy.items():
            who = ", ".join(allowed) if allowed else "no service"
            for other in reach.reachers(target):
                if other not in allowed:
                    yield self._violation(
                        reach, other, target, set(allowed), f"the isolation policy only allows {who}"
                    )
        if sum(1 for n in project.networks.values() if n.declared) < 2 and not policy:
            return
        data_services = DataServices.from_settings(ctx.settings).in_project(project)
        pairs: set[frozenset[str]] = set()
        for name in data_services:
            if name in policy:
                continue
            users = reach.users(name)
            for other in reach.reachers(name):
                if other in users:
                    continue
                if other in data_services:
                    pair = frozenset((name, other))
                    if pair in pairs or other in policy or name in reach.users(other):
                        continue
                    pairs.add(pair)
                    yield self._violation(reach, other, name, users, "neither uses the other", pair=True)
                elif users:
                    clients = ", ".join(sorted(users))
                    yield self._violation(
                        reach, other, name, users, f"{other} does not use {name} (only {clients} does)"
                    )
                elif (port := edge_port(project.services[other], ctx)) is not None:
                    yield self._violation(
                        reach,
                        other,
                        name,
                        users,
                        f"{other} does not use {name} and publishes port {port.describe()} to the outside world",
                    )

    @staticmethod
    def _violation(
        reach: _Reach, other: str, target: str, legitimate: set[str], reason: str, pair: bool = False
    ) -> Violation:
        span, culprit, route = reach.opening(other, target, legitimate)
        if pair:
            message = f"data services {target} and {other} reach each other {route}, but {reason}"
        else:
            message = f"{target} is reachable from {other} {route}, but {reason}"
        return Violation(span, message, culprit)


class ExposedDatabase(Rule):
    """A database, cache or search engine publishes a port to the outside world.

    ## What it does
    Reports data services (PostgreSQL, MySQL, MongoDB, Redis, Elasticsearch and many more,
    recognised by image; configurable) that publish a port on a non-loopback address — no host IP,
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
    severity = Severity.ERROR
    summary = "A data service publishes a port on a non-loopback address"
    security_severity = 8.6

    def check(self, ctx: Context) -> Iterator[Violation]:
        policy = DataServices.from_settings(ctx.settings)
        for service in ctx.project.services.values():
            if not policy.is_data_service(service):
                continue
            graph = ctx.graph  # only projects with a data service need it
            kind = policy.kind(service)
            owner = graph.namespace_owner(service.name)
            mode = service.network_mode or ""
            if graph.on_host_network(service.name):
                span = service.value_span("network_mode") or service.span
                how = "runs with network_mode: host"
                if owner != service.name:
                    how = f"shares the network namespace of {owner}, which runs with network_mode: host"
                yield Violation(
                    span,
                    f"{kind} service {service.name} {how}, so every port it listens on is open on the "
                    "host's interfaces",
                    service.name,
                )
            elif owner != service.name:
                # Its own ports are refused; the owner's ports that map its client ports expose it.
                client_ports = policy.client_ports(service)
                for port in graph.published_ports(service.name):
                    if not port.is_loopback and port.target in client_ports:
                        yield Violation(
                            port.span,
                            f"{kind} service {service.name} listens in the network namespace of {owner}, "
                            f"which publishes its port {port.target}/{port.protocol} on {_interfaces(port)} "
                            f"({_host_port(port)}){_describe_variables(port)}; bind it to 127.0.0.1",
                            service.name,
                        )
            elif mode != "none" and not mode.startswith("container:"):
                for port in service.ports:
                    if port.is_loopback:
                        continue
                    yield Violation(
                        port.span,
                        f"{kind} service {service.name} publishes port {port.target}/{port.protocol} on "
                        f"{_interfaces(port)} ({_host_port(port)}){_describe_variables(port)}; bind it to "
                        "127.0.0.1 or drop the mapping and reach it over an internal network",
                        service.name,
                    )


def _interfaces(port: PortMapping) -> str:
    if not port.host_ip:
        return "all interfaces"
    return f"all interfaces ({port.host_ip})" if is_wildcard(port.host_ip) else port.host_ip


def _host_port(port: PortMapping) -> str:
    return f"host port {port.published}" if port.published else "a random host port"


class _Claim(NamedTuple):
    """One host port a mapping claims (a range like "9000-9002:9000-9002" makes one claim per port)."""

    service: Service
    port: PortMapping
    number: int
    order: tuple[int, int, int]


def _address(host_ip: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(host_ip)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _host_ips_overlap(a: str, b: str) -> bool:
    """No host IP binds every address of both families; `0.0.0.0` every IPv4 address and `::` every
    IPv6 address (Docker binds them separately, which is how a port is published on both)."""
    if not a or not b:
        return True
    address_a, address_b = _address(a), _address(b)
    if address_a is None or address_b is None:
        return a == b
    if address_a.version != address_b.version:
        return False
    return address_a.is_unspecified or address_b.is_unspecified or address_a == address_b


def _replicas(service: Service) -> int:
    deploy = service.config.get("deploy")
    for value in (service.config.get("scale"), deploy.get("replicas") if isinstance(deploy, YMap) else None):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return 1


def _shown_host(host_ip: str) -> str:
    host = host_ip or "0.0.0.0"
    return f"[{host}]" if ":" in host else host


class DuplicateHostPort(Rule):
    """Two port mappings claim the same host port.

    ## What it does
    Compares every published port of the project — across services, within one service, and across
    the base and override files — after interpolation and `.env`. Two mappings conflict when they use
    the same protocol, overlapping host addresses and overlapping port ranges (`"9000-9002:9000-9002"`
    claims three ports; `"8000-8100:80"` takes any free port of its range and claims none). No host
    address overlaps every address, `0.0.0.0` every IPv4 address and `::` every IPv6 address (Docker
    binds them separately: `["0.0.0.0:80:80", "[::]:80:80"]` is how a port is published on both);
    `127.0.0.1` and `127.0.0.2` do not overlap. Services that can never run together (both have
    profiles, and no profile in common) do not conflict. Each conflicting mapping after the first in
    load order is reported, naming the first. A fixed host port in a service with several replicas
    (`scale`, `deploy.replicas`) is reported too: every replica claims it.

    ## Why is this bad?
    The second container fails to start: `Bind for 0.0.0.0:8080 failed: port is already allocated`.
    With variables, it often only fails on the machine whose `.env` makes two ports equal.

    ## Example
    ```yaml
    services:
      web:
        image: nginx:1.27
        ports: ["8080:80"]
      admin:
        image: example/admin:1.0
        ports: ["8080:3000"]
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27
        ports: ["8080:80"]
      admin:
        image: example/admin:1.0
        ports: ["8081:3000"]
    ```
    """

    id = "CL203"
    name = "duplicate-host-port"
    severity = Severity.ERROR
    summary = "Two port mappings claim the same host port"

    def check(self, ctx: Context) -> Iterator[Violation]:
        project = ctx.project
        files = {path: index for index, path in enumerate(project.config_files)}
        claims: list[_Claim] = []
        for service in project.services.values():
            mode = service.network_mode or ""
            if mode == "host" or mode.startswith(("service:", "container:")):
                continue  # Docker ignores or refuses these ports; another rule says so
            for port in service.ports:
                published = port.published_range
                # "8000-9000:80" takes any free port of the range: it does not collide by itself.
                if published is None or published[0] != published[1]:
                    continue
                order = (files.get(port.span.path, len(files)), port.span.line, port.span.column)
                claims.append(_Claim(service, port, published[0], order))
        claims.sort(key=lambda c: c.order)
        # Only claims of one port and protocol can conflict: compare within those buckets.
        earlier_claims: dict[tuple[str, int], list[_Claim]] = {}
        for claim in claims:
            bucket = earlier_claims.setdefault((claim.port.protocol, claim.number), [])
            first = next((earlier for earlier in bucket if self._conflict(earlier, claim)), None)
            bucket.append(claim)
            if first is not None:
                yield self._duplicate(claim, first, project)
            elif (replicas := _replicas(claim.service)) > 1:
                yield Violation(
                    claim.port.span,
                    f"service {claim.service.name} runs {replicas} replicas, and each claims host port "
                    f"{_shown_host(claim.port.host_ip)}:{claim.number}/{claim.port.protocol}"
                    f"{_describe_variables(claim.port)}: only one can start; drop the host port or the replicas",
                    claim.service.name,
                )

    @staticmethod
    def _duplicate(claim: _Claim, first: _Claim, project: Project) -> Violation:
        span = first.port.span
        relative = os.path.relpath(span.path, project.working_dir)
        where = f"{span.path if relative.startswith(os.pardir) else relative}:{span.line}:{span.column}"
        owner = (
            "this service" if first.service.name == claim.service.name else f"service {first.service.name}"
        )
        origin = f"the same YAML anchor, {where}" if span == claim.port.span else where
        return Violation(
            claim.port.span,
            f"host port {_shown_host(claim.port.host_ip)}:{claim.number}/{claim.port.protocol} of service "
            f"{claim.service.name} is already published by {owner} ({origin}){_describe_variables(claim.port)}",
            claim.service.name,
        )

    @staticmethod
    def _conflict(a: _Claim, b: _Claim) -> bool:
        return _host_ips_overlap(a.port.host_ip, b.port.host_ip) and run_together(a.service, b.service)


_SOCKETS = re.compile(r"(docker|containerd|podman|crio|cri-dockerd)\.sock$")


class BindMountInProduction(Rule):
    """A production service mounts a directory or file of the host.

    ## What it does
    Reports bind mounts (short syntax with a path source, or long syntax `type: bind`) in production
    services: services whose profiles include `prod` or `production` (configurable with
    `production-profiles`), and every service of a project that loads a file named for production
    (`docker-compose.prod.yml`, `compose.production.yaml`...). Container-engine sockets are left to the
    security rules; `/etc/localtime` and `/etc/timezone` are allowed (option `allowed`).

    ## Why is this bad?
    A bind mount ties the container to one host's file layout and permissions, ships whatever is in
    that directory (often a developer checkout) and lets the container write to the host. Production
    data belongs in named volumes, configuration in images, `configs:` or `secrets:`.

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.1
        profiles: [prod]
        volumes: ["./src:/app/src"]
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.1
        profiles: [prod]
        volumes: ["app-data:/app/data"]
    volumes:
      app-data: {}
    ```
    """

    id = "CL301"
    name = "bind-mount-in-production"
    severity = Severity.WARNING
    summary = "A production service bind-mounts a host path"
    options: ClassVar[Mapping[str, Option]] = {
        "allowed": Option(list, ["/etc/localtime", "/etc/timezone"], "host paths that may be bind-mounted"),
    }

    def check(self, ctx: Context) -> Iterator[Violation]:
        allowed = set(ctx.options.get("allowed", ()))
        profiles = ctx.settings.production_profiles
        for service in ctx.project.services.values():
            if not is_production(service, ctx.project, profiles):
                continue
            for mount in service.mounts:
                if mount.type != "bind" or not mount.source:
                    continue
                if _SOCKETS.search(mount.source) or mount.source in allowed:
                    continue
                why = (
                    f"its profiles include {', '.join(p for p in service.profiles if p in profiles)}"
                    if any(p in profiles for p in service.profiles)
                    else f"the project loads {production_file(ctx.project)}"
                )
                yield Violation(
                    mount.span,
                    f"production service {service.name} bind-mounts host path "
                    f"{shown_host_path(mount.source, ctx.project)} at {mount.target} "
                    f"({why}); use a named volume, a config or the image instead",
                    service.name,
                )


def _stored_elsewhere(volume: Volume) -> bool:
    """A `local` volume over a `device` (a host directory bound in, an NFS export) keeps its data
    there: removing the volume leaves the data in place."""
    options = volume.config.get("driver_opts")
    return volume.driver in (None, "local") and isinstance(options, YMap) and bool(options.get("device"))


def _under(path: str, directory: str) -> bool:
    path, directory = path.rstrip("/") or "/", directory.rstrip("/") or "/"
    return path == directory or path.startswith(directory + "/") or directory.startswith(path + "/")


class NonExternalCriticalVolume(Rule):
    """Database data lives in a volume that `docker compose down -v` deletes.

    ## What it does
    Reports named volumes mounted at a data service's data directory
    (`/var/lib/postgresql/data`, `/var/lib/mysql`, `/data/db`, `/data` for Redis..., or the directory
    its command or environment chooses: `--dbpath /srv/db`, `PGDATA=/pg`) or listed in
    `critical-volumes` in the configuration (names or glob patterns), that are not declared
    `external: true`. Reported at the volume's top-level declaration (at the mount when it has none),
    naming the service and the path. A `local` volume over a `device` (a bound host directory, an NFS
    export) keeps its data outside the volume and is not reported.

    ## Why is this bad?
    Compose owns the volumes it creates: `docker compose down -v` (a common "clean restart") or
    `docker compose down --volumes` in a script deletes them with the database inside. An external
    volume is created once, outside Compose, and survives.

    ## Example
    ```yaml
    services:
      db:
        image: postgres:16
        volumes: ["pgdata:/var/lib/postgresql/data"]
    volumes:
      pgdata: {}
    ```

    ## Use instead
    ```yaml
    services:
      db:
        image: postgres:16
        volumes: ["pgdata:/var/lib/postgresql/data"]
    volumes:
      pgdata:
        external: true
    ```
    """

    id = "CL302"
    name = "non-external-critical-volume"
    severity = Severity.WARNING
    summary = "Critical data in a volume that docker compose down -v deletes"

    def check(self, ctx: Context) -> Iterator[Violation]:
        project = ctx.project
        policy = DataServices.from_settings(ctx.settings)
        critical = ctx.settings.critical_volumes
        reported: set[str] = set()
        for service in project.services.values():
            dirs = policy.data_dirs(service)
            for mount in service.mounts:
                if mount.type != "volume" or not mount.source or mount.source in reported:
                    continue
                volume = project.volumes.get(mount.source)
                names = (mount.source, volume.effective_name) if volume is not None else (mount.source,)
                listed = any(fnmatch.fnmatchcase(n, p) for n in names for p in critical)
                holds_data = dirs is not None and any(_under(mount.target, d) for d in dirs)
                if not (listed or holds_data) or (
                    volume is not None and (volume.external or _stored_elsewhere(volume))
                ):
                    continue
                reported.add(mount.source)
                what = (
                    f"holds the data of service {service.name} ({mount.target})"
                    if holds_data
                    else f"is critical in the configuration (service {service.name} mounts it at {mount.target})"
                )
                yield Violation(
                    volume.span if volume is not None else mount.span,
                    f"volume {mount.source} {what} but is not external: `docker compose down -v` deletes it; "
                    "declare it `external: true` and create it once",
                    service.name,
                )


RULES: tuple[type[Rule], ...] = (
    NetworkIsolation,
    ExposedDatabase,
    DuplicateHostPort,
    BindMountInProduction,
    NonExternalCriticalVolume,
)
