"""`composelint graph`: Mermaid, dot and JSON drawings of a project, and `--highlight RULE`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from composelint.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEGMENTED = ROOT / "examples" / "segmented" / "compose.yaml"
RED = "stroke:#d00,stroke-width:3px"


def graph(cwd: Path, *args: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    monkeypatch.chdir(cwd)
    assert main(["graph", *args]) == 0
    return capsys.readouterr().out


@pytest.fixture
def segmented(tmp_path: Path) -> Path:
    shutil.copy(SEGMENTED, tmp_path / "compose.yaml")
    return tmp_path


@pytest.fixture
def leaky(tmp_path: Path) -> Path:
    """The segmented stack with db-1 on the shared backend too."""
    text = SEGMENTED.read_text().replace("    networks: [data-1]\n", "    networks: [data-1, backend]\n")
    (tmp_path / "compose.yaml").write_text(text)
    return tmp_path


def subgraphs(mermaid: str) -> dict[str, tuple[str, list[str]]]:
    """Subgraph id -> (title, node ids inside)."""
    found: dict[str, tuple[str, list[str]]] = {}
    current: str | None = None
    for line in mermaid.splitlines():
        if match := re.fullmatch(r'  subgraph (\w+)\["(.*)"\]', line):
            current = match.group(1)
            found[current] = (match.group(2), [])
        elif line == "  end":
            current = None
        elif current is not None:
            node = re.match(r"    (\w+)", line)
            assert node is not None, line
            found[current][1].append(node.group(1))
    return found


def edges(mermaid: str) -> list[str]:
    """Edge lines, in the order Mermaid numbers them for linkStyle."""
    return [
        line.strip() for line in mermaid.splitlines() if re.search(r" (---|-->|-\.->|\.->|==>|~~~) ", line)
    ]


def test_mermaid_groups_services_by_network_and_draws_ports(
    segmented: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = graph(segmented, monkeypatch=monkeypatch, capsys=capsys)
    assert out.startswith("flowchart LR\n")
    assert subgraphs(out) == {
        "net_public": ("network public", ["svc_proxy"]),
        "net_backend": ("network backend (internal)", ["svc_app_1", "svc_app_2"]),
        "net_data_1": ("network data-1 (internal)", ["svc_db_1"]),
        "net_data_2": ("network data-2 (internal)", ["svc_db_2"]),
    }
    assert '    svc_db_1[("db-1<br/>postgres:16.4")]' in out.splitlines()  # a data service: a cylinder
    assert '    svc_proxy["proxy<br/>traefik:v3.1"]' in out.splitlines()
    assert edges(out) == [
        "svc_proxy --- net_backend",  # the proxy's second network
        'world -- "443:443/tcp" --> svc_proxy',
        "svc_app_1 --- net_data_1",
        "svc_app_1 -.-> svc_db_1",  # depends_on
        "svc_app_2 --- net_data_2",
        'svc_db_1 -- "/var/lib/postgresql/data" --> vol_db_1_data',  # named volumes, drawn
        'svc_db_2 -- "/data" --> vol_db_2_data',
    ]
    assert '  vol_db_1_data{{"volume db-1-data (external)"}}' in out.splitlines()
    assert "host" not in out  # nothing connects to the host: it is not drawn
    assert "style" not in out and "linkStyle" not in out


def test_highlight_marks_the_path_behind_network_isolation_findings(
    leaky: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = graph(leaky, "--highlight", "network-isolation", monkeypatch=monkeypatch, capsys=capsys)
    styled = set(re.findall(rf"  style (\w+) {RED}", out))
    # app-1 declares use of db-1: the proxy and app-2 reach it through backend.
    assert styled == {"svc_proxy", "svc_app_2", "svc_db_1", "net_backend"}
    drawn = edges(out)
    red = [drawn[int(i)] for i in re.findall(rf"  linkStyle (\d+) {RED}", out)]
    assert sorted(red) == [
        "svc_db_1 --- net_backend",  # the attachment the findings sit on
        "svc_proxy --- net_backend",
        'world -- "443:443/tcp" --> svc_proxy',  # how the outside world gets in
    ]


def test_highlight_by_id_marks_exposed_ports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx:1.27\n    ports: ['80:80']\n"
        "  db:\n    image: postgres:16\n    ports: ['5432:5432', '127.0.0.1:5433:5432']\n"
    )
    out = graph(tmp_path, "--highlight", "CL202", monkeypatch=monkeypatch, capsys=capsys)
    drawn = edges(out)
    red = [drawn[int(i)] for i in re.findall(rf"  linkStyle (\d+) {RED}", out)]
    assert red == ['world -- "5432:5432/tcp" --> svc_db']
    assert 'host -- "127.0.0.1:5433:5432/tcp" --> svc_db' in drawn  # loopback: from the host only
    assert re.findall(rf"  style (\w+) {RED}", out) == ["svc_db"]


def test_dot_draws_clusters_cylinders_and_highlights(
    leaky: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = graph(leaky, "--format", "dot", "--highlight", "CL201", monkeypatch=monkeypatch, capsys=capsys)
    assert out.startswith("digraph compose {\n") and out.endswith("}\n")
    assert out.count("{") == out.count("}")
    clusters = re.findall(r"subgraph (cluster_\w+) \{", out)
    assert clusters == ["cluster_public", "cluster_backend", "cluster_data_1", "cluster_data_2"]
    assert 'svc_db_1 [label="db-1\\npostgres:16.4", shape="cylinder", color="red", penwidth="3"];' in out
    assert 'svc_app_1 [label="app-1\\nexample/app-1:1.4.2", shape="box"];' in out
    assert 'svc_db_1 -> net_backend [dir="none", style="dashed", color="red", penwidth="3"];' in out
    assert 'world -> svc_proxy [label="443:443/tcp", color="red", penwidth="3"];' in out
    backend = out[out.index("subgraph cluster_backend") :].split("}", 1)[0]
    assert 'style="dashed"' in backend and 'color="red"' in backend  # internal, and on the path
    if shutil.which("dot"):  # Graphviz parses it
        rendered = subprocess.run(["dot", "-Tsvg"], input=out, capture_output=True, text=True)
        assert rendered.returncode == 0, rendered.stderr


def test_json_lists_networks_services_reachability_and_findings(
    leaky: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    document = json.loads(
        graph(leaky, "--format", "json", "--highlight", "CL201", monkeypatch=monkeypatch, capsys=capsys)
    )
    assert document["project"] == "segmented"
    networks = {n["name"]: n for n in document["networks"]}
    assert networks["backend"]["internal"] and not networks["public"]["internal"]
    assert networks["backend"]["docker_name"] == "segmented_backend"
    assert networks["backend"]["services"] == ["proxy", "app-1", "app-2", "db-1"]
    assert networks["backend"]["highlighted"] and not networks["data-1"]["highlighted"]
    services = {s["name"]: s for s in document["services"]}
    assert services["db-1"]["data_service"] and not services["proxy"]["data_service"]
    assert services["db-1"]["networks"] == ["data-1", "backend"]
    assert services["db-1"]["reachable_from"] == ["proxy", "app-1", "app-2"]
    assert services["db-2"]["reachable_from"] == ["app-2"]
    assert services["proxy"]["ports"] == [
        {
            "mapping": "443:443/tcp",
            "exposed_to_world": True,
            "applies": True,
            "highlighted": True,
            "path": "compose.yaml",
            "line": 8,
            "column": 9,
        }
    ]
    assert [s for s, v in services.items() if v["highlighted"]] == ["proxy", "app-2", "db-1"]
    assert [(f["rule"], f["line"], f["column"], f["service"]) for f in document["findings"]] == [
        ("CL201", 28, 24, "db-1"),
        ("CL201", 28, 24, "db-1"),
    ]


def test_namespaces_host_network_and_none_are_drawn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  app:\n    image: a\n  sidecar:\n    image: s\n    network_mode: service:app\n"
        "  exporter:\n    image: e\n    network_mode: host\n    ports: ['9100:9100']\n"
        "  offline:\n    image: o\n    network_mode: none\n"
    )
    out = graph(tmp_path, monkeypatch=monkeypatch, capsys=capsys)
    assert subgraphs(out) == {"net_default": ("network default", ["svc_app"])}
    assert edges(out) == ["svc_sidecar -. shares network of .-> svc_app", "svc_exporter --- host"]
    assert '  svc_offline["offline<br/>o<br/>network_mode: none"]' in out.splitlines()
    document = json.loads(graph(tmp_path, "--format", "json", monkeypatch=monkeypatch, capsys=capsys))
    services = {s["name"]: s for s in document["services"]}
    assert services["sidecar"]["namespace_owner"] == "app" and services["sidecar"]["networks"] == ["default"]
    assert services["exporter"]["ports"][0]["applies"] is False  # Docker ignores ports on the host network


def test_identifiers_stay_distinct_and_labels_come_from_the_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".composelint.yaml").write_text("data-services: [app_1]\n")
    (tmp_path / "compose.yaml").write_text("services:\n  app-1:\n    image: a\n  app_1:\n    build: .\n")
    out = graph(tmp_path, monkeypatch=monkeypatch, capsys=capsys)
    assert '    svc_app_1["app-1<br/>a"]' in out.splitlines()
    assert '    svc_app_1_2[("app_1<br/>(build)")]' in out.splitlines()


def test_usage_and_project_errors(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "composelint", "graph", *args]
        return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)

    unknown = run("--highlight", "CL999")
    assert unknown.returncode == 2 and "unknown rule 'CL999'" in unknown.stderr
    assert run("--format", "png").returncode == 2
    assert run("missing.yaml").returncode == 2
    (tmp_path / "compose.yaml").write_text("services: [\n")
    broken = run()
    assert broken.returncode == 1 and "Traceback" not in broken.stderr
    assert "could not be loaded" in broken.stderr
    assert broken.stdout == ""


def test_highlighting_one_rule_marks_only_its_own_path(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # examples/leaky: db is reachable from proxy (network-isolation); db's own published port is
    # exposed-database's finding and is marked only when that rule is highlighted.
    leaky = ROOT / "examples" / "leaky"
    out = graph(leaky, "--highlight", "CL201", monkeypatch=monkeypatch, capsys=capsys)
    red = {edges(out)[int(i)] for i in re.findall(rf"  linkStyle (\d+) {RED}", out)}
    assert 'world -- "80:80/tcp" --> svc_proxy' in red
    assert 'world -- "5432:5432/tcp" --> svc_db' not in red
    out = graph(leaky, "--highlight", "CL202", monkeypatch=monkeypatch, capsys=capsys)
    red = {edges(out)[int(i)] for i in re.findall(rf"  linkStyle (\d+) {RED}", out)}
    assert red == {'world -- "5432:5432/tcp" --> svc_db'}


def test_bind_mounts_engine_sockets_and_external_volumes_reach_the_host(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  agent:\n    image: portainer/agent:2.21\n    volumes:\n"
        "      - /var/run/docker.sock:/var/run/docker.sock\n      - ./config:/config\n      - ./certs:/certs\n"
        "      - shared:/shared\nvolumes:\n  shared:\n    external: true\n"
    )
    out = graph(tmp_path, monkeypatch=monkeypatch, capsys=capsys)
    assert edges(out) == [
        'svc_agent == "/var/run/docker.sock (engine API)" ==> host',
        'svc_agent -- "/shared" --> vol_shared',
        'svc_agent -- "binds 2 host paths" --> host',
    ]
    assert '  vol_shared{{"volume shared (external)"}}' in out.splitlines()
    assert '  host[["host"]]' in out.splitlines() and "world" not in out
    dot = graph(tmp_path, "--format", "dot", monkeypatch=monkeypatch, capsys=capsys)
    assert 'svc_agent -> host [label="/var/run/docker.sock (engine API)", penwidth="2"];' in dot
    assert 'vol_shared [shape="cylinder", label="volume shared (external)"];' in dot
    assert "world" not in dot


def test_a_large_network_is_laid_out_in_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "".join(f"  s{i}:\n    image: example/s:{i}\n" for i in range(40))
    (tmp_path / "compose.yaml").write_text("services:\n" + body)
    out = graph(tmp_path, monkeypatch=monkeypatch, capsys=capsys)
    rows = [line for line in out.splitlines() if " ~~~ " in line]
    assert len(rows) == 6  # 40 services in rows of 7: a block, not a column of 40
    assert rows[0] == "  " + " ~~~ ".join(f"svc_s{i}" for i in range(7))
