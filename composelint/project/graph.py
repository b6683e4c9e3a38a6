"""The project graph: services, networks, volumes, secrets, configs, the host and the outside world.

One networkx ``MultiDiGraph`` per project, built once and shared read-only by every rule. Node keys
are ``(kind, name)`` tuples. Edges carry a ``kind`` and the span of what created them:

- ``attached`` service -> network and ``member`` network -> service (aliases, static IPs);
- ``shares_namespace`` service -> service (``network_mode: service:X``), ``host_network`` service -> host;
- ``publishes`` host -> service and world -> service for published ports (host IP, protocol);
- ``mounts`` service -> volume, ``binds`` service -> host (bind mounts), ``uses`` service -> secret/config;
- ``depends_on``, ``links``, ``volumes_from`` service -> service;
- ``egress`` network -> world for networks that are not internal.

``ProjectGraph`` answers the questions topology rules ask: who reaches whom, and through what.
Reachability: two services reach each other when they share a Docker network (networks are compared
by the name Docker sees, so two keys for one external network are one network, and ``network_mode:
bridge`` or ``network_mode: <network>`` count as membership); ``network_mode: service:X`` (or
``container:NAME`` naming a service's ``container_name``) shares X's namespace and so its reachability;
``network_mode: host`` puts a service on the host, where it reaches every published port (loopback
included); ``none`` reaches nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Any, NamedTuple

import networkx as nx

from composelint.compose.span import Span
from composelint.compose.tree import YSeq
from composelint.project.model import NetworkAttachment, PortMapping, Project, Service

Node = tuple[str, str]
HOST: Node = ("host", "host")
WORLD: Node = ("world", "world")
# network_mode values that are not a network to join.
_NOT_A_NETWORK = ("host", "none")
_DOCKER_BRIDGE = "bridge"


def service_node(name: str) -> Node:
    return ("service", name)


def network_node(name: str) -> Node:
    return ("network", name)


class Link(NamedTuple):
    """Why two services reach each other: a shared network, or a shared network namespace."""

    kind: str  # "network", "namespace" or "host"
    network: str | None  # the network key (for "network"), or the network named by network_mode
    via_a: Span | None  # where the first service joins it
    via_b: Span | None  # where the second service joins it

    def describe(self) -> str:
        if self.kind == "network":
            return f"network {self.network}"
        if self.kind == "host":
            return "the host network"
        return "a shared network namespace"


class Membership(NamedTuple):
    """A namespace owner's place on one Docker network: the key it used and where it joined."""

    network: str  # the key under the service's `networks:` (or the network_mode value)
    span: Span
    implicit: bool = False  # the `default` network Compose attached on its own


class ProjectGraph:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.graph: Any = nx.MultiDiGraph()
        self._build()

    # -- construction ----------------------------------------------------------------------------

    def _build(self) -> None:
        g = self.graph
        project = self.project
        g.add_node(HOST, kind="host")
        g.add_node(WORLD, kind="world")
        for name, network in project.networks.items():
            g.add_node(network_node(name), kind="network", network=network)
            if not network.internal:
                g.add_edge(network_node(name), WORLD, kind="egress", span=network.span)
        for name, volume in project.volumes.items():
            g.add_node(("volume", name), kind="volume", volume=volume)
        for kind, objects in (("secret", project.secrets), ("config", project.configs)):
            for name, obj in objects.items():
                g.add_node((kind, name), kind=kind, object=obj)
        for name, service in project.services.items():
            g.add_node(service_node(name), kind="service", service=service)
        for service in project.services.values():
            self._add_service_edges(service)

    def _add_service_edges(self, service: Service) -> None:
        g = self.graph
        node = service_node(service.name)
        for attachment in service.networks:
            target = network_node(attachment.network)
            if target not in g:
                g.add_node(target, kind="network", network=None)
            data = {"attachment": attachment, "span": attachment.span}
            g.add_edge(node, target, kind="attached", **data)
            g.add_edge(target, node, kind="member", **data)
        mode = service.network_mode
        if mode is not None:
            span = service.value_span("network_mode")
            if mode == "host":
                g.add_edge(node, HOST, kind="host_network", span=span)
            elif mode.startswith("service:"):
                g.add_edge(node, service_node(mode[len("service:") :]), kind="shares_namespace", span=span)
        for port in service.ports:
            if not port.published and port.target is None:
                continue
            g.add_edge(HOST, node, kind="publishes", port=port, span=port.span)
            if not port.is_loopback:
                g.add_edge(WORLD, node, kind="publishes", port=port, span=port.span)
        for mount in service.mounts:
            if mount.type == "volume" and mount.source:
                g.add_edge(node, ("volume", mount.source), kind="mounts", mount=mount, span=mount.span)
            elif mount.type == "bind":
                g.add_edge(node, HOST, kind="binds", mount=mount, span=mount.span)
        for key, kind in (("secrets", "secret"), ("configs", "config")):
            entries = service.config.get(key)
            if isinstance(entries, YSeq):
                for index, entry in enumerate(entries):
                    if isinstance(entry, dict) and isinstance(entry.get("source"), str):
                        g.add_edge(node, (kind, entry["source"]), kind="uses", span=entries.item_span(index))
        for dependency in service.depends_on:
            kind = dependency.kind if dependency.kind in ("links", "volumes_from") else "depends_on"
            g.add_edge(
                node, service_node(dependency.service), kind=kind, dependency=dependency, span=dependency.span
            )

    # -- namespaces ------------------------------------------------------------------------------

    @cached_property
    def _container_names(self) -> dict[str, str]:
        return {s.container_name: s.name for s in self.project.services.values() if s.container_name}

    def _shared_with(self, service: Service) -> str | None:
        """The service whose namespace ``service`` joins: `service:X`, or `container:NAME` of a service."""
        mode = service.network_mode
        if mode is None:
            return None
        if mode.startswith("service:"):
            return mode[len("service:") :]
        if mode.startswith("container:"):
            return self._container_names.get(mode[len("container:") :])
        return None

    @cached_property
    def _namespace_owner(self) -> dict[str, str]:
        """The service whose network namespace each service uses (following network_mode chains)."""
        owners: dict[str, str] = {}
        services = self.project.services
        for name in services:
            current = name
            seen = {current}
            while True:
                nxt = self._shared_with(services[current])
                if nxt is None or nxt in seen or nxt not in services:
                    break
                seen.add(nxt)
                current = nxt
            owners[name] = current
        return owners

    def namespace_owner(self, service: str) -> str:
        return self._namespace_owner.get(service, service)

    @cached_property
    def _namespace_keys(self) -> dict[str, str]:
        """Equal for services in one namespace: the owner, or the outside container they all join."""
        keys: dict[str, str] = {}
        for name in self.project.services:
            mode = self.network_mode(name) or ""
            keys[name] = mode if mode.startswith("container:") else "service:" + self.namespace_owner(name)
        return keys

    def _namespace_key(self, service: str) -> str:
        return self._namespace_keys.get(service, "service:" + service)

    @cached_property
    def _namespace_groups(self) -> dict[str, tuple[str, ...]]:
        groups: dict[str, list[str]] = {}
        for name in self.project.services:
            groups.setdefault(self._namespace_key(name), []).append(name)
        return {key: tuple(members) for key, members in groups.items()}

    def namespace_members(self, service: str) -> tuple[str, ...]:
        """Every service in the network namespace of ``service`` (itself included)."""
        return self._namespace_groups.get(self._namespace_key(service), (service,))

    def same_namespace(self, a: str, b: str) -> bool:
        return self._namespace_key(a) == self._namespace_key(b)

    def attachments(self, service: str) -> tuple[NetworkAttachment, ...]:
        """The networks a service is on, through its own namespace owner."""
        owner = self.project.services.get(self.namespace_owner(service))
        return owner.networks if owner is not None else ()

    def network_mode(self, service: str) -> str | None:
        owner = self.project.services.get(self.namespace_owner(service))
        return owner.network_mode if owner is not None else None

    def on_host_network(self, service: str) -> bool:
        return self.network_mode(service) == "host"

    # -- networks --------------------------------------------------------------------------------

    @cached_property
    def _effective_network(self) -> dict[str, str]:
        # Two keys naming the same Docker network (e.g. the same external network) are one network.
        return {name: net.effective_name for name, net in self.project.networks.items()}

    def effective_network(self, network: str) -> str:
        return self._effective_network.get(network, network)

    def memberships(self, service: str) -> dict[str, Membership]:
        """The Docker networks (by the name Docker sees) the namespace of ``service`` is on."""
        return self._memberships.get(self.namespace_owner(service), {})

    @cached_property
    def _memberships(self) -> dict[str, dict[str, Membership]]:
        out: dict[str, dict[str, Membership]] = {}
        for name, service in self.project.services.items():
            if self.namespace_owner(name) != name:
                continue
            found: dict[str, Membership] = {}
            mode = service.network_mode
            if mode is None:
                for attachment in service.networks:
                    found.setdefault(
                        self.effective_network(attachment.network),
                        Membership(attachment.network, attachment.span, attachment.implicit),
                    )
            elif mode not in _NOT_A_NETWORK and not mode.startswith(("service:", "container:")):
                # `bridge` (or `default`) is Docker's default bridge; any other value names a network.
                docker_name = _DOCKER_BRIDGE if mode in ("bridge", "default") else mode
                span = service.value_span("network_mode") or service.span
                found[docker_name] = Membership(mode, span)
            out[name] = found
        return out

    @cached_property
    def _members_by_network(self) -> dict[str, list[str]]:
        """Docker network -> the services on it (namespace sharers included), in project order."""
        members: dict[str, list[str]] = {}
        for name in self.project.services:
            for docker_name in self.memberships(name):
                members.setdefault(docker_name, []).append(name)
        return members

    def network_members(self, docker_name: str) -> list[str]:
        return self._members_by_network.get(docker_name, [])

    # -- reachability ----------------------------------------------------------------------------

    def links(self, a: str, b: str) -> list[Link]:
        """Every way service ``a`` can open a connection to service ``b`` (empty: it cannot)."""
        if a == b:
            return []
        mode_a, mode_b = self.network_mode(a), self.network_mode(b)
        if "none" in (mode_a, mode_b):
            return []
        if self.same_namespace(a, b):
            return [Link("namespace", None, None, None)]
        if mode_a == "host":
            if mode_b == "host":
                return [Link("host", None, None, None)]
            # On the host network, a service reaches every port the other publishes, loopback included.
            port = next(iter(self.published_ports(b)), None)
            return [Link("host", None, None, port.span)] if port is not None else []
        networks_b = self.memberships(b)
        return [
            Link("network", membership.network, membership.span, networks_b[docker_name].span)
            for docker_name, membership in self.memberships(a).items()
            if docker_name in networks_b
        ]

    @cached_property
    def _on_host(self) -> tuple[str, ...]:
        return tuple(name for name in self.project.services if self.on_host_network(name))

    def reachable(self, a: str, b: str) -> bool:
        return bool(self.links(a, b))

    def path(self, a: str, b: str) -> Link | None:
        """The first reason ``a`` reaches ``b``, for messages ("through network backend")."""
        found = self.links(a, b)
        return found[0] if found else None

    def who_reaches(self, service: str) -> list[str]:
        """The services that can open a connection to ``service``, in project order (the services
        for which `links` is not empty, found from the other side)."""
        if service not in self.project.services or self.network_mode(service) == "none":
            return []
        reachers = set(self.namespace_members(service))
        for docker_name in self.memberships(service):
            reachers.update(self.network_members(docker_name))
        if self.on_host_network(service) or any(True for _ in self.published_ports(service)):
            reachers.update(self._on_host)
        reachers.discard(service)
        return [name for name in self.project.services if name in reachers]

    def published_ports(self, service: str) -> Iterator[PortMapping]:
        """Ports that make ``service`` reachable from the host (through its namespace owner)."""
        owner = self.project.services.get(self.namespace_owner(service))
        if owner is not None:
            yield from owner.ports

    def exposed_to_world(self, service: str) -> list[PortMapping]:
        return [p for p in self.published_ports(service) if not p.is_loopback]

    def dependents(self, service: str) -> list[str]:
        """Services that declare a dependency (depends_on, links, volumes_from...) on ``service``."""
        return [
            src[1]
            for src, _dst, data in self.graph.in_edges(service_node(service), data=True)
            if data.get("kind") in ("depends_on", "links", "volumes_from") and src[0] == "service"
        ]
