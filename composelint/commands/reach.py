"""`composelint reach`: who can open a connection to a service, and through what.

`composelint reach db-1` lists every service that reaches db-1, with each path (a network they
share, the network namespace they share, the host's network) and where in the files that path is
opened; `composelint reach app-1 db-1` answers yes or no, with the paths, in its exit code too.
The same queries as the topology rules, on the project as Docker Compose merges it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, NamedTuple

from composelint import config
from composelint.commands.check import run_options
from composelint.commands.config import spec_for
from composelint.commands.graph import project_or_errors
from composelint.compose.errors import UsageError
from composelint.compose.span import Span
from composelint.engine import load
from composelint.exitcodes import EXIT_FINDINGS, EXIT_OK
from composelint.printable import printable
from composelint.project.graph import ProjectGraph
from composelint.registry import Registry


class Route(NamedTuple):
    how: str  # "network", "namespace", "host"
    via: str  # the network's key, the namespace owner, "host"
    opened: tuple[tuple[str, Span], ...]  # (service, where its side of the path is written)


def routes(graph: ProjectGraph, source: str, target: str) -> list[Route]:
    """Every way ``source`` reaches ``target``: the networks both are on, a shared network
    namespace, the host's network."""
    services = graph.project.services
    found: list[Route] = []
    if graph.same_namespace(source, target):
        owner = graph.namespace_owner(target)
        sides = tuple(
            (name, services[name].value_span("network_mode") or services[name].span)
            for name in (source, target)
            if name != owner
        )
        found.append(Route("namespace", owner, sides))
        return found  # one namespace: its networks are the same ones, not another way in
    target_networks = graph.memberships(target)
    for docker_name, membership in graph.memberships(source).items():
        if docker_name in target_networks:
            sides = tuple((name, _joined(graph, name, docker_name)) for name in (source, target))
            found.append(Route("network", membership.network, sides))
    if graph.on_host_network(source) and (
        graph.on_host_network(target) or any(graph.published_ports(target))
    ):
        mode = services[source].value_span("network_mode") or services[source].span
        ports = [port.span for port in graph.published_ports(target)]
        found.append(Route("host", "host", ((source, mode), *((target, span) for span in ports[:1]))))
    return found


def _joined(graph: ProjectGraph, service: str, docker_name: str) -> Span:
    own = graph.project.services[service]
    if graph.namespace_owner(service) != service:
        return own.value_span("network_mode") or own.span
    membership = graph.memberships(service)[docker_name]
    return own.span if membership.implicit else membership.span


def _where(span: Span, cwd: str) -> str:
    return f"{os.path.relpath(span.path, cwd)}:{span.line}:{span.column}"


def _describe(route: Route, cwd: str) -> str:
    sides = "; ".join(f"{name} at {_where(span, cwd)}" for name, span in route.opened)
    if route.how == "network":
        return f"through network {route.via} ({sides})"
    if route.how == "namespace":
        return f"in the network namespace of {route.via} ({sides})"
    return f"through the host network ({sides})"


def _as_json(route: Route, cwd: str) -> dict[str, Any]:
    return {
        "how": route.how,
        "via": route.via,
        "opened": [
            {
                "service": name,
                "path": os.path.relpath(span.path, cwd),
                "line": span.line,
                "column": span.column,
            }
            for name, span in route.opened
        ],
    }


def run_reach(args: argparse.Namespace) -> int:
    cwd = os.getcwd()
    spec = spec_for(args, cwd)
    settings = config.load_settings(os.path.dirname(spec.files[0]), None, Registry.default())
    project = project_or_errors(load(spec, settings, run_options(args, cwd)))
    if project is None:
        return EXIT_FINDINGS
    target = args.target if args.source is None else args.source
    source = None if args.source is None else args.target
    for name in (target, source):
        if name is not None and name not in project.services:
            known = ", ".join(project.services) or "none"
            raise UsageError(f"no service {name} in this project (services: {known})")
    graph = ProjectGraph(project)
    reachers = [source] if source is not None else graph.who_reaches(target)
    found = {name: routes(graph, name, target) for name in reachers}
    found = {name: paths for name, paths in found.items() if paths}
    if args.format == "json":
        document: dict[str, Any] = {
            "target": target,
            "reachers": [
                {"service": name, "routes": [_as_json(r, cwd) for r in paths]}
                for name, paths in found.items()
            ],
        }
        if source is not None:
            document["source"] = source
            document["reaches"] = bool(found)
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    elif source is not None:
        if found:
            lines = [f"yes: {source} reaches {target}"] + [f"  {_describe(r, cwd)}" for r in found[source]]
        else:
            lines = [f"no: {source} cannot reach {target}"]
        sys.stdout.write("".join(printable(line) + "\n" for line in lines))
    elif not found:
        sys.stdout.write(printable(f"no service reaches {target}") + "\n")
    else:
        plural = "s" if len(found) != 1 else ""
        lines = [f"{target} is reachable from {len(found)} service{plural}:"]
        for name, paths in found.items():
            lines.extend(f"  {name} {_describe(route, cwd)}" for route in paths)
        sys.stdout.write("".join(printable(line) + "\n" for line in lines))
    if source is not None:
        return EXIT_OK if found else EXIT_FINDINGS
    return EXIT_OK
