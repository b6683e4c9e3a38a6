"""`composelint graph`: draw the project — networks as groups, services inside, ports to the world.

Formats: Mermaid (renders on GitHub), Graphviz dot, and JSON for tools. A service on several networks
sits in the group of its first one and is linked to the others; a group of many services is laid out
in rows. Data services are drawn as cylinders, named volumes (external or not) as their own nodes,
internal networks are marked, published ports come from the outside world (or from the host when
bound to loopback), bind mounts and engine sockets go to the host; the outside world and the host
are drawn only when something connects to them. ``--highlight RULES`` (a rule, a family or ALL)
runs those rules and marks what their findings point at: the services and networks they name, and
the port, attachment, mount or ``network_mode`` entry they sit on.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from composelint import config
from composelint.commands.check import run_options
from composelint.commands.config import spec_for
from composelint.compose.errors import UsageError
from composelint.compose.loader import LoadedProject
from composelint.compose.span import Span
from composelint.engine import load, run_rules
from composelint.exitcodes import EXIT_FINDINGS, EXIT_OK
from composelint.finding import Finding
from composelint.printable import printable
from composelint.project.dataservices import DataServices
from composelint.project.graph import ProjectGraph
from composelint.project.model import Mount, PortMapping, Project, Service, build_project
from composelint.registry import Registry
from composelint.rules.security.common import engine_socket


@dataclass
class Highlight:
    """What a rule's findings point at."""

    services: set[str] = field(default_factory=set)
    # Where the paths behind reachability findings start ("db is reachable from proxy": proxy).
    entries: set[str] = field(default_factory=set)
    networks: set[str] = field(default_factory=set)  # Docker network names
    places: set[tuple[str, int, int]] = field(default_factory=set)  # where findings sit
    findings: list[Finding] = field(default_factory=list)

    def at(self, span: Span | None) -> bool:
        """Whether a finding sits on this node (ports, attachments, network_mode entries)."""
        return span is not None and (span.path, span.line, span.column) in self.places

    def edge(self, span: Span | None, *services: str, network: str | None = None) -> bool:
        """Whether an edge is on a finding's path: its entry is a finding's node, or it joins two
        highlighted things (a highlighted service to a highlighted network)."""
        if self.at(span):
            return True
        if network is not None:
            return network in self.networks and all(s in self.services for s in services)
        return False

    def port(self, graph: ProjectGraph, service: str, port: PortMapping) -> bool:
        """A published port is on a path when a finding sits on it, or when it is how a highlighted
        service is reached: from the outside world, or from a highlighted service on the host."""
        if self.at(port.span):
            return True
        ports = graph.project.services[service].ports
        if service not in self.services or any(self.at(p.span) for p in ports):
            return False
        if self.entries and service not in self.entries:
            return False  # the target's own ports are another rule's business (exposed-database)
        if not port.is_loopback:
            return True
        return any(graph.on_host_network(s) for s in self.services)


class Group(NamedTuple):
    """One network drawn as a group: a Docker network and the keys that name it."""

    docker_name: str
    keys: tuple[str, ...]
    title: str
    internal: bool
    members: tuple[str, ...]  # namespace owners on it, in project order


def groups(graph: ProjectGraph) -> list[Group]:
    """The networks services are on, declared networks first (in file order), then networks only
    `network_mode` names (`bridge`, an outside network). Each namespace owner is a member of the
    group of its first network."""
    project = graph.project
    keys: dict[str, list[str]] = {}
    internal: dict[str, bool] = {}
    for key, network in project.networks.items():
        docker_name = graph.effective_network(key)
        keys.setdefault(docker_name, []).append(key)
        internal[docker_name] = internal.get(docker_name, False) or network.internal
    placed: dict[str, list[str]] = {}
    for name in project.services:
        memberships = graph.memberships(name)
        for docker_name, membership in memberships.items():
            keys.setdefault(docker_name, [membership.network])
        if memberships and graph.namespace_owner(name) == name:
            placed.setdefault(next(iter(memberships)), []).append(name)
    out = []
    for docker_name, names in keys.items():
        if not any(docker_name in graph.memberships(n) for n in project.services):
            continue  # declared but unused: Compose does not create it
        flags = []
        if internal.get(docker_name):
            flags.append("internal")
        if any(project.networks[k].external for k in names if k in project.networks):
            flags.append("external")
        title = "network " + " / ".join(names) + (f" ({', '.join(flags)})" if flags else "")
        members = tuple(placed.get(docker_name, ()))
        out.append(Group(docker_name, tuple(names), title, internal.get(docker_name, False), members))
    return out


def highlight_of(graph: ProjectGraph, findings: list[Finding]) -> Highlight:
    project = graph.project
    result = Highlight(findings=findings)
    keys = {key: graph.effective_network(key) for key in project.networks}
    for finding in findings:
        result.places.add((finding.path, finding.line, finding.column))
        if finding.service is not None and finding.service in project.services:
            result.services.add(finding.service)
        # The first clause states the problem ("db is reachable from proxy through network back");
        # the rest explains it and may name bystanders ("only app does").
        statement = re.split(r", but |; | \(", finding.message, maxsplit=1)[0]
        for name in project.services:
            if re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w-])", statement):
                result.services.add(name)
            if re.search(rf"\breachable from (?:service )?{re.escape(name)}(?![\w-])", statement):
                result.entries.add(name)
        for key, docker_name in keys.items():
            if re.search(rf"\bnetwork {re.escape(key)}(?![\w.-])", statement):
                result.networks.add(docker_name)
    for name in project.services:  # the networks whose attachments findings sit on
        for docker_name, membership in graph.memberships(name).items():
            if result.at(membership.span):
                result.networks.add(docker_name)
    return result


class _Ids:
    """Identifiers for Mermaid and dot: readable, and distinct even when names differ only in
    characters an identifier cannot hold (`app-1` and `app_1`)."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str], str] = {}
        self._used: set[str] = set()

    def __call__(self, kind: str, name: str) -> str:
        key = (kind, name)
        if key not in self._ids:
            base = f"{kind}_{re.sub(r'[^A-Za-z0-9_]', '_', name)}"
            ident, index = base, 1
            while ident in self._used:
                index += 1
                ident = f"{base}_{index}"
            self._used.add(ident)
            self._ids[key] = ident
        return self._ids[key]


def _ports_apply(service: Service) -> bool:
    """Docker ignores (host) or refuses (service:, container:) the ports of these services."""
    mode = service.network_mode or ""
    return not (mode == "host" or mode.startswith(("service:", "container:")))


def _label_parts(service: Service, data: DataServices) -> list[str]:
    parts = [service.name]
    if service.image:
        parts.append(service.image)
    elif service.has_build:
        parts.append("(build)")
    if service.profiles:
        parts.append("profiles: " + ", ".join(service.profiles))
    if service.network_mode in ("host", "none"):
        parts.append(f"network_mode: {service.network_mode}")
    return parts


class _Drawn(NamedTuple):
    """A service's mounts as the drawings show them."""

    # In file order: ("volume", mount) for a named volume, its own node; ("socket", mount) for a
    # container engine's API bound from the host.
    edges: list[tuple[str, Mount]]
    binds: list[Mount]  # other host paths, counted on one edge to the host


def _mounts(service: Service) -> _Drawn:
    drawn = _Drawn([], [])
    for mount in service.mounts:
        if mount.type == "volume" and mount.source:
            drawn.edges.append(("volume", mount))
        elif _is_engine_socket(mount):
            drawn.edges.append(("socket", mount))
        elif mount.type == "bind":
            drawn.binds.append(mount)
    return drawn


def _is_engine_socket(mount: Mount) -> bool:
    return mount.type == "bind" and bool(mount.source and engine_socket(mount.source))


def _volume_label(project: Project, key: str) -> str:
    declared = project.volumes.get(key)
    return f"volume {key}" + (" (external)" if declared is not None and declared.external else "")


def _socket_label(mount: Mount) -> str:
    return f"{mount.source} (engine API)"


def _binds_label(binds: list[Mount]) -> str:
    return f"binds {len(binds)} host path{'s' if len(binds) != 1 else ''}"


def _source(port: PortMapping) -> str:
    return "host" if port.is_loopback else "world"


# -- Mermaid ---------------------------------------------------------------------------------------

_RED = "stroke:#d00,stroke-width:3px"


def _mermaid_text(text: str) -> str:
    """Text from the files inside a Mermaid label: no quote ends it, no backtick ends the fenced
    block a Markdown page holds it in, no markup or control character of its own."""
    entities = {'"': "#quot;", "`": "#96;", "<": "#lt;", ">": "#gt;", "#": "#35;"}
    return "".join(entities.get(char, char) for char in printable(text))


class _MermaidEdges:
    """Edges in drawing order; Mermaid styles an edge by that index."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.highlighted: list[int] = []

    def add(self, line: str, highlighted: bool) -> None:
        if highlighted:
            self.highlighted.append(len(self.lines))
        self.lines.append(line)


def mermaid(graph: ProjectGraph, highlight: Highlight, data: DataServices) -> str:
    project = graph.project
    ident = _Ids()
    edges = _MermaidEdges()
    placed: set[str] = set()

    def node(name: str) -> str:
        service = project.services[name]
        label = "<br/>".join(_mermaid_text(part) for part in _label_parts(service, data))
        shape = f'[("{label}")]' if data.is_data_service(service) else f'["{label}"]'
        return ident("svc", name) + shape

    all_groups = groups(graph)
    network = {group.docker_name: ident("net", group.keys[0]) for group in all_groups}
    volumes: dict[str, str] = {}  # volume key -> node id, in the order services mount them
    for name, service in project.services.items():
        svc = ident("svc", name)
        memberships = graph.memberships(name) if graph.namespace_owner(name) == name else {}
        for docker_name, membership in list(memberships.items())[1:]:
            on_path = highlight.edge(membership.span, name, network=docker_name)
            edges.add(f"  {svc} --- {network[docker_name]}", on_path)
        mode_span = service.value_span("network_mode")
        owner = graph.namespace_owner(name)
        if owner != name:
            edges.add(f"  {svc} -. shares network of .-> {ident('svc', owner)}", highlight.edge(mode_span))
        elif service.network_mode == "host":
            edges.add(f"  {svc} --- host", highlight.edge(mode_span))
        if _ports_apply(service):
            for port in service.ports:
                text = _mermaid_text(port.describe())
                edges.add(f'  {_source(port)} -- "{text}" --> {svc}', highlight.port(graph, name, port))
        for dependency in service.depends_on:
            if dependency.kind in ("depends_on", "links") and dependency.service in project.services:
                target = ident("svc", dependency.service)
                edges.add(f"  {svc} -.-> {target}", highlight.edge(dependency.span))
        mounts = _mounts(service)
        for kind, mount in mounts.edges:
            if kind == "socket":
                text = _mermaid_text(_socket_label(mount))
                edges.add(f'  {svc} == "{text}" ==> host', highlight.at(mount.span))
                continue
            volume = volumes.setdefault(str(mount.source), ident("vol", str(mount.source)))
            edges.add(f'  {svc} -- "{_mermaid_text(mount.target)}" --> {volume}', highlight.at(mount.span))
        if mounts.binds:
            on_path = any(highlight.at(m.span) for m in mounts.binds)
            edges.add(f'  {svc} -- "{_binds_label(mounts.binds)}" --> host', on_path)
    used = " ".join(edges.lines)
    lines = ["flowchart LR"]
    # The outside world and the host only where something connects to them.
    if re.search(r"(^|\s)world\s", used):
        lines.append('  world(("outside world"))')
    if re.search(r"\shost(\s|$)", used + " "):
        lines.append('  host[["host"]]')
    for group in all_groups:
        lines.append(f'  subgraph {network[group.docker_name]}["{_mermaid_text(group.title)}"]')
        lines.extend(f"    {node(member)}" for member in group.members)
        placed.update(group.members)
        lines.append("  end")
    lines.extend(f"  {node(name)}" for name in project.services if name not in placed)
    for key, volume in volumes.items():
        lines.append(f'  {volume}{{{{"{_mermaid_text(_volume_label(project, key))}"}}}}')
    lines.extend(edges.lines)
    for name in project.services:
        if name in highlight.services:
            lines.append(f"  style {ident('svc', name)} {_RED}")
    for group in all_groups:
        if group.docker_name in highlight.networks:
            lines.append(f"  style {network[group.docker_name]} {_RED}")
    lines.extend(f"  linkStyle {index} {_RED}" for index in edges.highlighted)
    # Large groups as a grid, not a column: invisible links chain each row (after the real edges,
    # so linkStyle numbers stay theirs).
    for group in all_groups:
        members = [ident("svc", m) for m in group.members]
        if len(members) > _ROW:
            width = math.ceil(math.sqrt(len(members)))
            for start in range(0, len(members), width):
                row = members[start : start + width]
                if len(row) > 1:
                    lines.append("  " + " ~~~ ".join(row))
    return "\n".join(lines) + "\n"


# Groups with more members than this are laid out in rows.
_ROW = 6


# -- Graphviz dot ----------------------------------------------------------------------------------


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _dot_attrs(attrs: dict[str, str]) -> str:
    return "[" + ", ".join(f"{k}={_dot_quote(v)}" for k, v in attrs.items()) + "]"


def _red(attrs: dict[str, str], on: bool) -> dict[str, str]:
    return {**attrs, "color": "red", "penwidth": "3"} if on else attrs


def dot(graph: ProjectGraph, highlight: Highlight, data: DataServices) -> str:
    project = graph.project
    ident = _Ids()
    lines = ["digraph compose {", "  rankdir=LR;"]
    placed: set[str] = set()
    volumes: list[str] = []

    def node(name: str) -> str:
        service = project.services[name]
        attrs = {
            "label": "\n".join(_label_parts(service, data)),
            "shape": "cylinder" if data.is_data_service(service) else "box",
        }
        return f"{ident('svc', name)} {_dot_attrs(_red(attrs, name in highlight.services))};"

    all_groups = groups(graph)
    network = {group.docker_name: ident("net", group.keys[0]) for group in all_groups}
    for group in all_groups:
        on = group.docker_name in highlight.networks
        lines.append(f"  subgraph {ident('cluster', group.keys[0])} {{")
        cluster = {"label": group.title, "style": "dashed" if group.internal else "solid"}
        lines.extend(f"    {k}={_dot_quote(v)};" for k, v in _red(cluster, on).items())
        # The network itself, for services that join it from another group.
        anchor = {"shape": "plaintext", "label": " / ".join(group.keys)}
        lines.append(f"    {network[group.docker_name]} {_dot_attrs(anchor)};")
        lines.extend(f"    {node(member)}" for member in group.members)
        placed.update(group.members)
        lines.append("  }")
    lines.extend(f"  {node(name)}" for name in project.services if name not in placed)
    for name, service in project.services.items():
        svc = ident("svc", name)
        memberships = graph.memberships(name) if graph.namespace_owner(name) == name else {}
        for docker_name, membership in list(memberships.items())[1:]:
            on = highlight.edge(membership.span, name, network=docker_name)
            attrs = _red({"dir": "none", "style": "dashed"}, on)
            lines.append(f"  {svc} -> {network[docker_name]} {_dot_attrs(attrs)};")
        mode_span = service.value_span("network_mode")
        owner = graph.namespace_owner(name)
        if owner != name:
            attrs = _red({"style": "dotted", "label": "shares network of"}, highlight.edge(mode_span))
            lines.append(f"  {svc} -> {ident('svc', owner)} {_dot_attrs(attrs)};")
        elif service.network_mode == "host":
            attrs = _red({"dir": "none", "label": "network_mode: host"}, highlight.edge(mode_span))
            lines.append(f"  {svc} -> host {_dot_attrs(attrs)};")
        if _ports_apply(service):
            for port in service.ports:
                attrs = _red({"label": port.describe()}, highlight.port(graph, name, port))
                lines.append(f"  {_source(port)} -> {svc} {_dot_attrs(attrs)};")
        for dependency in service.depends_on:
            if dependency.kind in ("depends_on", "links") and dependency.service in project.services:
                attrs = _red({"style": "dashed"}, highlight.edge(dependency.span))
                lines.append(f"  {svc} -> {ident('svc', dependency.service)} {_dot_attrs(attrs)};")
        mounts = _mounts(service)
        for kind, mount in mounts.edges:
            if kind == "socket":
                attrs = _red({"label": _socket_label(mount), "penwidth": "2"}, highlight.at(mount.span))
                lines.append(f"  {svc} -> host {_dot_attrs(attrs)};")
                continue
            volume = ident("vol", str(mount.source))
            if volume not in volumes:
                volumes.append(volume)
                shape = {"shape": "cylinder", "label": _volume_label(project, str(mount.source))}
                lines.append(f"  {volume} {_dot_attrs(shape)};")
            attrs = _red({"label": mount.target}, highlight.at(mount.span))
            lines.append(f"  {svc} -> {volume} {_dot_attrs(attrs)};")
        if mounts.binds:
            on_path = any(highlight.at(m.span) for m in mounts.binds)
            lines.append(
                f"  {svc} -> host {_dot_attrs(_red({'label': _binds_label(mounts.binds)}, on_path))};"
            )
    # The outside world and the host only where something connects to them.
    ends = {
        "world": {"shape": "doublecircle", "label": "outside world"},
        "host": {"shape": "box3d", "label": "host"},
    }
    edges_text = "\n".join(lines)
    for name, attrs in reversed(ends.items()):
        if re.search(rf"(^|\s){name} ->|-> {name} ", edges_text, re.MULTILINE):
            lines.insert(2, f"  {name} {_dot_attrs(attrs)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


# -- JSON ------------------------------------------------------------------------------------------


def as_json(graph: ProjectGraph, highlight: Highlight, data: DataServices, cwd: str) -> str:
    project = graph.project

    def where(span: Span) -> dict[str, Any]:
        return {"path": os.path.relpath(span.path, cwd), "line": span.line, "column": span.column}

    document = {
        "project": project.name,
        "networks": [
            {
                "name": group.keys[0],
                "keys": list(group.keys),
                "docker_name": group.docker_name,
                "internal": group.internal,
                "services": [n for n in project.services if group.docker_name in graph.memberships(n)],
                "highlighted": group.docker_name in highlight.networks,
            }
            for group in groups(graph)
        ],
        "services": [
            {
                "name": name,
                "image": service.image,
                "data_service": data.is_data_service(service),
                "profiles": list(service.profiles),
                "network_mode": service.network_mode,
                "namespace_owner": graph.namespace_owner(name),
                "networks": [m.network for m in graph.memberships(name).values()],
                "ports": [
                    {
                        "mapping": port.describe(),
                        "exposed_to_world": not port.is_loopback,
                        "applies": _ports_apply(service),
                        "highlighted": highlight.port(graph, name, port),
                        **where(port.span),
                    }
                    for port in service.ports
                ],
                "reachable_from": graph.who_reaches(name),
                "mounts": [
                    {
                        "type": mount.type,
                        "source": mount.source,
                        "target": mount.target,
                        "engine_socket": _is_engine_socket(mount),
                        **where(mount.span),
                    }
                    for mount in service.mounts
                    if mount.type in ("volume", "bind")
                ],
                "depends_on": [d.service for d in service.depends_on if d.kind in ("depends_on", "links")],
                "highlighted": name in highlight.services,
            }
            for name, service in project.services.items()
        ],
        "volumes": [
            {
                "name": key,
                "external": volume.external,
                "mounted_by": [
                    n
                    for n, s in project.services.items()
                    if any(m.type == "volume" and m.source == key for m in s.mounts)
                ],
            }
            for key, volume in project.volumes.items()
        ],
        "findings": [
            {"rule": f.rule_id, "name": f.name, "message": f.message, "service": f.service, **where(f.span)}
            for f in highlight.findings
        ],
    }
    return json.dumps(document, indent=2) + "\n"


# -- command ---------------------------------------------------------------------------------------


def host_mermaid(projects: list[Project], data: DataServices) -> str:
    """Several projects on one host: each a group of its services, the networks two or more of them
    join (by the name Docker sees) between the groups, and what each publishes to the world."""
    lines = ["flowchart LR"]
    members: dict[str, list[str]] = {}  # Docker network name -> node ids of its services
    published: list[str] = []
    for index, project in enumerate(projects):
        lines.append(f'  subgraph p{index}["project {_mermaid_text(project.name)}"]')
        for number, service in enumerate(project.services.values()):
            node = f"p{index}s{number}"
            label = _mermaid_text(service.name)
            lines.append(
                f'    {node}[("{label}")]' if data.is_data_service(service) else f'    {node}["{label}"]'
            )
            for attachment in service.networks:
                network = project.networks.get(attachment.network)
                if network is not None:
                    members.setdefault(network.effective_name, []).append(node)
            for port in service.ports:
                if port.published and not port.is_loopback:
                    published.append(f'  internet -->|"{_mermaid_text(port.describe())}"| {node}')
        lines.append("  end")
    shared = {name: nodes for name, nodes in members.items() if len({n.split("s")[0] for n in nodes}) > 1}
    for number, (name, nodes) in enumerate(sorted(shared.items())):
        lines.append(f'  n{number}{{{{"network {_mermaid_text(name)}"}}}}')
        lines.extend(f"  {node} --- n{number}" for node in nodes)
    if published:
        lines.append("  internet((the internet))")
        lines.extend(published)
    return "\n".join(lines) + "\n"


def project_or_errors(loaded: LoadedProject) -> Project | None:
    """The project's model, or None after saying on stderr why it could not be loaded."""
    project = build_project(loaded)
    if project is None:
        for error in loaded.errors:
            print(printable(str(error)), file=sys.stderr)
        print("composelint: the project could not be loaded", file=sys.stderr)
    return project


def run_host_graph(args: argparse.Namespace, cwd: str) -> int:
    from composelint.compose.discovery import find_projects

    registry = Registry.default()
    root = os.path.join(cwd, args.path or ".")
    settings = config.load_settings(root if os.path.isdir(root) else os.path.dirname(root), None, registry)
    projects = []
    for spec in find_projects([args.path or "."], cwd, settings.exclude):
        project = build_project(load(spec, settings, run_options(args, cwd)))
        if project is not None:
            projects.append(project)
    data = DataServices(settings.data_images, settings.not_data_images, settings.data_services)
    sys.stdout.write(host_mermaid(projects, data))
    return EXIT_OK


def run_graph(args: argparse.Namespace) -> int:
    cwd = os.getcwd()
    if args.same_host:
        if args.format != "mermaid" or args.highlight:
            raise UsageError("--same-host draws Mermaid, without --highlight")
        return run_host_graph(args, cwd)
    spec = spec_for(args, cwd)
    registry = Registry.default()
    # One rule, a family or prefix (CL2), or ALL: the enabled rules it names.
    rules = registry.matching(args.highlight) if args.highlight else []
    if args.highlight and not rules:
        raise UsageError(f"unknown rule '{args.highlight}' (see `composelint rules`)")
    # The configuration decides what a data service is and who may reach whom, as for `check`.
    settings = config.load_settings(os.path.dirname(spec.files[0]), None, registry)
    loaded = load(spec, settings, run_options(args, cwd))
    project = project_or_errors(loaded)
    if project is None:
        return EXIT_FINDINGS
    findings: list[Finding] = []
    if rules:
        named = tuple(r.id for r in rules)
        if args.highlight.upper() == "ALL":  # every rule the configuration enables
            named = tuple(r.id for r in registry.enabled(settings))
        only_these = settings._replace(select=named, extend_select=(), ignore=())
        findings = sorted(set(run_rules(loaded, only_these, registry)))
    graph = ProjectGraph(project)
    data = DataServices(settings.data_images, settings.not_data_images, settings.data_services)
    highlight = highlight_of(graph, findings)
    if args.format == "dot":
        sys.stdout.write(dot(graph, highlight, data))
    elif args.format == "json":
        sys.stdout.write(as_json(graph, highlight, data, cwd))
    else:
        sys.stdout.write(mermaid(graph, highlight, data))
    return EXIT_OK
