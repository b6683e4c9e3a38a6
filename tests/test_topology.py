"""The topology rules on whole projects: segmentation, exposed databases, host ports, data volumes.

The fixtures (tests/fixtures/CL201..CL203, CL301, CL302) pin every case with positions; these tests
cover what needs a project of its own: the acceptance stacks, configuration, `.env`, active profiles.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from composelint.compose.discovery import ProjectSpec
from composelint.compose.loader import LoadOptions, load_project
from composelint.engine import RunOptions, lint_project
from composelint.finding import Finding
from composelint.project.model import build_project
from composelint.rule import Context
from composelint.rules.network.duplicate_host_port import DuplicateHostPort
from composelint.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
TOPOLOGY = ("CL201", "CL202", "CL203", "CL301", "CL302")

SEGMENTED = """
services:
  proxy:
    image: traefik:v3.1
    ports: ["443:443"]
    networks: [public, backend]
  app-1:
    image: example/app-1:1.0
    {app1_depends}
    networks: [backend, data-1]
  app-2:
    image: example/app-2:1.0
    networks: [backend, data-2]
  db-1:
    image: postgres:16.4
    networks: [{db1_networks}]
  db-2:
    image: mysql:8.4
    networks: [data-2]
networks:
  public: {{}}
  backend:
    internal: true
  data-1:
    internal: true
  data-2:
    internal: true
"""


def findings(
    directory: Path,
    *files: str,
    environ: dict[str, str] | None = None,
    profiles: tuple[str, ...] | None = None,
    **settings: object,
) -> list[Finding]:
    spec = ProjectSpec(tuple(str(directory / f) for f in files or ("compose.yaml",)))
    options = RunOptions(environ=environ or {}, cwd=str(directory), profiles=profiles)
    chosen = Settings(**{"select": TOPOLOGY, **settings})  # type: ignore[arg-type]
    return sorted(lint_project(spec, chosen, options).findings)


def write(directory: Path, text: str) -> None:
    (directory / "compose.yaml").write_text(text)


def write_segmented(directory: Path, db1_networks: str, depends: bool) -> None:
    write(
        directory,
        SEGMENTED.format(db1_networks=db1_networks, app1_depends="depends_on: [db-1]" if depends else ""),
    )


def test_textbook_segmented_stack_is_clean_with_and_without_depends_on(tmp_path: Path) -> None:
    for depends in (True, False):
        write_segmented(tmp_path, "data-1", depends)
        assert findings(tmp_path) == []


def test_the_segmented_example_is_clean(tmp_path: Path) -> None:
    shutil.copy(ROOT / "examples" / "segmented" / "compose.yaml", tmp_path / "compose.yaml")
    assert findings(tmp_path) == []


def test_db_on_the_backend_is_reachable_from_the_public_proxy(tmp_path: Path) -> None:
    write_segmented(tmp_path, "data-1, backend", depends=False)
    found = findings(tmp_path)
    # Nobody declares use of db-1: only the proxy, which publishes a port, is reported, at db-1's
    # backend attachment (the one that opens the path).
    assert [(f.rule_id, f.line, f.column, f.service) for f in found] == [("CL201", 16, 24, "db-1")]
    assert found[0].message.startswith(
        "db-1 is reachable from proxy through network backend, but proxy shows no connection to db-1"
    )


def test_declared_use_makes_every_other_service_a_finding(tmp_path: Path) -> None:
    write_segmented(tmp_path, "data-1, backend", depends=True)
    messages = [f.message for f in findings(tmp_path)]
    assert messages == [
        "db-1 is reachable from app-2 through network backend, but app-2 does not use db-1 (only app-1 does)",
        "db-1 is reachable from proxy through network backend, but proxy does not use db-1 (only app-1 does)",
    ]


def test_the_intruders_attachment_is_reported_when_the_data_service_needs_its_network(tmp_path: Path) -> None:
    # db-1 stays on data-1, which app-1 needs; app-2 joins data-1 although it does not use db-1.
    write_segmented(tmp_path, "data-1", depends=True)
    text = (tmp_path / "compose.yaml").read_text().replace("[backend, data-2]", "[backend, data-2, data-1]")
    write(tmp_path, text)
    found = findings(tmp_path)
    assert [(f.line, f.column, f.service) for f in found] == [(13, 33, "app-2")]
    assert "db-1 is reachable from app-2 through network data-1" in found[0].message


def test_isolation_policy_from_the_config_is_enforced_on_a_single_network(tmp_path: Path) -> None:
    write(
        tmp_path, "services:\n  api:\n    image: a\n  worker:\n    image: w\n  db:\n    image: postgres:16\n"
    )
    assert findings(tmp_path) == []
    found = findings(tmp_path, isolation={"db": ("api",)})
    assert [(f.message, f.line, f.column) for f in found] == [
        (
            "db is reachable from worker through network default, but the isolation policy only allows api",
            4,
            3,
        )
    ]


def test_the_compose_files_policy_wins_over_the_configuration(tmp_path: Path) -> None:
    write(
        tmp_path,
        "x-composelint:\n  isolation:\n    db: [api]\n"
        "services:\n  api:\n    image: a\n  worker:\n    image: w\n  db:\n    image: postgres:16\n",
    )
    found = findings(tmp_path, isolation={"db": ("api", "worker")})
    assert [f.message for f in found] == [
        "db is reachable from worker through network default, but the isolation policy only allows api"
    ]


def test_a_policy_is_segmentation_intent_for_the_other_data_services_too(tmp_path: Path) -> None:
    write(
        tmp_path,
        "services:\n  api:\n    image: a\n    depends_on: [db]\n  worker:\n    image: w\n"
        "  db:\n    image: postgres:16\n  vault:\n    image: hashicorp/vault:1.17\n",
    )
    assert findings(tmp_path) == []
    found = findings(tmp_path, isolation={"vault": ("api", "worker")})
    assert sorted(f.message for f in found) == [
        "db is reachable from vault through network default, but vault does not use db (only api does)",
        "db is reachable from worker through network default, but worker does not use db (only api does)",
        "vault is reachable from db through network default, but the isolation policy only allows api, worker",
    ]


def test_a_policy_may_name_services_of_inactive_profiles(tmp_path: Path) -> None:
    write(
        tmp_path,
        "x-composelint:\n  isolation:\n    db: [api, debug]\n"
        "services:\n  api:\n    image: a\n  debug:\n    image: d\n    profiles: [debug]\n"
        "  db:\n    image: postgres:16\n",
    )
    assert findings(tmp_path, profiles=("prod",)) == []
    found = findings(tmp_path, profiles=("prod",), **{"isolation": {}})
    assert found == []
    (tmp_path / "compose.yaml").write_text(
        (tmp_path / "compose.yaml").read_text().replace("debug]", "debgu]", 1)
    )
    assert [f.message for f in findings(tmp_path, profiles=("prod",))] == [
        "isolation policy of db allows debgu, which is not a service of this project"
    ]


def test_network_mode_service_shares_reachability(tmp_path: Path) -> None:
    write(
        tmp_path,
        "services:\n  app:\n    image: a\n    depends_on: [db]\n    networks: [back]\n"
        "  vpn:\n    image: v\n    networks: [front]\n  spy:\n    image: s\n    network_mode: service:vpn\n"
        "  db:\n    image: redis:7\n    networks: [back, front]\n"
        "networks:\n  back: {}\n  front: {}\n",
    )
    found = findings(tmp_path)
    assert [(f.message.split(", but")[0], f.line, f.column) for f in found] == [
        # db need not be on front (app reaches it through back): db's front attachment opens both paths.
        ("db is reachable from spy through network front (spy shares the network namespace of vpn)", 14, 22),
        ("db is reachable from vpn through network front", 14, 22),
    ]


def test_network_mode_bridge_and_container_names_join_networks_and_namespaces(tmp_path: Path) -> None:
    write(
        tmp_path,
        "services:\n"
        "  app:\n    image: a\n    network_mode: bridge\n"
        "  worker:\n    image: w\n    network_mode: bridge\n"
        "  db:\n    image: postgres:16\n    network_mode: bridge\n"
        "  vpn:\n    image: qmcgaw/gluetun:v3\n    container_name: vpn-box\n    ports: ['27017:27017']\n"
        "  mongo:\n    image: mongo:7\n    network_mode: container:vpn-box\n",
    )
    found = findings(tmp_path, isolation={"db": ("app",)})
    assert [(f.rule_id, f.line, f.message.split(";")[0]) for f in found] == [
        (
            "CL201",
            7,
            "db is reachable from worker through network bridge, but the isolation policy only allows app",
        ),
        (
            "CL202",
            14,
            "mongo service mongo listens in the network namespace of vpn, which publishes its port "
            "27017/tcp on all interfaces (host port 27017)",
        ),
    ]


def test_dot_env_decides_whether_two_ports_collide(tmp_path: Path) -> None:
    write(
        tmp_path,
        "services:\n  a:\n    image: a\n    ports: ['${A_PORT:-8000}:80']\n  b:\n    image: b\n    ports: ['8001:80']\n",
    )
    assert findings(tmp_path) == []
    (tmp_path / ".env").write_text("A_PORT=8001\n")
    found = findings(tmp_path)
    assert [(f.rule_id, f.line, f.column) for f in found] == [("CL203", 7, 13)]
    assert "already published by service a (compose.yaml:4:13)" in found[0].message
    assert findings(tmp_path, environ={"A_PORT": "9000"}) == []


def test_ports_of_services_that_never_run_together_do_not_collide(tmp_path: Path) -> None:
    write(
        tmp_path,
        "services:\n  a:\n    image: a\n    profiles: [blue]\n    ports: ['80:80']\n"
        "  b:\n    image: b\n    profiles: [green]\n    ports: ['80:80']\n"
        "  c:\n    image: c\n    ports: ['80:80']\n",
    )
    found = findings(tmp_path)
    # b never runs with a (disjoint profiles); c runs with both and is reported once, naming a.
    assert [(f.service, f.line) for f in found] == [("c", 12)]
    assert "already published by service a" in found[0].message
    # With one profile active, the other profile's service is not even loaded.
    assert [f.service for f in findings(tmp_path, profiles=("green",))] == ["c"]
    assert "already published by service b" in findings(tmp_path, profiles=("green",))[0].message


def test_many_ports_are_compared_in_linear_time(tmp_path: Path) -> None:
    body = "".join(
        f"  s{i}:\n    image: x\n    ports: ['{10000 + i}:80', '{10000 + i}:81/udp']\n" for i in range(3000)
    )
    write(tmp_path, "services:\n" + body + "  late:\n    image: x\n    ports: ['12999:80']\n")
    project = build_project(load_project(LoadOptions(files=(str(tmp_path / "compose.yaml"),), environ={})))
    assert project is not None
    start = time.perf_counter()
    found = list(DuplicateHostPort().check(Context(project=project, settings=Settings())))
    elapsed = time.perf_counter() - start
    assert [(v.service, v.message.split(" (")[0]) for v in found] == [
        ("late", "host port 0.0.0.0:12999/tcp of service late is already published by service s2999")
    ]
    assert elapsed < 1.0  # comparing every pair of the 6,001 mappings took seconds


def test_production_profiles_and_data_images_are_configurable(tmp_path: Path) -> None:
    write(
        tmp_path,
        "services:\n  app:\n    image: a\n    profiles: [live]\n    volumes: ['./src:/src']\n"
        "  store:\n    image: example/keyvalue:1\n    ports: ['7000:7000']\n    volumes: ['kv:/var/lib/kv']\n"
        "volumes:\n  kv: {}\n",
    )
    assert findings(tmp_path) == []
    found = findings(
        tmp_path, production_profiles=("live",), data_images=("keyvalue",), critical_volumes=("kv",)
    )
    assert [f.rule_id for f in found] == ["CL301", "CL202", "CL302"]


def test_images_can_be_added_removed_and_services_marked_as_data_services(tmp_path: Path) -> None:
    write(
        tmp_path,
        "services:\n  cache:\n    image: redis:7\n    ports: ['6379:6379']\n"
        "  ledger:\n    build: .\n    ports: ['5000:5000']\n"
        "  pg:\n    image: registry.acme.example:5000/pg-main:3@sha256:abc\n    ports: ['5432:5432']\n"
        "  other:\n    image: docker.io/acme/pg-main:3\n    ports: ['5433:5432']\n",
    )
    assert [f.service for f in findings(tmp_path)] == ["cache"]
    found = findings(
        tmp_path,
        data_images=("registry.acme.example:5000/pg-*",),  # with its registry: not docker.io's pg-main
        not_data_images=("redis",),
        data_services=("ledger",),
    )
    assert [(f.service, f.message.split(" publishes")[0]) for f in found] == [
        ("ledger", "data service ledger"),
        ("pg", "pg-main service pg"),
    ]


def test_undeclared_critical_volume_is_reported_at_the_mount(tmp_path: Path) -> None:
    write(
        tmp_path, "services:\n  db:\n    image: postgres:16\n    volumes: ['pg:/var/lib/postgresql/data']\n"
    )
    found = findings(tmp_path)
    assert [(f.rule_id, f.line, f.column) for f in found] == [("CL302", 4, 15)]


def test_who_reaches_agrees_with_links_in_every_network_setup(tmp_path: Path) -> None:
    write(
        tmp_path,
        "services:\n"
        "  proxy:\n    image: p\n    ports: ['80:80']\n    networks: [front, back]\n"
        "  app:\n    image: a\n    networks: [back]\n"
        "  sidecar:\n    image: s\n    network_mode: service:app\n"
        "  vpn:\n    image: v\n    container_name: vpn-box\n    ports: ['127.0.0.1:9000:9000']\n"
        "  torrent:\n    image: t\n    network_mode: container:vpn-box\n"
        "  outside-a:\n    image: o\n    network_mode: container:elsewhere\n"
        "  outside-b:\n    image: o\n    network_mode: container:elsewhere\n"
        "  legacy-a:\n    image: l\n    network_mode: bridge\n"
        "  legacy-b:\n    image: l\n    network_mode: default\n"
        "  joined:\n    image: j\n    network_mode: shared-net\n"
        "  ext:\n    image: e\n    networks: [shared]\n"
        "  exporter:\n    image: x\n    network_mode: host\n"
        "  agent:\n    image: y\n    network_mode: host\n"
        "  offline:\n    image: z\n    network_mode: none\n"
        "networks:\n  front: {}\n  back: {}\n  shared:\n    external: true\n    name: shared-net\n",
    )
    project = build_project(load_project(LoadOptions(files=(str(tmp_path / "compose.yaml"),), environ={})))
    assert project is not None
    graph = Context(project=project, settings=Settings()).graph
    reaches = {(a, b) for a in project.services for b in project.services if graph.reachable(a, b)}
    assert reaches == {(a, b) for b in project.services for a in graph.who_reaches(b)}
    mutual = {
        ("proxy", "app"),
        ("proxy", "sidecar"),
        ("app", "sidecar"),
        ("vpn", "torrent"),  # container:NAME of a service: its namespace
        ("outside-a", "outside-b"),  # the same outside container
        ("legacy-a", "legacy-b"),  # Docker's default bridge
        ("joined", "ext"),  # network_mode naming the external network
        ("exporter", "agent"),  # both on the host network
    }
    # From the host network, every published port (loopback included); not the other way round.
    one_way = {(h, s) for h in ("exporter", "agent") for s in ("proxy", "vpn", "torrent")}
    assert reaches == mutual | {(b, a) for a, b in mutual} | one_way
    assert graph.who_reaches("offline") == [] and not any(a == "offline" for a, _ in reaches)


def test_ports_of_a_service_on_internal_networks_only_are_not_exposed_they_are_unpublished(
    tmp_path: Path,
) -> None:
    # Docker publishes none of them: not an exposed database (CL202) or an open port (CL204), but CL213.
    write(
        tmp_path,
        "services:\n  db:\n    image: postgres:16.4\n    ports: ['5432:5432']\n    networks: [data]\n"
        "  admin:\n    image: example/admin:1\n    ports: ['9000:9000']\n    networks: [data]\n"
        "networks:\n  data:\n    internal: true\n",
    )
    found = findings(tmp_path, select=("CL202", "CL204", "CL213"))
    assert [(f.rule_id, f.line) for f in found] == [("CL213", 4), ("CL213", 8)]
