"""The topology rules on whole projects: segmentation, exposed databases, host ports, data volumes."""

from __future__ import annotations

from pathlib import Path

from composelint.discovery import ProjectSpec
from composelint.engine import RunOptions, lint_project
from composelint.finding import Finding
from composelint.settings import Settings

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


def findings(directory: Path, *files: str, environ: dict[str, str] | None = None, **settings: object) -> list[Finding]:
    spec = ProjectSpec(tuple(str(directory / f) for f in files or ("compose.yaml",)))
    options = RunOptions(environ=environ or {}, cwd=str(directory))
    chosen = Settings(select=TOPOLOGY, **settings)  # type: ignore[arg-type]
    return sorted(lint_project(spec, chosen, options).findings)


def write_segmented(directory: Path, db1_networks: str, depends: bool) -> None:
    (directory / "compose.yaml").write_text(
        SEGMENTED.format(db1_networks=db1_networks, app1_depends="depends_on: [db-1]" if depends else "")
    )


def test_textbook_segmented_stack_is_clean_with_and_without_depends_on(tmp_path: Path) -> None:
    for depends in (True, False):
        write_segmented(tmp_path, "data-1", depends)
        assert findings(tmp_path) == []


def test_db_on_the_backend_is_reachable_from_the_proxy(tmp_path: Path) -> None:
    write_segmented(tmp_path, "data-1, backend", depends=False)
    found = findings(tmp_path)
    assert [(f.rule_id, f.line) for f in found] == [("CL201", 16)]
    assert "db-1 is reachable from proxy through network backend" in found[0].message


def test_declared_use_makes_every_other_service_a_finding(tmp_path: Path) -> None:
    write_segmented(tmp_path, "data-1, backend", depends=True)
    messages = [f.message for f in findings(tmp_path)]
    assert any("reachable from proxy" in m and "only app-1 does" in m for m in messages)
    assert any("reachable from app-2 through network backend, but app-2 does not use db-1" in m for m in messages)
    assert len(messages) == 2


def test_isolation_policy_from_the_config_is_enforced_on_a_single_network(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  api:\n    image: a\n  worker:\n    image: w\n  db:\n    image: postgres:16\n"
    )
    assert findings(tmp_path) == []
    found = findings(tmp_path, isolation={"db": ("api",)})
    assert [f.message for f in found] == [
        "db is reachable from worker through network default, but the isolation policy only allows api"
    ]


def test_network_mode_service_shares_reachability(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  app:\n    image: a\n    depends_on: [db]\n    networks: [back]\n"
        "  vpn:\n    image: v\n    networks: [front]\n  spy:\n    image: s\n    network_mode: service:vpn\n"
        "  db:\n    image: redis:7\n    networks: [back, front]\n"
        "networks:\n  back: {}\n  front: {}\n"
    )
    reached = {f.message.split(" through ")[0] for f in findings(tmp_path)}
    assert reached == {"db is reachable from spy", "db is reachable from vpn"}


def test_dot_env_decides_whether_two_ports_collide(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  a:\n    image: a\n    ports: ['${A_PORT:-8000}:80']\n  b:\n    image: b\n    ports: ['8001:80']\n"
    )
    assert findings(tmp_path) == []
    (tmp_path / ".env").write_text("A_PORT=8001\n")
    found = findings(tmp_path)
    assert [(f.rule_id, f.line, f.column) for f in found] == [("CL203", 7, 13)]
    assert "already published by service a" in found[0].message
    assert findings(tmp_path, environ={"A_PORT": "9000"}) == []


def test_ports_of_services_that_never_run_together_do_not_collide(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  a:\n    image: a\n    profiles: [blue]\n    ports: ['80:80']\n"
        "  b:\n    image: b\n    profiles: [green]\n    ports: ['80:80']\n"
        "  c:\n    image: c\n    ports: ['80:80']\n"
    )
    found = findings(tmp_path)
    # b never runs with a (disjoint profiles); c runs with both and is reported once, naming a.
    assert [(f.service, f.line) for f in found] == [("c", 12)]
    assert "already published by service a" in found[0].message


def test_production_profiles_and_data_images_are_configurable(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  app:\n    image: a\n    profiles: [live]\n    volumes: ['./src:/src']\n"
        "  store:\n    image: example/keyvalue:1\n    ports: ['7000:7000']\n    volumes: ['kv:/var/lib/kv']\n"
        "volumes:\n  kv: {}\n"
    )
    assert findings(tmp_path) == []
    found = findings(
        tmp_path, production_profiles=("live",), data_images=("keyvalue",), critical_volumes=("kv",)
    )
    assert [f.rule_id for f in found] == ["CL301", "CL202", "CL302"]


def test_undeclared_critical_volume_is_reported_at_the_mount(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  db:\n    image: postgres:16\n    volumes: ['pg:/var/lib/postgresql/data']\n")
    found = findings(tmp_path)
    assert [(f.rule_id, f.line, f.column) for f in found] == [("CL302", 4, 15)]
