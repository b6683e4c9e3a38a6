"""CL201 network-isolation: a data service is reachable from services that do not use it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from composelint.compose.span import Span
from composelint.compose.tree import YMap, YSeq
from composelint.finding import Edit, Fix, Severity, Violation
from composelint.project.dataservices import repository
from composelint.project.model import PortMapping, Service
from composelint.rule import Context, Rule
from composelint.rules.edits import add_entry, no_fix, raw_service, raw_top_level, source_lines
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


# Environment keys whose value is an address: DB_HOST, PMA_HOST, DATABASE_URL, REDIS_HOSTS,
# ME_CONFIG_MONGODB_SERVER, ADMINER_DEFAULT_SERVER, discovery.seed_hosts...
_ADDRESS_KEY = re.compile(
    r"(?:^|[_.])(?:HOST|HOSTS|HOSTNAME|ADDR|ADDRESS|SERVER|SERVERS|URL|URLS|URI|DSN|ENDPOINT|ENDPOINTS"
    r"|NODES|SEEDS|SEED_HOSTS|CONNECTION|CONNECTION_STRING|BROKER|BROKERS|MASTER|PRIMARY)$"
)


# Admin and dashboard tools reach data services on purpose: a tool is a user of every data service
# whose client port it speaks, unless its environment points it at some of them only.
_ADMIN_TOOLS: dict[str, frozenset[int]] = {
    **dict.fromkeys(("phpmyadmin",), frozenset({3306})),
    **dict.fromkeys(("adminer", "cloudbeaver", "dbgate", "sqlpad"), frozenset({5432, 3306, 1433, 1521})),
    **dict.fromkeys(("pgadmin4", "pgadmin", "pgweb"), frozenset({5432})),
    **dict.fromkeys(("mongo-express", "mongoku", "nosqlclient"), frozenset({27017})),
    **dict.fromkeys(("redisinsight", "redis-insight", "redis-commander", "p3x-redis-ui"), frozenset({6379})),
    **dict.fromkeys(
        ("kibana", "opensearch-dashboards", "elasticvue", "cerebro", "dejavu"), frozenset({9200})
    ),
    **dict.fromkeys(("chronograf",), frozenset({8086})),
    **dict.fromkeys(("grafana", "metabase", "superset", "redash"), frozenset({5432, 3306, 8086, 9200, 8123})),
}


class _Names:
    """How other containers name ``data`` (service name, container name, aliases), and the ways a
    service's environment or command can name it: as an address, or only as a word."""

    def __init__(self, data: Service) -> None:
        names = {data.name}
        names.update(alias for attachment in data.networks for alias in attachment.aliases)
        if data.container_name:
            names.add(data.container_name)
        alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        name = rf"(?:{alternatives})(?![{_NAME_CHARS}])"
        self.word = re.compile(rf"(?<![{_NAME_CHARS}.]){name}")
        # scheme://[user[:password]@]NAME, NAME:PORT, host=NAME, -h NAME, --host=NAME, replicaof NAME.
        self.address = re.compile(
            rf"(?://(?:[^@/\s]*@)?|@|\bhost(?:name)?\s*=\s*|(?<!\S)--?h(?:ost)?(?:=|\s*)"
            rf"|\b(?:replicaof|slaveof)\s+|(?<![{_NAME_CHARS}.])(?={name}:\d)){name}",
            re.IGNORECASE,
        )


def _evidence(user: Service, data: Service, names: _Names) -> str | None:
    """ "address" when ``user`` declares or shows a connection to ``data`` (depends_on, links, an
    address in its environment or command), "word" when it only names it, else None."""
    if any(d.service == data.name and d.kind in ("depends_on", "links") for d in user.depends_on):
        return "address"
    mentioned = False
    for key, value in user.environment.items():
        if not value or not names.word.search(value):
            continue
        if _ADDRESS_KEY.search(key.upper()) or names.address.search(value):
            return "address"
        mentioned = True
    for text in user.command_strings():
        if names.address.search(text):
            return "address"
        mentioned = mentioned or bool(names.word.search(text))
    return "word" if mentioned else None


class _Users(NamedTuple):
    """Who uses a data service: by a connection composelint can see, as an admin tool for its kind,
    and by a mention only."""

    connected: frozenset[str]
    tools: frozenset[str]
    mentioned: frozenset[str]

    @property
    def all(self) -> frozenset[str]:
        return self.connected | self.tools | self.mentioned


def _tool_ports(service: Service) -> frozenset[int]:
    """The client ports of the data services an admin tool's image talks to (none for other images)."""
    if not service.image:
        return frozenset()
    return _ADMIN_TOOLS.get(repository(service.image).rsplit("/", 1)[-1], frozenset())


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
        self._users: dict[str, _Users] = {}
        self._fixes: dict[tuple[str, frozenset[str]], Fix] = {}

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

    def users(self, target: str) -> _Users:
        """The services that use ``target``: a connection to it (depends_on, links, an address in
        their environment or command), an admin tool for its kind, or a mention of its name. Its
        own namespace does not count."""
        if target not in self._users:
            data = self.project.services[target]
            names = _Names(data)
            data_ports = set(self._ctx.data_services.client_ports(data))
            connected: set[str] = set()
            mentioned: set[str] = set()
            tools: set[str] = set()
            for name, service in self.project.services.items():
                if name == target or self.graph.same_namespace(name, target):
                    continue
                evidence = _evidence(service, data, names)
                if evidence == "address":
                    connected.add(name)
                elif evidence == "word":
                    mentioned.add(name)
                elif data_ports & _tool_ports(service) and not self._points_elsewhere(service):
                    tools.add(name)
            self._users[target] = _Users(frozenset(connected), frozenset(tools), frozenset(mentioned))
        return self._users[target]

    def _points_elsewhere(self, tool: Service) -> bool:
        """Whether an admin tool's environment names an address (then only that service is its)."""
        return any(value and _ADDRESS_KEY.search(key.upper()) for key, value in tool.environment.items())

    def isolating_fix(self, target: str, users: frozenset[str]) -> Fix:
        """A network of its own for ``target``, `internal: true`, with exactly the services that use
        it: ``target`` leaves its other networks, each user that reaches it now joins the new one."""
        key = (target, users)
        if key not in self._fixes:
            self._fixes[key] = _isolating_fix(self._ctx, self, target, users)
        return self._fixes[key]

    def why(self, service: str) -> str:
        """Why composelint takes ``service`` for a data service, when its image alone does not say."""
        return self._ctx.data_services.why(self.project.services[service])

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

    def opening(self, other: str, target: str, legitimate: frozenset[str]) -> tuple[Span, str, str]:
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
    recognised as `exposed-database` does; configurable). Two services reach each other when they share a network (the
    implicit `default` network and external networks included); `network_mode: service:X` shares X's
    reachability, `network_mode: host` reaches every published port, `none` reaches nothing.

    - when some service *uses* a data service, every other service that reaches it is reported.
      Use is read from connections: `depends_on`/`links` on it, an address naming it (or one of its
      aliases) in the environment or command (`postgres://app@db:5432/app`, `db:5432`,
      `host=db`, `-h db`, `--replicaof redis-1`, or any value of a `*_HOST`, `*_ADDR`, `*_URL`,
      `*_SERVER`, `*_DSN`... variable). Admin and dashboard tools (phpMyAdmin, Adminer, pgAdmin,
      mongo-express, RedisInsight, Kibana, Grafana...) count as users of the data services they
      speak to, unless their environment points them at particular ones;
    - a service that publishes a port to the outside world and reaches a data service it shows no
      connection to is reported even when nobody connects to it. A service that only *names* the
      data service (an updater's `IGNORE: influxdb`) is not counted as its only user; the message
      says when that weak evidence is all there is;
    - two data services that reach each other are reported once for the pair, unless one connects to
      the other (a replica's `--replicaof`, a cluster's seed list), which is then its use of it.

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
    fix_safety = "unsafe"
    fix_summary = (
        "gives the data service a network of its own, `internal: true` (not when it publishes ports), "
        "with exactly the services that use it: it leaves its other networks, each user joins the new "
        "one, and every other service loses its path to it"
    )
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
                        reach, other, target, frozenset(allowed), f"the isolation policy only allows {who}"
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
                if other in users.all:
                    continue
                if other in data_services:
                    pair = frozenset((name, other))
                    if pair in pairs or other in policy or name in reach.users(other).all:
                        continue
                    pairs.add(pair)
                    yield self._violation(reach, other, name, users.all, "neither uses the other", pair=True)
                elif users.connected:
                    clients = ", ".join(sorted(users.connected))
                    verb = "does" if len(users.connected) == 1 else "do"
                    yield self._violation(
                        reach, other, name, users.all, f"{other} does not use {name} (only {clients} {verb})"
                    )
                elif (port := edge_port(project.services[other], ctx)) is not None:
                    weak = ""
                    if users.mentioned:
                        named = ", ".join(sorted(users.mentioned))
                        weak = f" (only {named} names {name}, and not as an address: weak evidence of use)"
                    yield self._violation(
                        reach,
                        other,
                        name,
                        users.all,
                        f"{other} shows no connection to {name} and publishes port {port.describe()} to the "
                        f"outside world{weak}",
                    )

    @staticmethod
    def _violation(
        reach: _Reach, other: str, target: str, legitimate: frozenset[str], reason: str, pair: bool = False
    ) -> Violation:
        violation = NetworkIsolation._message(reach, other, target, legitimate, reason, pair)
        return violation._replace(fix=reach.isolating_fix(target, legitimate))

    @staticmethod
    def _message(
        reach: _Reach, other: str, target: str, legitimate: frozenset[str], reason: str, pair: bool
    ) -> Violation:
        span, culprit, route = reach.opening(other, target, legitimate)
        why = reach.why(target)
        if pair:
            message = f"data services {target} and {other} reach each other {route}, but {reason}"
        else:
            message = f"{target}{why} is reachable from {other} {route}, but {reason}"
        return Violation(span, message, culprit)


def _isolating_fix(ctx: Context, reach: _Reach, target: str, users: frozenset[str]) -> Fix:
    project = ctx.project
    data = project.services[target]
    if reach.graph.namespace_owner(target) != target:
        return no_fix(
            f"{target} shares another service's network namespace: isolate that service instead", safe=False
        )
    clients = sorted(u for u in users if u in reach.reachers(target))
    if any(reach.graph.namespace_owner(c) != c or project.services[c].network_mode for c in clients):
        return no_fix("a user of it joins networks through network_mode: move it by hand", safe=False)
    taken = set(project.networks) | set(project.services)
    name = next(n for n in (f"{target}-net", *(f"{target}-net-{i}" for i in range(2, 100))) if n not in taken)
    edits: list[Edit] = []
    own = raw_service(ctx, data)
    if own is None:
        return no_fix(f"service {target} is not written where its key is", safe=False)
    networks = own.get("networks")
    if networks is None and "networks" not in own:
        edit = add_entry(ctx, own, f"networks: [{name}]")
    elif isinstance(networks, (YSeq, YMap)) and (
        isinstance(networks, YSeq) or all(v is None for v in networks.values())
    ):
        edit = Edit(own.value_span("networks"), f"[{name}]")
    else:
        return no_fix(
            f"service {target} sets options on its networks (aliases, addresses): move it by hand", safe=False
        )
    if edit is None:
        return no_fix(f"service {target}'s mapping has no line to add `networks:` after", safe=False)
    edits.append(edit)
    for client in clients:
        mapping = raw_service(ctx, project.services[client])
        if mapping is None:
            return no_fix(f"service {client} is not written where its key is", safe=False)
        joined = mapping.get("networks")
        if "networks" not in mapping:
            edit = add_entry(ctx, mapping, f"networks: [default, {name}]")
        elif isinstance(joined, YSeq):
            edit = add_entry(ctx, joined, name)
        elif isinstance(joined, YMap):
            edit = add_entry(ctx, joined, f"{name}: {{}}")
        else:
            edit = None
        if edit is None:
            return no_fix(
                f"service {client}'s networks are written in a way composelint cannot extend", safe=False
            )
        edits.append(edit)
    internal = "" if data.ports else "internal: true"
    declaration = f"{name}: {{{internal}}}"
    main = project.config_files[0]
    declared = raw_top_level(ctx, main, "networks")
    if declared is not None:
        edit = add_entry(ctx, declared, declaration)
    elif any(isinstance(d, YMap) and "networks" in d for d in ctx.documents.get(main) or ()):
        edit = None  # `networks:` written in another shape (null, a variable)
    else:  # a top-level `networks:` at the end of the main file
        lines = source_lines(ctx, main)
        ends_with_break = lines[-1] == ""
        where = Span.point(main, len(lines), 1 if ends_with_break else len(lines[-1]) + 1)
        edit = Edit(where, ("" if ends_with_break else "\n") + f"networks:\n  {declaration}\n")
    if edit is None:
        return no_fix("the top-level networks are written in a way composelint cannot extend", safe=False)
    edits.append(edit)
    fields = (f"networks.{name}", f"services.{target}.networks", *(f"services.{c}.networks" for c in clients))
    who = ", ".join(clients) if clients else "no service"
    description = (
        f"give {target} its own network {name} ({internal or 'not internal: it publishes ports'}) with {who}"
    )
    return Fix(description, tuple(edits), safe=False, fields=fields)
