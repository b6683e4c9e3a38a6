"""Where findings point: the exact YAML node, with a correct end, for long-syntax ports, block
collections, port ranges and a bad `${` inside a long scalar."""

from __future__ import annotations

from pathlib import Path

from composelint.compose.discovery import ProjectSpec
from composelint.compose.yamlread import read_documents
from composelint.engine import RunOptions, lint_project
from composelint.finding import Finding
from composelint.settings import Settings


def lint(directory: Path, text: str, *rules: str) -> list[Finding]:
    path = directory / "compose.yaml"
    path.write_text(text)
    result = lint_project(
        ProjectSpec((str(path),)), Settings(select=rules), RunOptions(environ={}, cwd=str(directory))
    )
    return sorted(result.findings)


def where(finding: Finding) -> tuple[int, int, int, int]:
    return finding.line, finding.column, finding.end_line, finding.end_column


LONG_PORTS = """\
services:
  web:
    image: nginx:1.27
    ports:
      - mode: host
        target: 8000
        published: "8080"
      - target: 9000

  db:
    image: postgres:16
"""


def test_long_syntax_ports_point_at_the_published_port_or_the_target(tmp_path: Path) -> None:
    found = lint(tmp_path, LONG_PORTS, "CL204")
    # `published: "8080"` on line 7 (not `- mode: host`), then `target: 9000` without a published port.
    assert [where(f) for f in found] == [(7, 20, 7, 26), (8, 17, 8, 21)]


def test_web_entry_points_are_not_reported_as_open_to_the_world(tmp_path: Path) -> None:
    text = (
        "services:\n  proxy:\n    image: traefik:v3.1\n"
        '    ports: ["80:80", "443:443", "8080:80", "8443:443", "9000:9000", "80"]\n'
    )
    found = lint(tmp_path, text, "CL204")
    # HTTP and HTTPS on a chosen host port are the point; the admin port and a random port are not.
    assert [(f.column, f.message.split(" of ")[0]) for f in found] == [
        (56, "port 9000:9000/tcp"),
        (69, "container port 80/tcp (on a random host port)"),
    ]


def test_a_block_mapping_ends_with_its_last_value_not_at_the_next_item(tmp_path: Path) -> None:
    (document,) = read_documents(LONG_PORTS, "compose.yaml")
    assert document is not None
    ports = document["services"]["web"]["ports"]
    first = ports.item_span(0)
    assert (first.line, first.column, first.end_line, first.end_column) == (5, 9, 7, 26)
    web = document["services"].value_span("web")
    assert (web.end_line, web.end_column) == (8, 21)  # not the blank line, not `db:`


def test_a_block_mapping_ending_in_an_alias_keeps_its_own_end() -> None:
    text = "x: &deps [a, b]\nservices:\n  web:\n    image: nginx\n    depends_on: *deps\nvolumes: {}\n"
    (document,) = read_documents(text, "compose.yaml")
    assert document is not None
    web = document["services"].value_span("web")
    # The alias's value lives on line 1; the mapping still ends on line 5, where it was written.
    assert web.line == 4 and web.end_line in (5, 6) and web.end_line >= web.line


def test_port_ranges_are_shown_in_numeric_order(tmp_path: Path) -> None:
    text = 'services:\n  web:\n    image: nginx:1.27\n    ports: ["8-10:8-10", "1000-60000:1000-60000"]\n'
    found = lint(tmp_path, text, "CL204", "CL205")
    messages = [f.message for f in found]
    assert any("port 8-10:8-10/tcp " in m and "binds host port 8," in m for m in messages), messages
    assert any("port 1000-60000:1000-60000/tcp " in m for m in messages), messages
    assert not any("10-9" in m or "9999" in m for m in messages), messages


def test_a_bad_interpolation_points_at_its_dollar_inside_a_block_scalar(tmp_path: Path) -> None:
    text = (
        "services:\n  web:\n    image: nginx:1.27\n    command:\n      - sh\n      - -c\n      - |\n"
        "        echo start\n        echo ${HOME} and ${ bad}\n"
        '    environment:\n      A: "x ${B:-${ c}} y"\n'
    )
    found = lint(tmp_path, text, "CL113")
    # `${ bad}` on line 9, and the bad `${ c}` inside a default on line 11.
    assert [where(f) for f in found] == [(9, 26, 9, 33), (11, 18, 11, 23)]
