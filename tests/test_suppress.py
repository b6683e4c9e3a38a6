"""Inline suppressions: `# composelint: disable=...` comments, each form, and unused ones."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from composelint.cli import main
from composelint.suppress import comments

# Two findings on known lines: CL202 (exposed database, at the port) and CL112 (duplicate container name).
DB = "  db:\n    image: postgres:16\n    ports: ['5432:5432']\n    container_name: db\n"
OTHER = "  db2:\n    image: nginx:1.27\n    container_name: db\n"


def check(
    tmp_path: Path,
    compose: str,
    *args: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> set[tuple[str, int]]:
    (tmp_path / "compose.yaml").write_text(compose)
    monkeypatch.chdir(tmp_path)
    main(["check", "--format", "json", "--select", "CL202,CL112", *args])
    return {(f["rule"], f["line"]) for f in json.loads(capsys.readouterr().out)["findings"]}


Lint = Callable[..., set[tuple[str, int]]]


@pytest.fixture
def lint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Lint:
    return lambda compose, *args: check(tmp_path, compose, *args, monkeypatch=monkeypatch, capsys=capsys)


def test_without_comments_both_findings_show(lint: Lint) -> None:
    assert lint("services:\n" + DB + OTHER) == {("CL202", 4), ("CL112", 8)}


@pytest.mark.parametrize(
    "rule", ["exposed-database", "CL202", "CL2", "exposed-database,CL999x", "CL112, CL202"]
)
def test_end_of_line_comment_by_id_name_or_prefix(lint: Lint, rule: str) -> None:
    compose = (
        "services:\n"
        + DB.replace("['5432:5432']", f"['5432:5432']  # composelint: disable={rule} -- VPN only")
        + OTHER
    )
    assert lint(compose) == {("CL112", 8)}


def test_comment_only_suppresses_the_rules_it_names(lint: Lint) -> None:
    compose = (
        "services:\n" + DB.replace("['5432:5432']", "['5432:5432']  # composelint: disable=CL112") + OTHER
    )
    assert lint(compose) == {("CL202", 4), ("CL112", 8)}


def test_own_line_comment_covers_the_next_line_of_yaml(lint: Lint) -> None:
    other = OTHER.replace(
        "    container_name",
        "    # composelint: disable=duplicate-container-name\n\n    # why: legacy\n    container_name",
    )
    assert lint("services:\n" + DB + other) == {("CL202", 4)}
    # Only that line: a finding further down is not covered.
    other = OTHER.replace("    image", "    # composelint: disable=duplicate-container-name\n    image")
    assert lint("services:\n" + DB + other) == {("CL202", 4), ("CL112", 9)}


def test_comment_on_a_key_covers_the_values_under_it(lint: Lint) -> None:
    db = DB.replace(
        "ports: ['5432:5432']",
        "ports:  # composelint: disable=CL202\n      - '5432:5432'\n      - '5433:5432'",
    )
    assert lint("services:\n" + db + OTHER) == {("CL112", 10)}


def test_block_disable_enable(lint: Lint) -> None:
    compose = (
        "services:\n  # composelint: disable=CL202,CL112\n" + DB + "  # composelint: enable=CL202\n" + OTHER
    )
    assert lint(compose) == {("CL112", 10)}  # CL112 of db2 lies after the block
    compose = "services:\n  # composelint: disable\n" + DB + OTHER + "  # composelint: enable\n"
    assert lint(compose) == set()


def test_disable_file(lint: Lint) -> None:
    assert lint("# composelint: disable-file=CL112\nservices:\n" + DB + OTHER) == {("CL202", 5)}
    assert lint("services:\n" + DB + OTHER + "# composelint: disable-file\n") == set()


@pytest.mark.parametrize(
    ("compose", "rule"),
    [
        # On the line before, in a quoted value.
        (
            "services:\n"
            + DB.replace("    ports", "    labels: {note: '# composelint: disable=CL202'}\n    ports")
            + OTHER,
            "CL202",
        ),
        # On the finding's own line, in a double-quoted value.
        (
            "services:\n"
            + DB
            + '  db2: {image: nginx, container_name: db, labels: ["# composelint: disable=CL112"]}\n',
            "CL112",
        ),
        # Inside a block scalar.
        (
            "services:\n" + DB + "    command: |\n      # composelint: disable-file\n      run\n" + OTHER,
            "CL202",
        ),
        # A plain scalar with a "#" that does not follow a space.
        ("services:\n" + DB.replace("postgres:16", "postgres:16#composelint:disable-file") + OTHER, "CL112"),
    ],
)
def test_comment_text_inside_values_does_not_suppress(lint: Lint, compose: str, rule: str) -> None:
    assert rule in {found for found, _ in lint(compose)}


def test_unused_suppressions_are_reported_only_on_request(lint: Lint) -> None:
    compose = (
        "services:\n"
        + DB.replace("image: postgres:16", "image: postgres:16  # composelint: disable=CL202 -- wrong line")
        + OTHER.replace("image: nginx:1.27", "image: nginx:1.27  # composelint: disable=exposed-databse")
        + "# composelint: disabel=CL202\n"
    )
    assert lint(compose) == {("CL202", 4), ("CL112", 8)}
    assert lint(compose, "--report-unused-suppressions") == {
        ("CL202", 4),
        ("CL112", 8),
        ("CL119", 3),
        ("CL119", 7),
        ("CL119", 9),
    }


def test_unused_messages_and_rules_that_did_not_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx:1.27  # composelint: disable=CL202\n"
        "    container_name: web  # composelint: disable=non-external-critical-volume\n"
        "    hostname: web  # composelint: disable=exposed-databse\n"
    )
    monkeypatch.chdir(tmp_path)
    main(["check", "--format", "json", "--select", "CL2", "--report-unused-suppressions"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    messages = {(f["rule"], f["name"], f["line"], f["message"]) for f in findings}
    # CL302 did not run, so its suppression may well be needed: not reported.
    assert messages == {
        ("CL119", "unused-suppression", 3, "unused suppression: no finding of CL202 on the lines it covers"),
        ("CL119", "unused-suppression", 5, "suppression names unknown rule exposed-databse"),
    }


def test_a_suppression_used_by_one_project_is_not_unused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The base file is linted alone and under the prod file; the bind mount is only a finding in production.
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx:1.27\n    volumes: ['./site:/srv']  # composelint: disable=CL301\n"
    )
    (tmp_path / "compose.prod.yaml").write_text("services:\n  web:\n    restart: always\n")
    monkeypatch.chdir(tmp_path)
    main(["check", "--format", "json", "--select", "CL301", "--report-unused-suppressions", "."])
    assert json.loads(capsys.readouterr().out)["findings"] == []
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx:1.27\n    volumes: ['./site:/srv']\n"
    )
    main(["check", "--format", "json", "--select", "CL301", "--report-unused-suppressions", "."])
    assert {(f["path"], f["rule"]) for f in json.loads(capsys.readouterr().out)["findings"]} == {
        ("compose.yaml", "CL301")
    }


def test_comments_are_found_between_tokens() -> None:
    text = 'a: "é # not"  # one\nb: [1, 2] # two\n# three\n\nc: |\n  # not either\n  x\nd: x#y\n'
    found = [(c.line, c.column, c.text, c.own_line, c.next_line) for c in comments(text)]
    assert found == [(1, 15, " one", False, 2), (2, 11, " two", False, 5), (3, 1, " three", True, 5)]


def test_broken_yaml_keeps_the_directives_before_the_error(lint: Lint) -> None:
    assert lint("services:\n  db: [\n", "--extend-select", "CL101") == {("CL101", 3)}
    assert (
        lint("# composelint: disable-file=CL101\nservices:\n  db: [\n", "--extend-select", "CL101") == set()
    )
