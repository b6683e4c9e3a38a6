"""Network and port hygiene rules (CL204-CL211) on whole projects: hand-offs, variables, overrides."""

from __future__ import annotations

from pathlib import Path

from composelint.compose.discovery import ProjectSpec
from composelint.engine import RunOptions, lint_project
from composelint.finding import Finding
from composelint.settings import Settings

HYGIENE = ("CL202", "CL204", "CL205", "CL206", "CL207", "CL208", "CL209", "CL210", "CL211")


def findings(
    directory: Path, *files: str, environ: dict[str, str] | None = None, **settings: object
) -> list[Finding]:
    spec = ProjectSpec(tuple(str(directory / f) for f in files or ("compose.yaml",)))
    options = RunOptions(environ=environ or {}, cwd=str(directory))
    chosen = Settings(**{"select": HYGIENE, **settings})  # type: ignore[arg-type]
    return sorted(lint_project(spec, chosen, options).findings)


def where(found: list[Finding], rule: str) -> list[tuple[str, int, int]]:
    return [(Path(f.path).name, f.line, f.column) for f in found if f.rule_id == rule]


def test_database_ports_are_left_to_exposed_database(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  db:\n"
        "    image: postgres:16.4\n"
        '    ports: ["5432:5432"]\n'
        "  web:\n"
        "    image: example/admin:1.4\n"
        '    ports: ["8080:8080"]\n'
    )
    found = findings(tmp_path)
    assert where(found, "CL202") == [("compose.yaml", 4, 13)]
    assert where(found, "CL204") == [("compose.yaml", 7, 13)]
    # Once postgres is not a data service, the all-interfaces port is reported like any other.
    found = findings(tmp_path, not_data_images=("postgres",))
    assert where(found, "CL202") == []
    assert where(found, "CL204") == [("compose.yaml", 4, 13), ("compose.yaml", 7, 13)]


def test_ports_under_host_or_shared_network_modes_go_to_ports_with_network_mode(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  vpn:\n"
        "    image: example/vpn:2.0\n"
        "  client:\n"
        "    image: example/client:1.0\n"
        "    network_mode: service:vpn\n"
        '    ports: ["80:8080"]\n'
        "  exporter:\n"
        "    image: prom/node-exporter:v1.8.2\n"
        "    network_mode: host\n"
        '    ports: ["99:9100"]\n'
    )
    found = findings(tmp_path, extend_select=("CL205",))
    assert where(found, "CL204") == []
    assert where(found, "CL205") == []
    assert where(found, "CL206") == [("compose.yaml", 7, 5), ("compose.yaml", 11, 5)]
    refused, ignored = (f.message for f in found if f.rule_id == "CL206")
    assert "refuses" in refused and "vpn" in refused
    assert "ignored" in ignored


def test_host_address_from_the_environment_decides(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        'services:\n  admin:\n    image: example/admin:1.4\n    ports: ["${ADMIN_BIND}:9000:9000"]\n'
    )
    assert where(findings(tmp_path, environ={"ADMIN_BIND": "127.0.0.1"}), "CL204") == []
    (unset,) = [f for f in findings(tmp_path) if f.rule_id == "CL204"]
    assert "${ADMIN_BIND} is unset" in unset.message
    (tmp_path / ".env").write_text("ADMIN_BIND=0.0.0.0\n")
    (from_env_file,) = [f for f in findings(tmp_path) if f.rule_id == "CL204"]
    assert (from_env_file.line, from_env_file.column) == (4, 13)
    assert "0.0.0.0:9000:9000/tcp" in from_env_file.message


def test_an_override_that_publishes_a_port_is_reported_in_the_override(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx:1.27\n")
    (tmp_path / "compose.override.yaml").write_text(
        'services:\n  web:\n    ports:\n      - "127.0.0.1:8080:80"\n      - "9443:9443"\n'
    )
    found = findings(tmp_path, "compose.yaml", "compose.override.yaml")
    assert where(found, "CL204") == [("compose.override.yaml", 5, 9)]


def test_privileged_ports_are_judged_on_the_host_side_only(tmp_path: Path) -> None:
    # KICS's privileged-ports samples: container-side-only ports are not privileged on the host.
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  app:\n"
        "    image: example/app:1.0\n"
        "    ports:\n"
        '      - "7000:80"\n'
        '      - "70:8000"\n'
        '      - "9090-9091:80-81"\n'
        '      - "90-91:8080-8081"\n'
        '      - "127.0.0.1::50"\n'
        '      - "49100:22"\n'
        '      - "67:67/udp"\n'
    )
    found = findings(tmp_path, select=("CL205",))
    assert [f.line for f in found] == [6, 8, 11]


def test_default_bridge_names_resolve_through_links_only(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  app:\n"
        "    image: example/app:2.1\n"
        "    network_mode: bridge\n"
        "    links: [db]\n"
        "    environment:\n"
        "      DB_HOST: db\n"
        "      SEARCH: http://search:9200\n"
        "      SCRIPT: db.py\n"
        "  db:\n"
        "    image: postgres:16.4\n"
        "    network_mode: bridge\n"
        "  search:\n"
        "    image: example/search:8.15\n"
        "    network_mode: bridge\n"
    )
    found = [f for f in findings(tmp_path) if f.rule_id == "CL207"]
    assert [(f.line, f.column) for f in found] == [(8, 15)]
    assert "search" in found[0].message and "network_mode: bridge" in found[0].message


def test_project_network_services_are_not_reported_without_a_bridge_service(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  app:\n"
        "    image: example/app:2.1\n"
        "    environment: {DB_HOST: db}\n"
        "  db:\n"
        "    image: postgres:16.4\n"
    )
    assert where(findings(tmp_path), "CL207") == []


def test_two_keys_for_one_network_are_not_an_overlap(tmp_path: Path) -> None:
    network = "    name: shared-net\n    ipam:\n      config: [{subnet: 10.9.0.0/24}]\n"
    (tmp_path / "compose.yaml").write_text(
        "services:\n  a:\n    image: alpine:3.20\n    networks: [one, two, three]\n"
        f"networks:\n  one:\n{network}  two:\n{network}"
        "  three:\n    ipam:\n      config: [{subnet: 10.9.0.128/25}]\n"
    )
    assert where(findings(tmp_path), "CL209") == [("compose.yaml", 16, 25)]


def test_static_addresses_on_networks_whose_subnets_are_unknown_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  a:\n"
        "    image: alpine:3.20\n"
        "    networks:\n"
        "      lan:\n"
        "        ipv4_address: 10.50.0.9\n"
        "networks:\n"
        "  lan:\n"
        "    ipam:\n"
        "      config:\n"
        "        - subnet: ${LAN_SUBNET}\n"
    )
    assert where(findings(tmp_path), "CL210") == []
    found = findings(tmp_path, environ={"LAN_SUBNET": "10.60.0.0/24"})
    assert where(found, "CL210") == [("compose.yaml", 6, 23)]
    assert "outside the subnets of network lan (10.60.0.0/24)" in found[0].message


def test_the_same_address_on_two_networks_is_fine(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  a:\n"
        "    image: alpine:3.20\n"
        "    networks: {one: {ipv4_address: 10.1.0.5}}\n"
        "  b:\n"
        "    image: alpine:3.20\n"
        "    networks: {two: {ipv4_address: 10.1.0.5}}\n"
        "networks:\n"
        "  one: {ipam: {config: [{subnet: 10.1.0.0/24}]}}\n"
        "  two: {ipam: {config: [{subnet: 10.1.0.0/24}]}, name: other}\n"
    )
    found = findings(tmp_path)
    assert where(found, "CL210") == []
    # ...but the two networks overlap, which Docker refuses on its own.
    assert where(found, "CL209") == [("compose.yaml", 10, 34)]


def test_alias_collision_needs_the_same_network(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  api:\n"
        "    image: example/api:1.0\n"
        "    networks: [back]\n"
        "  proxy:\n"
        "    image: example/proxy:1.0\n"
        "    networks:\n"
        "      front:\n"
        "        aliases: [api]\n"
        "      back:\n"
        "        aliases: [gateway]\n"
        "networks:\n"
        "  front: {}\n"
        "  back: {}\n"
    )
    assert where(findings(tmp_path), "CL211") == []
    text = (tmp_path / "compose.yaml").read_text().replace("aliases: [gateway]", "aliases: [gateway, api]")
    (tmp_path / "compose.yaml").write_text(text)
    assert where(findings(tmp_path), "CL211") == [("compose.yaml", 11, 28)]
