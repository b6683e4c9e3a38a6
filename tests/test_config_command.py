"""`composelint config`: the project as composelint reads it, shaped like `docker compose config`."""

from __future__ import annotations

import json
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
