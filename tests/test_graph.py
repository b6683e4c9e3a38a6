"""The project graph's query API: who reaches whom, and why."""

from __future__ import annotations

from pathlib import Path

from composelint.compose.loader import LoadOptions, load_project
from composelint.project.graph import HOST, WORLD, ProjectGraph, service_node
from composelint.project.model import build_project


def graph_of(tmp_path: Path, text: str) -> ProjectGraph:
    (tmp_path / "compose.yaml").write_text(text)
    project = build_project(
        load_project(LoadOptions(files=(str(tmp_path / "compose.yaml"),), environ={}, cwd=str(tmp_path)))
    )
    assert project is not None
    return ProjectGraph(project)


STACK = """
services:
  proxy:
    image: nginx
    ports: ["443:443", "127.0.0.1:8080:8080"]
    networks: [front, back]
  app:
    image: app
    depends_on: [db]
    networks: [back]
  db:
    image: postgres
    networks: [back]
  sidecar:
    image: envoy
    network_mode: service:app
  isolated:
    image: tool
    network_mode: none
  exporter:
    image: node-exporter
    network_mode: host
  shared-a:
    image: a
    networks: [ext-a]
  shared-b:
    image: b
    networks: [ext-b]
networks:
  front: {}
  back:
    internal: true
  ext-a:
    external: true
    name: company-net
  ext-b:
    external: true
    name: company-net
"""


def test_reachability_through_networks_namespaces_and_host(tmp_path: Path) -> None:
    graph = graph_of(tmp_path, STACK)
    assert graph.reachable("proxy", "db") and graph.reachable("db", "proxy")
    assert graph.reachable("sidecar", "db")  # shares app's namespace
    assert not graph.reachable("isolated", "db") and not graph.reachable("db", "isolated")
    assert graph.reachable("exporter", "proxy")  # on the host, it reaches published ports
    assert not graph.reachable("exporter", "db")
    assert graph.reachable("shared-a", "shared-b")  # two keys for the same external network
    assert sorted(graph.who_reaches("db")) == ["app", "proxy", "sidecar"]


def test_path_explains_which_network_and_where(tmp_path: Path) -> None:
    graph = graph_of(tmp_path, STACK)
    link = graph.path("proxy", "db")
    assert link is not None and link.describe() == "network back"
    assert link.via_a is not None and (link.via_a.line, link.via_a.column) == (6, 23)
    assert link.via_b is not None and link.via_b.line == 13
    assert graph.path("isolated", "db") is None


def test_graph_edges_cover_ports_mounts_dependencies_and_egress(tmp_path: Path) -> None:
    graph = graph_of(tmp_path, STACK).graph
    kinds = {(a, b, d["kind"]) for a, b, d in graph.edges(data=True)}
    assert (WORLD, service_node("proxy"), "publishes") in kinds
    assert (HOST, service_node("proxy"), "publishes") in kinds
    # The loopback port is published to the host only.
    assert sum(1 for a, b, k in kinds if a == WORLD and k == "publishes") == 1
    assert (service_node("app"), service_node("db"), "depends_on") in kinds
    assert (service_node("sidecar"), service_node("app"), "shares_namespace") in kinds
    assert (("network", "front"), WORLD, "egress") in kinds
    assert (("network", "back"), WORLD, "egress") not in kinds  # internal
    assert (service_node("exporter"), HOST, "host_network") in kinds


def test_services_without_networks_share_the_default_network(tmp_path: Path) -> None:
    graph = graph_of(
        tmp_path,
        "services:\n  web:\n    image: nginx\n  db:\n    image: postgres\n  off:\n    image: tool\n    network_mode: none\n",
    )
    assert graph.reachable("web", "db") and graph.who_reaches("db") == ["web"]
    link = graph.path("web", "db")
    assert link is not None and link.describe() == "network default"
    assert graph.who_reaches("off") == [] and not graph.reachable("off", "web")


def test_dependents_and_ports_through_a_shared_namespace(tmp_path: Path) -> None:
    graph = graph_of(tmp_path, STACK)
    assert graph.dependents("db") == ["app"]
    assert graph.dependents("app") == ["sidecar"]  # network_mode: service:app implies a dependency
    assert graph.namespace_owner("sidecar") == "app" and graph.network_mode("sidecar") is None
    assert [p.target for p in graph.published_ports("proxy")] == [443, 8080]
    assert [p.target for p in graph.exposed_to_world("proxy")] == [443]
