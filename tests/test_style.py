"""Style rules (CL601-CL610) read each file as written; the scalar styles they need come from sourcetokens."""

from __future__ import annotations

from pathlib import Path

import pytest

from composelint.compose.discovery import ProjectSpec
from composelint.compose.sourcetokens import ScalarStyle, SourceFile, plain_safe
from composelint.compose.span import Span
from composelint.compose.yamlread import read_documents
from composelint.engine import RunOptions, lint_project
from composelint.finding import Finding
from composelint.settings import Settings


def findings(
    directory: Path,
    *files: str,
    select: tuple[str, ...],
    environ: dict[str, str] | None = None,
    **settings: object,
) -> list[Finding]:
    spec = ProjectSpec(tuple(str(directory / f) for f in files or ("compose.yaml",)))
    options = RunOptions(environ=environ or {}, cwd=str(directory))
    chosen = Settings(select=select, **settings)  # type: ignore[arg-type]
    return sorted(lint_project(spec, chosen, options).findings)


def where(found: list[Finding]) -> list[tuple[str, str, int, int]]:
    return [(f.rule_id, Path(f.path).name, f.line, f.column) for f in found]


def source(text: str) -> SourceFile:
    return SourceFile("f.yaml", text, read_documents(text, "f.yaml"))


def test_scalar_styles_are_looked_up_by_position() -> None:
    text = "a: plain\n'b': 'single'\nc: \"double\"\nd: |\n  literal\ne: >\n  folded\nf: [1, \"2\"]\n"
    file = source(text)
    assert file.style(Span.point("f.yaml", 1, 4)) is ScalarStyle.PLAIN
    assert file.style(Span.point("f.yaml", 2, 1)) is ScalarStyle.SINGLE  # keys too
    assert file.style(Span.point("f.yaml", 2, 6)) is ScalarStyle.SINGLE
    assert file.style(Span.point("f.yaml", 3, 4)) is ScalarStyle.DOUBLE
    assert file.style(Span.point("f.yaml", 4, 4)) is ScalarStyle.LITERAL
    assert file.style(Span.point("f.yaml", 6, 4)) is ScalarStyle.FOLDED
    assert file.style(Span.point("f.yaml", 8, 8)) is ScalarStyle.DOUBLE
    assert file.style(Span.point("f.yaml", 1, 2)) is None  # no scalar starts there
    assert file.style(Span.point("other.yaml", 1, 4)) is None


def test_a_file_that_does_not_parse_has_no_documents_and_no_styles(tmp_path: Path) -> None:
    file = SourceFile("f.yaml", "a: [unclosed\n", None)
    assert file.documents == ()
    assert file.style(Span.point("f.yaml", 1, 5)) is None


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("./data:/data", True),
        ("~/minecraft:/data", True),
        ("${PWD}:/app", True),
        ("./my #1 dir:/data", False),
        ("{x}:/a", False),
        ("*x:/y", False),
        ("a: b", False),
    ],
)
def test_plain_safe_tells_which_values_need_quotes(text: str, safe: bool) -> None:
    assert plain_safe(text) is safe


def test_utf16_files_are_read_but_their_quoting_stays_unknown(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_bytes(
        "services:\n  web:\n    image: nginx:1.27\n    ports: [8080]\n".encode("utf-16")
    )
    found = findings(tmp_path, select=("CL602", "CL607"))
    assert found == []


def test_ordering_is_a_property_of_each_file_not_of_the_merged_project(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  api:\n    image: a:1\n  web:\n    image: w:1\n")
    (tmp_path / "compose.override.yaml").write_text("services:\n  cache:\n    image: c:1\n")
    # Merged, the services read api, web, cache; but each file is sorted.
    assert findings(tmp_path, "compose.yaml", "compose.override.yaml", select=("CL602",)) == []
    (tmp_path / "compose.override.yaml").write_text(
        "services:\n  web:\n    environment: {A: b}\n  cache:\n    image: c:1\n"
    )
    found = findings(tmp_path, "compose.yaml", "compose.override.yaml", select=("CL602",))
    assert where(found) == [("CL602", "compose.override.yaml", 4, 3)]


def test_keys_from_merge_keys_are_not_out_of_order(tmp_path: Path) -> None:
    # dclint issue #266: `<<: *common` before `image` made every key after it "out of order".
    (tmp_path / "compose.yaml").write_text(
        "x-common: &common\n"
        "  restart: unless-stopped\n"
        "  logging: {driver: json-file}\n"
        "services:\n"
        "  web:\n"
        "    <<: *common\n"
        "    image: nginx:1.27\n"
        "    ports: ['8080:80']\n"
    )
    assert findings(tmp_path, select=("CL603",)) == []


def test_others_last_reproduces_dclint_service_key_order(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  app:\n"
        "    image: alpine:3.20\n"
        "    profiles: [debug]\n"
        "    network_mode: host\n"
        "    privileged: true\n"
        "    pid: host\n"
    )
    assert findings(tmp_path, select=("CL603",)) == []
    found = findings(tmp_path, select=("CL603",), rule_options={"CL603": {"others-last": True}})
    assert [(f.line, f.message) for f in found] == [
        (5, "key network_mode of service app should come before profiles"),
        (7, "key pid of service app should come before privileged"),
    ]


def test_custom_top_level_order_ignores_keys_it_does_not_name(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "volumes:\n  data: {}\nname: shop\nservices:\n  db:\n    image: postgres:16.4\n"
    )
    assert where(findings(tmp_path, select=("CL604",))) == [
        ("CL604", "compose.yaml", 3, 1),
        ("CL604", "compose.yaml", 4, 1),
    ]
    only = {"CL604": {"order": ["name", "services"]}}
    assert findings(tmp_path, select=("CL604",), rule_options=only) == []


def test_quote_style_can_be_required(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx:1.27\n    ports:\n      - \"8080:80\"\n      - '8443:443'\n"
    )
    assert findings(tmp_path, select=("CL607",)) == []
    (single,) = findings(tmp_path, select=("CL607",), rule_options={"CL607": {"quote": "single"}})
    assert (single.line, single.column) == (5, 9)
    assert single.message == "ports entry 8080:80 of service web is double-quoted; write it in single quotes"
    (double,) = findings(tmp_path, select=("CL607",), rule_options={"CL607": {"quote": "double"}})
    assert double.line == 6


def test_ports_from_an_anchor_are_reported_once_where_written(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "x-ports: &ports\n  - 8080:80\nservices:\n  a:\n    image: a:1\n    ports: *ports\n"
        "  b:\n    image: b:1\n    ports: *ports\n"
    )
    assert where(findings(tmp_path, select=("CL607",))) == [("CL607", "compose.yaml", 2, 5)]


def test_one_project_name_is_enough(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx:1.27\n")
    (tmp_path / "compose.override.yaml").write_text("services:\n  web:\n    ports: ['8080:80']\n")
    both = ("compose.yaml", "compose.override.yaml")
    found = findings(tmp_path, *both, select=("CL609",))
    assert where(found) == [("CL609", "compose.yaml", 1, 1)]  # once, not once per file as dclint does
    (tmp_path / "compose.override.yaml").write_text("name: shop\nservices:\n  web:\n    ports: ['8080:80']\n")
    assert findings(tmp_path, *both, select=("CL609",)) == []


def test_container_names_are_checked_after_interpolation(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  db:\n    image: postgres:16.4\n    container_name: ${PREFIX}-db\n"
    )
    assert findings(tmp_path, select=("CL610",)) == []  # unknown until PREFIX is set
    assert findings(tmp_path, select=("CL610",), environ={"PREFIX": "shop"}) == []
    (bad,) = findings(tmp_path, select=("CL610",), environ={"PREFIX": "my shop"})
    assert "'my shop-db'" in bad.message and "Docker refuses it" in bad.message
    convention = {"CL610": {"pattern": "[a-z]+_[a-z]+"}}
    (custom,) = findings(tmp_path, select=("CL610",), environ={"PREFIX": "shop"}, rule_options=convention)
    assert "Docker refuses" not in custom.message


def test_obsolete_version_is_reported_in_each_file_that_has_it(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text('version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n')
    (tmp_path / "compose.override.yaml").write_text("services:\n  web:\n    restart: always\nversion: '3'\n")
    found = findings(tmp_path, "compose.yaml", "compose.override.yaml", select=("CL601",))
    assert where(found) == [("CL601", "compose.override.yaml", 4, 1), ("CL601", "compose.yaml", 1, 1)]


def test_only_obsolete_version_is_on_by_default(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        'version: "3"\nservices:\n  web:\n    ports: [8080:80]\n    image: nginx:1.27\n  api:\n    image: a:1\n'
    )
    spec = ProjectSpec((str(tmp_path / "compose.yaml"),))
    found = lint_project(spec, Settings(), RunOptions(environ={}, cwd=str(tmp_path))).findings
    assert sorted({f.rule_id for f in found if f.rule_id.startswith("CL6")}) == ["CL601"]


def test_non_ascii_service_names_sort_without_error(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  zoo:\n    image: z:1\n  straße:\n    image: s:1\n  İstanbul:\n    image: i:1\n"
    )
    found = findings(tmp_path, select=("CL602",))
    assert [f.message for f in found] == [
        "service straße should come before zoo (alphabetical order)",
        "service İstanbul should come before straße (alphabetical order)",
    ]
