"""CL201 network-isolation: a data service is reachable from services that do not use it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from composelint.compose.span import Span
from composelint.compose.tree import YMap, YSeq
from composelint.finding import Severity, Violation
from composelint.project.model import PortMapping, Service
from composelint.rule import Context, Rule
from composelint.rules.network.common import run_together

if TYPE_CHECKING:
    from composelint.project.graph import ProjectGraph


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
        data_services = ctx.data_services.in_project(project)
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
