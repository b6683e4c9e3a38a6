"""Several projects on one Docker host (`--same-host`, `hosts:`): what goes wrong between them.

Each project is summarised where it is linted (a `HostView`: small, picklable for `--jobs`), and the
views of one host are joined here on what they share: host ports, container names, external
networks (by the name Docker sees), external volumes and subnets. The findings use the rules that
judge the same thing within a project (CL203, CL112, CL201, CL209), plus `shared-external-volume`
and `missing-external-resource`, and name the other project and the file:line:column there.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import os
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from composelint.compose.span import Span
from composelint.finding import Violation
from composelint.project.dataservices import DataServices
from composelint.project.model import Project
from composelint.settings import Settings


class HostPort(NamedTuple):
    service: str
    host_ip: str  # "" for every interface
    first: int
    last: int
    protocol: str
    span: Span
    profiles: tuple[str, ...]


class HostAttachment(NamedTuple):
    service: str
    network: str  # the network's Docker name
    span: Span
    data_kind: str | None  # what the service is when it holds data


class HostResource(NamedTuple):
    name: str  # the Docker name
    span: Span
    service: str | None = None


class HostView(NamedTuple):
    """What one project brings to a host."""

    project: str
    main_file: str
    ports: tuple[HostPort, ...]
    container_names: tuple[HostResource, ...]
    attachments: tuple[HostAttachment, ...]  # to networks, by their Docker names
    volume_mounts: tuple[HostResource, ...]  # of external volumes
    created_networks: tuple[HostResource, ...]
    created_volumes: tuple[HostResource, ...]
    external_networks: tuple[HostResource, ...]  # declared external
    external_volumes: tuple[HostResource, ...]
    subnets: tuple[tuple[str, HostResource], ...]  # (subnet, created network)
    host_network: tuple[HostResource, ...] = ()  # services on network_mode: host
    data_ports: tuple[tuple[str, HostPort], ...] = ()  # (kind, port) published by data services


def host_view(project: Project, settings: Settings) -> HostView:
    data = DataServices(settings.data_images, settings.not_data_images, settings.data_services)
    ports: list[HostPort] = []
    names: list[HostResource] = []
    attachments: list[HostAttachment] = []
    mounts: list[HostResource] = []
    host_network: list[HostResource] = []
    data_ports: list[tuple[str, HostPort]] = []
    for service in project.services.values():
        mode = service.network_mode or ""
        kind = data.kind(service) if data.is_data_service(service) else None
        if not mode.startswith(("service:", "container:")) and mode != "host":
            for port in service.ports:
                host = port.published_range
                if host is not None:
                    protocol = port.protocol
                    ports.append(
                        HostPort(
                            service.name,
                            port.host_ip,
                            host[0],
                            host[1],
                            protocol,
                            port.span,
                            service.profiles,
                        )
                    )
        if mode == "host":
            host_network.append(
                HostResource(service.name, service.value_span("network_mode") or service.span, service.name)
            )
        elif kind is not None and not mode.startswith(("service:", "container:")):
            for port in service.ports:
                host = port.published_range
                if host is not None:
                    data_ports.append(
                        (
                            kind,
                            HostPort(
                                service.name,
                                port.host_ip,
                                host[0],
                                host[1],
                                port.protocol,
                                port.span,
                                service.profiles,
                            ),
                        )
                    )
        if service.container_name:
            span = service.value_span("container_name") or service.span
            names.append(HostResource(service.container_name, span, service.name))
        for attachment in service.networks:
            network = project.networks.get(attachment.network)
            if network is not None:  # created or external: projects meet on the name Docker sees
                attachments.append(
                    HostAttachment(service.name, network.effective_name, attachment.span, kind)
                )
        for mount in service.mounts:
            volume = project.volumes.get(mount.source or "") if mount.type == "volume" else None
            if volume is not None and volume.external:
                mounts.append(HostResource(volume.effective_name, mount.span, service.name))
    created_networks = [
        HostResource(n.effective_name, n.span) for n in project.networks.values() if not n.external
    ]
    subnets = [
        (subnet, HostResource(n.effective_name, n.span))
        for n in project.networks.values()
        if not n.external
        for subnet in n.subnets
    ]
    return HostView(
        project=project.name,
        main_file=project.config_files[0],
        ports=tuple(ports),
        container_names=tuple(names),
        attachments=tuple(attachments),
        volume_mounts=tuple(mounts),
        created_networks=tuple(created_networks),
        created_volumes=tuple(
            HostResource(v.effective_name, v.span) for v in project.volumes.values() if not v.external
        ),
        external_networks=tuple(
            HostResource(n.effective_name, n.span) for n in project.networks.values() if n.external
        ),
        external_volumes=tuple(
            HostResource(v.effective_name, v.span) for v in project.volumes.values() if v.external
        ),
        subnets=tuple(subnets),
        host_network=tuple(host_network),
        data_ports=tuple(data_ports),
    )


def hosts_of(
    views: Sequence[HostView], settings: Settings, same_host: bool, base: str
) -> dict[str, list[HostView]]:
    """The hosts and their projects: every view with `--same-host`, else the configured `hosts:`
    (globs against each project's main file, relative to ``base``; a project may be on several)."""
    if same_host:
        return {"the host": list(views)}
    found: dict[str, list[HostView]] = {}
    for name, globs in settings.hosts.items():
        for view in views:
            relative = os.path.relpath(view.main_file, base)
            if any(
                fnmatch.fnmatch(relative, g) or fnmatch.fnmatch(os.path.dirname(relative), g) for g in globs
            ):
                found.setdefault(name, []).append(view)
    return found


def _where(path: str, span: Span, cwd: str) -> str:
    return f"{os.path.relpath(path, cwd)}:{span.line}:{span.column}"


def _violations(host: str, views: Sequence[HostView], cwd: str) -> Iterator[tuple[str, Violation]]:
    yield from _ports(host, views, cwd)
    yield from _container_names(host, views, cwd)
    yield from _reachable_data(host, views, cwd)
    yield from _through_the_host(host, views, cwd)
    yield from _shared_volumes(host, views, cwd)
    yield from _missing_resources(host, views)
    yield from _subnets(host, views, cwd)


def _pairs(views: Sequence[HostView]) -> Iterator[tuple[HostView, HostView]]:
    for index, later in enumerate(views):
        for earlier in views[:index]:
            yield earlier, later


def _same_interface(a: str, b: str) -> bool:
    wildcard = ("", "0.0.0.0", "::", "[::]")
    return a == b or a in wildcard or b in wildcard


_WIDE = 1024  # ranges wider than this are compared one by one instead of indexed by port


def _ports(host: str, views: Sequence[HostView], cwd: str) -> Iterator[tuple[str, Violation]]:
    """Each port against those of the projects before it, through an index by port number."""
    by_number: dict[tuple[str, int], list[tuple[HostView, HostPort]]] = {}
    wide: list[tuple[HostView, HostPort]] = []
    for view in views:
        for port in view.ports:
            candidates = (
                [
                    entry
                    for n in range(port.first, port.last + 1)
                    for entry in by_number.get((port.protocol, n), ())
                ]
                if port.last - port.first < _WIDE
                else [entry for entries in by_number.values() for entry in entries]
            )
            candidates += wide
            clash = next(
                (
                    (other_view, other)
                    for other_view, other in candidates
                    if other_view is not view
                    and other.protocol == port.protocol
                    and _same_interface(port.host_ip, other.host_ip)
                    and port.first <= other.last
                    and other.first <= port.last
                ),
                None,
            )
            if clash is not None:
                earlier, other = clash
                shown = str(port.first) if port.first == port.last else f"{port.first}-{port.last}"
                yield (
                    "CL203",
                    Violation(
                        port.span,
                        f"host port {shown}/{port.protocol} of service {port.service} (project {view.project}) is "
                        f"also published by service {other.service} of project {earlier.project} "
                        f"({_where(other.span.path, other.span, cwd)}) on {host}: the second stack fails to start",
                        port.service,
                        related=(other.span,),
                    ),
                )
        for port in view.ports:  # indexed after the view: a project's own ports are CL203's
            if port.last - port.first < _WIDE:
                for number in range(port.first, port.last + 1):
                    by_number.setdefault((port.protocol, number), []).append((view, port))
            else:
                wide.append((view, port))


def _first_owners(
    views: Sequence[HostView], items: str
) -> Iterator[tuple[HostView, HostResource, HostView, HostResource]]:
    """(view, resource, earlier view, its resource) for each resource a project before it has too."""
    owners: dict[str, tuple[HostView, HostResource]] = {}
    for view in views:
        mine: list[HostResource] = getattr(view, items)
        for resource in mine:
            owner = owners.get(resource.name)
            if owner is not None and owner[0] is not view:
                yield view, resource, owner[0], owner[1]
        for resource in mine:
            owners.setdefault(resource.name, (view, resource))


def _container_names(host: str, views: Sequence[HostView], cwd: str) -> Iterator[tuple[str, Violation]]:
    for later, name, earlier, other in _first_owners(views, "container_names"):
        yield (
            "CL112",
            Violation(
                name.span,
                f"container name {name.name} of service {name.service} (project {later.project}) is also "
                f"used by service {other.service} of project {earlier.project} "
                f"({_where(other.span.path, other.span, cwd)}) on {host}: Docker refuses the second",
                name.service,
                related=(other.span,),
            ),
        )


def _reachable_data(host: str, views: Sequence[HostView], cwd: str) -> Iterator[tuple[str, Violation]]:
    on_network: dict[str, list[tuple[HostView, HostAttachment]]] = {}
    for view in views:
        for joined in view.attachments:
            on_network.setdefault(joined.network, []).append((view, joined))
    for view in views:
        for attachment in view.attachments:
            if attachment.data_kind is None:
                continue
            others = [
                (other, joined) for other, joined in on_network[attachment.network] if other is not view
            ]
            if not others:
                continue
            projects = sorted({other.project for other, _ in others})
            _, first_joined = others[0]
            yield (
                "CL201",
                Violation(
                    attachment.span,
                    f"{attachment.data_kind} service {attachment.service} of project {view.project} joins "
                    f"network {attachment.network}, which services of {', '.join(projects)} also join on {host} "
                    f"(first: {first_joined.service}, {_where(first_joined.span.path, first_joined.span, cwd)}), so "
                    "they reach it; keep it on a network of its own project",
                    attachment.service,
                    related=tuple(joined.span for _, joined in others[:10]),
                ),
            )


def _through_the_host(host: str, views: Sequence[HostView], cwd: str) -> Iterator[tuple[str, Violation]]:
    """A service on the host's network namespace reaches every port published on the host, loopback
    included: the databases of the other projects."""
    for view in views:
        reachers = [(other, r) for other in views if other is not view for r in other.host_network]
        if not reachers:
            continue
        for kind, port in view.data_ports:
            other, reacher = reachers[0]
            where = f"on {port.host_ip}" if port.host_ip else "on all interfaces"
            yield (
                "CL201",
                Violation(
                    port.span,
                    f"{kind} service {port.service} of project {view.project} publishes port {port.first} {where}, "
                    f"which service {reacher.name} of project {other.project} reaches on {host}: it runs with "
                    f"network_mode: host ({_where(reacher.span.path, reacher.span, cwd)}); reach the database "
                    "over a network of its project instead",
                    port.service,
                    related=(reacher.span,),
                ),
            )


def _shared_volumes(host: str, views: Sequence[HostView], cwd: str) -> Iterator[tuple[str, Violation]]:
    for later, mount, earlier, other in _first_owners(views, "volume_mounts"):
        yield (
            "CL303",
            Violation(
                mount.span,
                f"external volume {mount.name} is mounted by service {mount.service} of project "
                f"{later.project} and by service {other.service} of project {earlier.project} "
                f"({_where(other.span.path, other.span, cwd)}) on {host}: either stack can read and change "
                "the other's data",
                mount.service,
                related=(other.span,),
            ),
        )


def _missing_resources(host: str, views: Sequence[HostView]) -> Iterator[tuple[str, Violation]]:
    networks = {n.name for view in views for n in view.created_networks}
    volumes = {v.name for view in views for v in view.created_volumes}
    for view in views:
        for kind, declared, created in (
            ("network", view.external_networks, networks),
            ("volume", view.external_volumes, volumes),
        ):
            for resource in declared:
                if resource.name not in created:
                    yield (
                        "CL212",
                        Violation(
                            resource.span,
                            f"external {kind} {resource.name} of project {view.project} is created by no project on "
                            f"{host}: create it before `docker compose up` (docker {kind} create {resource.name})",
                        ),
                    )


def _subnets(host: str, views: Sequence[HostView], cwd: str) -> Iterator[tuple[str, Violation]]:
    for earlier, later in _pairs(views):
        for subnet, network in later.subnets:
            for other_subnet, other in earlier.subnets:
                try:
                    overlap = ipaddress.ip_network(subnet, strict=False).overlaps(
                        ipaddress.ip_network(other_subnet, strict=False)
                    )
                except (ValueError, TypeError):
                    continue
                if overlap:
                    yield (
                        "CL209",
                        Violation(
                            network.span,
                            f"subnet {subnet} of network {network.name} (project {later.project}) overlaps "
                            f"{other_subnet} of network {other.name} of project {earlier.project} "
                            f"({_where(other.span.path, other.span, cwd)}) on {host}: Docker refuses the second",
                            related=(other.span,),
                        ),
                    )


def cross_project_violations(
    views: Iterable[HostView], settings: Settings, same_host: bool, base: str, cwd: str
) -> list[tuple[str, Violation]]:
    """(rule id, violation) of every host with more than one project; the caller stamps them."""
    found: list[tuple[str, Violation]] = []
    for host, members in hosts_of(list(views), settings, same_host, base).items():
        if len(members) > 1:
            found.extend(_violations(host, members, cwd))
    return found
