"""`composelint server` driven over stdio by a small LSP client (tests/lspclient.py), as an editor
drives it: initialize, open, change, hover, code actions, broken YAML, configuration, shutdown."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.lspclient import Client

pytest.importorskip("pygls", reason="composelint server needs the `server` extra")

BASE = 'services:\n  web:\n    image: nginx:1.27\n  db:\n    image: postgres:16.4\n    ports: ["5432:5432"]\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()  # a repository: the project's root
    (tmp_path / "compose.yaml").write_text(BASE)
    return tmp_path


@pytest.fixture
def client(project: Path) -> Iterator[Client]:
    client = Client(project, env={"COMPOSELINT_CACHE_DIR": str(project / ".cache")})
    capabilities = client.initialize(project)["capabilities"]
    assert capabilities["hoverProvider"] and capabilities["codeActionProvider"]
    yield client
    if client.process.poll() is None:
        client.process.kill()
        client.process.wait()


def test_diagnostics_have_exact_ranges_codes_and_rule_pages(project: Path, client: Client) -> None:
    uri = client.open(project / "compose.yaml")
    (diagnostic,) = client.diagnostics(uri)
    assert (
        diagnostic["code"] == "CL202"
        and diagnostic["severity"] == 1
        and diagnostic["source"] == "composelint"
    )
    # `"5432:5432"` on line 6 (0-based 5), columns 12 to 23 with its quotes.
    assert diagnostic["range"] == {"start": {"line": 5, "character": 12}, "end": {"line": 5, "character": 23}}
    assert diagnostic["codeDescription"]["href"].endswith("rules/CL202-exposed-database.md")
    assert client.close() == 0


def test_an_override_is_linted_with_its_base_and_the_env_file(project: Path, client: Client) -> None:
    (project / ".env").write_text("ADMIN_PORT=9000\n")
    override = project / "compose.override.yaml"
    override.write_text('services:\n  web:\n    ports: ["${ADMIN_PORT}:9000"]\n')
    uri = client.open(override)
    found = {(d["code"], d["range"]["start"]["line"]) for d in client.diagnostics(uri)}
    # The port comes from .env and the override; the service (nginx) from the base file.
    assert ("CL204", 2) in found


def test_an_unsaved_change_relints_and_republishes_the_other_open_files(
    project: Path, client: Client
) -> None:
    override = project / "compose.override.yaml"
    override.write_text('services:\n  web:\n    ports: ["127.0.0.1:8080:80"]\n')
    base_uri = client.open(project / "compose.yaml")
    client.diagnostics(base_uri)
    override_uri = client.open(override)
    assert client.diagnostics(override_uri) == []
    client.settle()
    # Unsaved: the base now publishes the same host port for another service.
    client.change(
        base_uri, BASE + '  admin:\n    image: example/admin:1\n    ports: ["127.0.0.1:8080:8080"]\n', 2
    )
    base = client.diagnostics(base_uri)
    other = client.diagnostics(override_uri)
    # The clash is reported on the override's port, which was not edited: republished there.
    assert [d["code"] for d in base] == ["CL202"]
    assert [d["code"] for d in other] == ["CL203"], other
    assert "already published by service admin (compose.yaml:9:13)" in other[0]["message"]
    (related,) = other[0]["relatedInformation"]
    assert related["location"]["uri"] == base_uri and related["location"]["range"]["start"] == {
        "line": 8,
        "character": 12,
    }
    assert (project / "compose.yaml").read_text() == BASE  # nothing written


def test_hover_shows_the_rule_page_and_code_actions_fix_or_suppress(project: Path, client: Client) -> None:
    uri = client.open(project / "compose.yaml")
    client.diagnostics(uri)
    hover = client.request(
        "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 5, "character": 14}}
    )
    assert hover["contents"]["kind"] == "markdown"
    assert hover["contents"]["value"].startswith("# CL202 `exposed-database`")
    actions = client.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 5, "character": 0}, "end": {"line": 5, "character": 0}},
            "context": {"diagnostics": []},
        },
    )
    by_title = {action["title"]: action["edit"]["changes"][uri] for action in actions}
    assert by_title["bind the port to 127.0.0.1 (changes behaviour) [CL202]"] == [
        {
            "range": {"start": {"line": 5, "character": 13}, "end": {"line": 5, "character": 13}},
            "newText": "127.0.0.1:",
        }
    ]
    assert (
        by_title["Disable CL202 [exposed-database] on this line"][0]["newText"]
        == "  # composelint: disable=CL202"
    )
    assert by_title["Disable CL202 [exposed-database] for this file"][0]["newText"] == (
        "# composelint: disable-file=CL202\n"
    )


def test_invalid_yaml_while_typing_is_a_diagnostic_and_the_server_lives_on(
    project: Path, client: Client
) -> None:
    uri = client.open(project / "compose.yaml")
    client.diagnostics(uri)
    client.change(uri, "services:\n  web: [\n", 2)
    (broken,) = client.diagnostics(uri)
    assert broken["code"] == "CL101" and broken["range"]["start"]["line"] == 2
    client.change(uri, BASE, 3)
    assert [d["code"] for d in client.diagnostics(uri)] == ["CL202"]
    assert client.close() == 0


def test_the_configuration_applies_when_it_changes_and_other_yaml_files_get_nothing(
    project: Path, client: Client
) -> None:
    client.open(project / "notes.yaml", "title: not a compose file\n")
    uri = client.open(project / "compose.yaml")
    first = client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics")
    assert first["params"]["uri"] == uri  # nothing for notes.yaml
    (project / ".composelint.yaml").write_text("ignore: [exposed-database]\n")
    client.notify(
        "workspace/didChangeWatchedFiles",
        {"changes": [{"uri": (project / ".composelint.yaml").as_uri(), "type": 1}]},
    )
    assert client.diagnostics(uri) == []


def test_initialization_options_select_the_rules(project: Path) -> None:
    client = Client(project, env={"COMPOSELINT_CACHE_DIR": str(project / ".cache")})
    try:
        client.initialize(project, {"select": ["CL5"]})
        uri = client.open(project / "compose.yaml")
        assert {d["code"][:3] for d in client.diagnostics(uri)} == {"CL5"}
        assert client.close() == 0
    finally:
        if client.process.poll() is None:
            client.process.kill()


def test_a_fix_that_fails_verification_is_offered_disabled_with_why(project: Path, client: Client) -> None:
    # The anchor is written in a's ports: binding it would change b's too.
    text = "services:\n  a:\n    image: example/a:1\n    ports: &p ['9000:9000']\n  b:\n    image: example/b:1\n    ports: *p\n"
    uri = client.open(project / "compose.yaml", text)
    client.diagnostics(uri)
    actions = client.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 0}},
            "context": {"diagnostics": []},
        },
    )
    (fix,) = [action for action in actions if action["title"].startswith("bind the port")]
    assert "edit" not in fix and fix["disabled"]["reason"].startswith("it would also change services.b.ports")
