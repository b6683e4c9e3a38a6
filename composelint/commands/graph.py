"""`composelint graph`: draw the project — networks as groups, services inside, ports to the world.

Formats: Mermaid (renders on GitHub), Graphviz dot, and JSON for tools. ``--highlight RULE`` marks the
services, networks and ports behind that rule's findings.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import dataclass, field
from typing import Any

from composelint.cli import EXIT_FINDINGS, EXIT_OK
from composelint.commands.check import run_options
from composelint.commands.config import spec_for
from composelint.dataservices import DataServices
from composelint.engine import load, run_rules
from composelint.errors import UsageError
from composelint.finding import Finding
from composelint.graph import ProjectGraph
from composelint.model import Project, build_project
from composelint.registry import Registry
from composelint.settings import Settings


@dataclass
class Highlight:
    services: set[str] = field(default_factory=set)
    networks: set[str] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)


def _ident(kind: str, name: str) -> str:
    return f"{kind}_{re.sub(r'[^A-Za-z0-9_]', '_', name)}"


def _members(graph: ProjectGraph, network: str) -> list[str]:
    return sorted(
        name
        for name in graph.project.services
        if graph.namespace_owner(name) == name and any(a.network == network for a in graph.attachments(name))
    )


def _highlight(project: Project, findings: list[Finding]) -> Highlight:
    result = Highlight(findings=findings)
    for finding in findings:
        if finding.service:
            result.services.add(finding.service)
        for name in project.networks:
            if re.search(rf"\bnetwork {re.escape(name)}\b", finding.message):
                result.networks.add(name)
        for name in project.services:
            if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", finding.message):
                result.services.add(name)
    return result


def _label(project: Project, data: DataServices, name: str) -> str:
    service = project.services[name]
    parts = [name]
    if service.image:
        parts.append(service.image)
    if data.is_data_service(service):
        parts.append("(data)")
    if service.profiles:
        parts.append("profiles: " + ", ".join(service.profiles))
    return "<br/>".join(parts)


def mermaid(graph: ProjectGraph, highlight: Highlight) -> str:
    project = graph.project
    data = DataServices()
    lines = ["flowchart LR", '  world(("outside world"))', '  host[["host"]]']
    placed: set[str] = set()
    for name, network in sorted(project.networks.items()):
        members = _members(graph, name)
        title = (
            f"network {name}"
            + (" (internal)" if network.internal else "")
            + (" (external)" if network.external else "")
        )
        lines.append(f'  subgraph {_ident("net", name)}["{title}"]')
        for member in members:
            if member not in placed:
                lines.append(f'    {_ident("svc", member)}["{_label(project, data, member)}"]')
                placed.add(member)
            else:
                lines.append(f"    {_ident('svc', member)}")
        lines.append("  end")
    for name in sorted(project.services):
        if name not in placed:
            mode = graph.network_mode(name)
            suffix = (
                f"<br/>network_mode: {project.services[name].network_mode}"
                if project.services[name].network_mode
                else ""
            )
            lines.append(f'  {_ident("svc", name)}["{_label(project, data, name)}{suffix}"]')
            if mode == "host":
                lines.append(f"  {_ident('svc', name)} --- host")
    edge_index = 0
    highlighted_edges: list[int] = []
    for name in sorted(project.services):
        service = project.services[name]
        owner = graph.namespace_owner(name)
        if owner != name:
            lines.append(f"  {_ident('svc', name)} -. shares network of .-> {_ident('svc', owner)}")
            edge_index += 1
        for port in service.ports:
            source = "host" if port.is_loopback else "world"
            lines.append(f'  {source} -- "{port.describe()}" --> {_ident("svc", name)}')
            if name in highlight.services and source == "world":
                highlighted_edges.append(edge_index)
            edge_index += 1
        for dependency in service.depends_on:
            if dependency.kind in ("depends_on", "links"):
                lines.append(f"  {_ident('svc', name)} -.-> {_ident('svc', dependency.service)}")
                edge_index += 1
    for name in sorted(highlight.services & set(project.services)):
        lines.append(f"  style {_ident('svc', name)} stroke:#d00,stroke-width:3px")
    for name in sorted(highlight.networks & set(project.networks)):
        lines.append(f"  style {_ident('net', name)} stroke:#d00,stroke-width:3px")
    for index in highlighted_edges:
        lines.append(f"  linkStyle {index} stroke:#d00,stroke-width:3px")
    return "\n".join(lines) + "\n"


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot(graph: ProjectGraph, highlight: Highlight) -> str:
    project = graph.project
    data = DataServices()
    lines = [
        "digraph compose {",
        "  rankdir=LR;",
        '  world [shape=doublecircle, label="outside world"];',
        '  host [shape=box3d, label="host"];',
    ]
    placed: set[str] = set()
    for name, network in sorted(project.networks.items()):
        style = "dashed" if network.internal else "solid"
        color = "red" if name in highlight.networks else "black"
        label = f"network {name}" + (" (internal)" if network.internal else "")
        lines.append(f"  subgraph {_dot_quote('cluster_' + name)} {{")
        lines.append(f"    label={_dot_quote(label)}; style={style}; color={color};")
        for member in _members(graph, name):
            if member in placed:
                continue
            placed.add(member)
            lines.append(f"    {_dot_quote(member)};")
        lines.append("  }")
    for name in sorted(project.services):
        attrs = {"label": _label(project, data, name).replace("<br/>", "\\n"), "shape": "box"}
        if data.is_data_service(project.services[name]):
            attrs["shape"] = "cylinder"
        if name in highlight.services:
            attrs["color"] = "red"
            attrs["penwidth"] = "3"
        rendered = ", ".join(f"{k}={_dot_quote(v)}" for k, v in attrs.items())
        lines.append(f"  {_dot_quote(name)} [{rendered}];")
        service = project.services[name]
        if graph.network_mode(name) == "host":
            lines.append(f'  {_dot_quote(name)} -> host [label="network_mode: host", dir=none];')
        owner = graph.namespace_owner(name)
        if owner != name:
            lines.append(
                f'  {_dot_quote(name)} -> {_dot_quote(owner)} [style=dotted, label="shares network"];'
            )
        for port in service.ports:
            source = "host" if port.is_loopback else "world"
            color = ', color="red", penwidth=3' if name in highlight.services and source == "world" else ""
            lines.append(f"  {source} -> {_dot_quote(name)} [label={_dot_quote(port.describe())}{color}];")
        for dependency in service.depends_on:
            if dependency.kind in ("depends_on", "links"):
                lines.append(f"  {_dot_quote(name)} -> {_dot_quote(dependency.service)} [style=dashed];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def as_json(graph: ProjectGraph, highlight: Highlight, cwd: str) -> str:
    project = graph.project
    data = DataServices()

    def where(path: str, line: int, column: int) -> dict[str, Any]:
        return {"path": os.path.relpath(path, cwd), "line": line, "column": column}

    document = {
        "project": project.name,
        "networks": [
            {
                "name": name,
                "internal": network.internal,
                "external": network.external,
                "services": _members(graph, name),
                "highlighted": name in highlight.networks,
            }
            for name, network in sorted(project.networks.items())
        ],
        "services": [
            {
                "name": name,
                "image": service.image,
                "data_service": data.is_data_service(service),
                "profiles": list(service.profiles),
                "network_mode": service.network_mode,
                "networks": [a.network for a in graph.attachments(name)],
                "ports": [
                    {
                        "mapping": port.describe(),
                        "exposed_to_world": not port.is_loopback,
                        **where(port.span.path, port.span.line, port.span.column),
                    }
                    for port in service.ports
                ],
                "reachable_from": graph.who_reaches(name),
                "depends_on": [d.service for d in service.depends_on],
                "highlighted": name in highlight.services,
            }
            for name, service in sorted(project.services.items())
        ],
        "findings": [
            {"rule": f.rule_id, "name": f.name, "message": f.message, **where(f.path, f.line, f.column)}
            for f in highlight.findings
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def run_graph(args: argparse.Namespace) -> int:
    cwd = os.getcwd()
    spec = spec_for(args, cwd)
    settings = Settings()
    loaded = load(spec, settings, run_options(args, cwd))
    project = build_project(loaded)
    if project is None:
        for error in loaded.errors:
            print(str(error), file=sys.stderr)
        return EXIT_FINDINGS
    findings: list[Finding] = []
    if args.highlight:
        registry = Registry.default()
        rule = registry.lookup(args.highlight)
        if rule is None:
            raise UsageError(f"unknown rule '{args.highlight}'")
        findings = sorted(set(run_rules(loaded, Settings(select=(rule.id,)), registry)))
    graph = ProjectGraph(project)
    highlight = _highlight(project, findings)
    if args.format == "dot":
        sys.stdout.write(dot(graph, highlight))
    elif args.format == "json":
        sys.stdout.write(as_json(graph, highlight, cwd))
    else:
        sys.stdout.write(mermaid(graph, highlight))
    return EXIT_OK
