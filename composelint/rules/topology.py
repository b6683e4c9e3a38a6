"""Family 2 (network topology) and 3 (data): the rules that need the whole project graph."""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import ClassVar

from composelint.dataservices import DataServices
from composelint.finding import Severity, Violation
from composelint.graph import Link
from composelint.model import Mount, PortMapping, Project, Service
from composelint.rule import Context, Option, Rule
from composelint.span import Span
from composelint.specs import is_wildcard

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


def is_production(service: Service, project: Project, profiles: tuple[str, ...]) -> bool:
    if any(p in profiles for p in service.profiles):
        return True
    return any(_PRODUCTION_FILE.search(os.path.basename(f).rsplit(".", 1)[0]) for f in project.config_files)


# ---------------------------------------------------------------------------------------------------


def _isolation_policy(ctx: Context) -> dict[str, tuple[str, ...]]:
    """`x-composelint: {isolation: {db: [app]}}` in the compose file, then the config file's."""
    policy: dict[str, tuple[str, ...]] = {}
    extension = ctx.project.extensions.get("x-composelint")
    isolation = extension.get("isolation") if isinstance(extension, dict) else None
    if isinstance(isolation, dict):
        for target, allowed in isolation.items():
            if isinstance(allowed, list):
                policy[target] = tuple(a for a in allowed if isinstance(a, str))
            elif allowed is None:
                policy[target] = ()
    for target, allowed in ctx.settings.isolation.items():
        policy[target] = tuple(allowed)
    return policy


_NAME_CHARS = r"A-Za-z0-9_\-"


def _mentions(text: str, name: str) -> bool:
    return re.search(rf"(?<![{_NAME_CHARS}.]){re.escape(name)}(?![{_NAME_CHARS}])", text) is not None


def _service_texts(service: Service) -> list[str]:
    texts = [v for v in service.environment.values() if v]
    for key in ("command", "entrypoint"):
        value = service.config.get(key)
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, list):
            texts.extend(v for v in value if isinstance(v, str))
    return texts


def uses(user: Service, data: Service) -> bool:
    """Does ``user`` declare that it talks to ``data``: depends_on/links, or its name in env/command?"""
    if any(d.service == data.name and d.kind in ("depends_on", "links") for d in user.depends_on):
        return True
    names = {data.name}
    names.update(alias for attachment in data.networks for alias in attachment.aliases)
    if data.container_name:
        names.add(data.container_name)
    texts = _service_texts(user)
    return any(_mentions(text, name) for text in texts for name in names)


def edge_port(service: Service, ctx: Context) -> PortMapping | None:
    """The first port through which the service is reachable from outside the host."""
    for port in ctx.graph.published_ports(service.name):
        if not port.is_loopback and (port.published or port.target is not None):
            return port
    return None


class NetworkIsolation(Rule):
    """A data service is reachable from services that have no business talking to it.

    ## What it does
    Where the project shows segmentation intent (it declares two or more networks) or gives an
    isolation policy, checks who can reach each data service (databases, caches, search engines):

    - when some service *uses* a data service (declares `depends_on`/`links` on it, or names it or
      one of its aliases in its environment or command), every other service that reaches it is
      reported;
    - a service that publishes a port to the outside world and reaches a data service it does not
      use is reported even when nobody declares use of it;
    - two data services that reach each other without either using the other are reported.

    An explicit policy says exactly who may reach a service and is always enforced, even on a single
    network: `x-composelint: {isolation: {db-1: [app-1]}}` at the top of the compose file, or the
    same under `isolation` in the configuration. Each finding sits on the network attachment that
    opens the path and names both services and the network. Small single-network stacks without a
    policy are left alone.

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
        policy = _isolation_policy(ctx)
        data_services = DataServices.from_settings(ctx.settings).in_project(project)
        reported: set[tuple[str, str]] = set()
        for target, allowed in sorted(policy.items()):
            service = project.services.get(target)
            if service is None:
                continue
            for other in ctx.graph.who_reaches(target):
                if other in allowed or other == target:
                    continue
                link = ctx.graph.path(other, target)
                if link is None:
                    continue
                reported.add((other, target))
                yield self._violation(
                    ctx,
                    project.services[other],
                    service,
                    link,
                    "the isolation policy only allows " + (", ".join(allowed) if allowed else "no service"),
                )
        if sum(1 for n in project.networks.values() if n.declared) < 2:
            return
        for name, data in sorted(data_services.items()):
            if name in policy:
                continue
            reachers = ctx.graph.who_reaches(name)
            users = {s for s in reachers if uses(project.services[s], data)}
            for other in sorted(reachers):
                if other in users or (other, name) in reported:
                    continue
                other_service = project.services[other]
                link = ctx.graph.path(other, name)
                if link is None:
                    continue
                if other in data_services:
                    if (name, other) in reported or uses(data, other_service):
                        continue
                    reported.add((other, name))
                    yield self._violation(ctx, other_service, data, link, "neither uses the other", pair=True)
                    continue
                port = edge_port(other_service, ctx)
                if users:
                    reason = f"{other} does not use {name} (only {', '.join(sorted(users))} does)"
                elif port is not None:
                    reason = f"{other} publishes port {port.describe()} to the outside world and does not use {name}"
                else:
                    continue
                reported.add((other, name))
                yield self._violation(ctx, other_service, data, link, reason)

    def _violation(
        self, ctx: Context, other: Service, data: Service, link: Link, reason: str, pair: bool = False
    ) -> Violation:
        span = self._opening_attachment(ctx, other, data, link)
        if pair:
            message = (
                f"data services {data.name} and {other.name} reach each other through {link.describe()}, "
                f"but {reason}"
            )
        else:
            message = f"{data.name} is reachable from {other.name} through {link.describe()}, but {reason}"
        return Violation(span, message, data.name)

    @staticmethod
    def _opening_attachment(ctx: Context, other: Service, data: Service, link: Link) -> Span:
        """The attachment that opens the path: the intruder's, when it joined the data service's own
        network; otherwise the data service's, which sits on a network it should not be on."""
        if link.kind != "network" or link.network is None:
            return link.via_b or data.span
        network = ctx.graph.effective_network(link.network)
        members = [
            s
            for s in ctx.project.services.values()
            if any(ctx.graph.effective_network(a.network) == network for a in ctx.graph.attachments(s.name))
        ]
        data_side = all(s.name in (data.name, other.name) or uses(s, data) for s in members)
        if data_side and link.via_a is not None:
            return link.via_a
        return link.via_b or data.span


class ExposedDatabase(Rule):
    """A database, cache or search engine publishes a port to the outside world.

    ## What it does
    Reports data services (PostgreSQL, MySQL, MongoDB, Redis, Elasticsearch and many more,
    recognised by image; configurable) that publish a port on a non-loopback address — no host IP,
    `0.0.0.0`, `::` or a LAN address — in short or long syntax, after interpolation
    (`"${DB_PORT:-5432}:5432"` counts), or that run with `network_mode: host`. Reported at the port
    entry. `expose:` and ports bound to `127.0.0.1` or `::1` are fine.

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
            kind = policy.kind(service)
            if service.network_mode == "host":
                span = service.value_span("network_mode") or service.span
                yield Violation(
                    span,
                    f"{kind} service {service.name} runs with network_mode: host, so every port it listens on "
                    "is open on the host's interfaces",
                    service.name,
                )
                continue
            for port in service.ports:
                if port.is_loopback:
                    continue
                where = "all interfaces" if is_wildcard(port.host_ip) else f"{port.host_ip}"
                host_port = f"host port {port.published}" if port.published else "a random host port"
                yield Violation(
                    port.span,
                    f"{kind} service {service.name} publishes port {port.target}/{port.protocol} on {where} "
                    f"({host_port}){_describe_variables(port)}; bind it to 127.0.0.1 or drop the "
                    "mapping and reach it over an internal network",
                    service.name,
                )


@dataclass(frozen=True)
class _Claim:
    service: Service
    port: PortMapping
    start: int
    end: int
    order: tuple[int, int, int]


def _host_ips_overlap(a: str, b: str) -> bool:
    if is_wildcard(a) or is_wildcard(b):
        return True
    try:
        return ipaddress.ip_address(a) == ipaddress.ip_address(b)
    except ValueError:
        return a == b


class DuplicateHostPort(Rule):
    """Two port mappings claim the same host port.

    ## What it does
    Compares every published port of the project — across services, within one service, and across
    the base and override files — after interpolation and `.env`. Two mappings conflict when they use
    the same protocol, overlapping host addresses (no address, `0.0.0.0` or `::` overlap every
    address; `127.0.0.1` and `127.0.0.2` do not) and overlapping port ranges. Services that can never
    run together (both have profiles, and no profile in common) do not conflict. Each conflicting
    mapping after the first is reported, naming the first.

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
        files = {path: index for index, path in enumerate(ctx.project.config_files)}
        claims: list[_Claim] = []
        for service in ctx.project.services.values():
            if service.network_mode is not None and (
                service.network_mode == "host" or service.network_mode.startswith(("service:", "container:"))
            ):
                continue  # Docker ignores or refuses these ports; another rule says so
            for port in service.ports:
                span_range = port.published_range
                if span_range is None:
                    continue
                start, end = span_range
                if start != end:
                    continue  # "8000-9000:80" takes any free port of the range: it does not collide by itself
                order = (files.get(port.span.path, len(files)), port.span.line, port.span.column)
                claims.append(_Claim(service, port, start, end, order))
        claims.sort(key=lambda c: c.order)
        for index, claim in enumerate(claims):
            for earlier in claims[:index]:
                if not self._conflict(earlier, claim):
                    continue
                first = earlier.port.span
                where = f"{os.path.basename(first.path)}:{first.line}:{first.column}"
                owner = (
                    "this service"
                    if earlier.service.name == claim.service.name
                    else f"service {earlier.service.name}"
                )
                host = claim.port.host_ip or "0.0.0.0"
                port_text = str(claim.start) if claim.start == claim.end else f"{claim.start}-{claim.end}"
                yield Violation(
                    claim.port.span,
                    f"host port {host}:{port_text}/{claim.port.protocol} of service {claim.service.name} is "
                    f"already published by {owner} ({where}){_describe_variables(claim.port)}",
                    claim.service.name,
                )
                break

    @staticmethod
    def _conflict(a: _Claim, b: _Claim) -> bool:
        if a.port.protocol != b.port.protocol:
            return False
        if a.start > b.end or b.start > a.end:
            return False
        if not _host_ips_overlap(a.port.host_ip, b.port.host_ip):
            return False
        pa, pb = a.service.profiles, b.service.profiles
        return not (pa and pb and not set(pa) & set(pb))


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
                    else "the project loads a production compose file"
                )
                yield Violation(
                    mount.span,
                    f"production service {service.name} bind-mounts host path "
                    f"{shown_host_path(mount.source, ctx.project)} at {mount.target} "
                    f"({why}); use a named volume, a config or the image instead",
                    service.name,
                )


def _under(path: str, directory: str) -> bool:
    path, directory = path.rstrip("/") or "/", directory.rstrip("/") or "/"
    return path == directory or path.startswith(directory + "/") or directory.startswith(path + "/")


class NonExternalCriticalVolume(Rule):
    """Database data lives in a volume that `docker compose down -v` deletes.

    ## What it does
    Reports named volumes mounted at a data service's data directory
    (`/var/lib/postgresql/data`, `/var/lib/mysql`, `/data/db`, `/data` for Redis...) or listed in
    `critical-volumes` in the configuration, that are not declared `external: true`. Reported at the
    volume's top-level declaration, naming the service and the path.

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
        critical = set(ctx.settings.critical_volumes)
        reported: set[str] = set()
        for service in project.services.values():
            dirs = policy.data_dirs(service)
            for mount in service.mounts:
                if mount.type != "volume" or not mount.source or mount.source in reported:
                    continue
                holds_data = mount.source in critical or (
                    dirs is not None and any(_under(mount.target, d) for d in dirs)
                )
                if not holds_data:
                    continue
                volume = project.volumes.get(mount.source)
                if volume is not None and volume.external:
                    continue
                reported.add(mount.source)
                yield self._violation(service, mount, volume.span if volume is not None else mount.span)

    @staticmethod
    def _violation(service: Service, mount: Mount, span: Span) -> Violation:
        return Violation(
            span,
            f"volume {mount.source} holds the data of service {service.name} ({mount.target}) but is not "
            "external: `docker compose down -v` deletes it; declare it `external: true` and create it once",
            service.name,
        )


RULES: tuple[type[Rule], ...] = (
    NetworkIsolation,
    ExposedDatabase,
    DuplicateHostPort,
    BindMountInProduction,
    NonExternalCriticalVolume,
)
