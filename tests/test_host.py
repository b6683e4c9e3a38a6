"""Several projects on one Docker host: `--same-host` and `hosts:` join them on host ports,
container names, networks, external volumes and subnets; nothing of this without them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from composelint.cli import main

PROXY = """\
name: proxy
services:
  traefik:
    image: traefik:v3.1
    ports: ["443:443"]
    networks: [web]
networks:
  web:
    name: web
"""
SHOP = """\
name: shop
services:
  app:
    image: example/shop:2.1
    ports: ["127.0.0.1:8080:8080"]
    networks: [web, default]
  db:
    image: postgres:16.4
    container_name: db
    networks: [web]
    volumes: ["pgdata:/var/lib/postgresql/data"]
networks:
  web:
    external: true
  backend:
    ipam:
      config:
        - subnet: 172.30.0.0/16
volumes:
  pgdata:
    external: true
    name: pgdata
"""
BLOG = """\
name: blog
services:
  blog:
    image: ghost:5.96
    ports: ["8080:2368"]
    networks: [web]
  mysql:
    image: mysql:8.4
    container_name: db
    volumes: ["pgdata:/var/lib/mysql"]
networks:
  web:
    external: true
  internal:
    ipam:
      config:
        - subnet: 172.30.5.0/24
volumes:
  pgdata:
    external: true
    name: pgdata
"""
CROSS = "CL201,CL203,CL112,CL209,CL212,CL303"


@pytest.fixture
def host(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    for name, text in (("proxy", PROXY), ("shop", SHOP), ("blog", BLOG)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "compose.yaml").write_text(text)
    return tmp_path


def findings(
    root: Path, *args: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> list[tuple[str, str, int, str]]:
    monkeypatch.chdir(root)
    main(["check", "--format", "json", "--select", CROSS, *args])
    report = json.loads(capsys.readouterr().out)
    return [(f["rule"], f["path"], f["line"], f["message"]) for f in report["findings"]]


def test_nothing_crosses_projects_without_same_host_or_hosts(
    host: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert findings(host, ".", monkeypatch=monkeypatch, capsys=capsys) == []


def test_each_clash_between_stacks_is_reported_where_it_is_written_naming_the_other(
    host: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    found = findings(host, "--same-host", ".", monkeypatch=monkeypatch, capsys=capsys)
    by_rule = {rule: (path, line, message) for rule, path, line, message in found}
    # Host port 8080: blog publishes it on every interface, shop on 127.0.0.1: they collide.
    assert by_rule["CL203"][:2] == ("shop/compose.yaml", 5)
    assert "also published by service blog of project blog (blog/compose.yaml:5:13)" in by_rule["CL203"][2]
    # Two stacks name a container `db`.
    assert by_rule["CL112"][:2] == ("shop/compose.yaml", 9)
    assert "also used by service mysql of project blog (blog/compose.yaml:9:21)" in by_rule["CL112"][2]
    # shop's database joins `web`, which proxy creates and blog joins.
    assert by_rule["CL201"][:2] == ("shop/compose.yaml", 10)
    assert "which services of blog, proxy also join on the host" in by_rule["CL201"][2]
    # One external volume, two databases.
    assert by_rule["CL303"][:2] == ("shop/compose.yaml", 11)
    # 172.30.5.0/24 lies inside 172.30.0.0/16.
    assert by_rule["CL209"][:2] == ("shop/compose.yaml", 15)
    # pgdata is created by no project on the host (`web` is: by proxy).
    missing = sorted((path, line) for rule, path, line, _ in found if rule == "CL212")
    assert missing == [("blog/compose.yaml", 19), ("shop/compose.yaml", 20)]


def test_hosts_in_the_configuration_group_projects_and_keep_others_apart(
    host: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # shop and proxy on one host, blog on another: no port or name clash with blog any more.
    (host / ".composelint.yaml").write_text('hosts:\n  edge-1: ["proxy/*", "shop/*"]\n  edge-2: ["blog/*"]\n')
    found = findings(host, ".", monkeypatch=monkeypatch, capsys=capsys)
    rules = {rule for rule, *_ in found}
    assert "CL203" not in rules and "CL112" not in rules and "CL303" not in rules
    (reach,) = [message for rule, _, _, message in found if rule == "CL201"]
    assert "which services of proxy also join on edge-1" in reach


def test_the_same_port_on_two_loopback_addresses_is_no_clash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".git").mkdir()
    for name, port in (("a", "127.0.0.1:9000:9000"), ("b", "127.0.0.2:9000:9000")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "compose.yaml").write_text(
            f"name: {name}\nservices:\n  web:\n    image: nginx:1.27\n    ports: ['{port}']\n"
        )
    # Two loopback addresses are two sockets.
    assert findings(tmp_path, "--same-host", ".", monkeypatch=monkeypatch, capsys=capsys) == []


def test_graph_same_host_draws_the_projects_and_the_networks_they_share(
    host: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(host)
    assert main(["graph", "--same-host", "."]) == 0
    drawing = capsys.readouterr().out
    assert drawing.startswith("flowchart LR\n")
    for project in ("blog", "proxy", "shop"):
        assert f'["project {project}"]' in drawing
    # `web` joins three projects: one node, linked to blog, traefik, app and shop's database.
    assert drawing.count('{{"network web"}}') == 1
    assert drawing.count("--- n0") == 4
    assert 'internet -->|"8080:2368/tcp"|' in drawing and 'internet -->|"443:443/tcp"|' in drawing
    # shop's app is bound to loopback: not drawn as published.
    assert "127.0.0.1:8080" not in drawing


def test_a_host_network_service_of_one_project_reaches_the_databases_others_publish_on_loopback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "monitor").mkdir()
    (tmp_path / "monitor" / "compose.yaml").write_text(
        "name: monitor\nservices:\n  agent:\n    image: example/agent:1\n    network_mode: host\n"
    )
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "compose.yaml").write_text(
        "name: shop\nservices:\n  db:\n    image: postgres:16.4\n    ports: ['127.0.0.1:5432:5432']\n"
    )
    found = findings(tmp_path, "--same-host", ".", monkeypatch=monkeypatch, capsys=capsys)
    (reach,) = [(path, line, message) for rule, path, line, message in found if rule == "CL201"]
    assert reach[:2] == ("shop/compose.yaml", 5)
    assert (
        "which service agent of project monitor reaches on the host: it runs with network_mode: host"
        in reach[2]
    )


def test_json_and_sarif_carry_the_other_place_as_a_related_location(
    host: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(host)
    main(["check", "--same-host", "--select", "CL203", "--format", "json", "."])
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    assert finding["related"] == [{"path": "blog/compose.yaml", "line": 5, "column": 13}]
    main(["check", "--same-host", "--select", "CL203", "--format", "sarif", "."])
    (result,) = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    (related,) = result["relatedLocations"]
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "blog/compose.yaml"
    assert related["physicalLocation"]["region"] == {"startLine": 5, "startColumn": 13}


def test_a_suppression_comment_silences_a_cross_project_finding_in_its_file(
    host: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shop = host / "shop" / "compose.yaml"
    shop.write_text(
        shop.read_text().replace(
            "    container_name: db\n",
            "    container_name: db  # composelint: disable=CL112 -- one host each\n",
        )
    )
    rules = {rule for rule, *_ in findings(host, "--same-host", ".", monkeypatch=monkeypatch, capsys=capsys)}
    assert "CL112" not in rules and "CL203" in rules
