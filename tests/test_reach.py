"""`composelint reach` on the networking guide's "complete isolation" example and variants."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from composelint.cli import main

ISOLATION = """\
services:
  proxy:
    image: traefik:v3.1
    ports: ["443:443"]
    networks: [public, apps]
  app-1:
    image: example/app-1:1.0
    networks: [apps, data-1]
  app-2:
    image: example/app-2:1.0
    networks: [apps, data-2]
  db-1:
    image: postgres:16.4
    networks: [data-1]
  db-2:
    image: mysql:8.4
    networks: [data-2]
networks:
  public: {}
  apps:
    internal: true
  data-1:
    internal: true
  data-2:
    internal: true
"""


def reach(
    root: Path, *args: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    monkeypatch.chdir(root)
    code = main(["reach", *args])
    return code, capsys.readouterr().out


@pytest.fixture
def isolated(tmp_path: Path) -> Path:
    (tmp_path / "compose.yaml").write_text(ISOLATION)
    return tmp_path


def test_each_promise_of_the_complete_isolation_example_is_a_question(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = reach(isolated, "db-1", monkeypatch=monkeypatch, capsys=capsys)
    assert (code, out) == (
        0,
        "db-1 is reachable from 1 service:\n"
        "  app-1 through network data-1 (app-1 at compose.yaml:8:22; db-1 at compose.yaml:14:16)\n",
    )
    assert reach(isolated, "app-1", "db-1", monkeypatch=monkeypatch, capsys=capsys)[0] == 0
    assert reach(isolated, "app-2", "db-1", monkeypatch=monkeypatch, capsys=capsys) == (
        1,
        "no: app-2 cannot reach db-1\n",
    )
    # Databases cannot reach each other.
    assert reach(isolated, "db-1", "db-2", monkeypatch=monkeypatch, capsys=capsys)[0] == 1


def test_an_override_that_breaks_a_promise_shows_where_the_path_is_opened(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (isolated / "compose.override.yaml").write_text("services:\n  app-2:\n    networks: [data-1]\n")
    code, out = reach(isolated, "app-2", "db-1", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0
    assert out == (
        "yes: app-2 reaches db-1\n"
        "  through network data-1 (app-2 at compose.override.yaml:3:16; db-1 at compose.yaml:14:16)\n"
    )


def test_namespaces_and_the_host_network_are_paths_too_and_json_says_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  vpn:\n    image: example/vpn:1\n  db:\n    image: postgres:16.4\n"
        "    network_mode: service:vpn\n  agent:\n    image: example/agent:1\n    network_mode: host\n"
        "  cache:\n    image: redis:7.4\n    ports: ['127.0.0.1:6379:6379']\n"
    )
    code, out = reach(tmp_path, "db", "--format", "json", monkeypatch=monkeypatch, capsys=capsys)
    document = json.loads(out)
    assert code == 0 and document["target"] == "db"
    # vpn's own namespace, and cache through the default network vpn's namespace is on.
    assert [(r["service"], [route["how"] for route in r["routes"]]) for r in document["reachers"]] == [
        ("vpn", ["namespace"]),
        ("cache", ["network"]),
    ]
    code, out = reach(tmp_path, "agent", "cache", monkeypatch=monkeypatch, capsys=capsys)
    assert (
        code == 0
        and "through the host network (agent at compose.yaml:9:19; cache at compose.yaml:12:13)" in out
    )


def test_an_unknown_service_is_a_usage_error(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(isolated)
    assert main(["reach", "db-3"]) == 2
    assert (
        "no service db-3 in this project (services: proxy, app-1, app-2, db-1, db-2)"
        in capsys.readouterr().err
    )
