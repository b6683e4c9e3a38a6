"""Tests for composelint.compose.yamlread: compose YAML → YMap/YSeq trees, read as Docker Compose reads it.

"Compose:" comments quote what Docker Compose 2.40.3 (go.yaml.in/yaml/v3 3.0.4, compose-go 2.9.1)
printed for the same input with ``docker-compose -f FILE config --format json``; scalar values were
checked through ``environment``/``x-*`` entries, which show how each plain scalar was resolved.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from composelint.compose import yamlread
from composelint.compose.errors import ComposeError, each_error
from composelint.compose.limits import DEFAULT_LIMITS, Limits
from composelint.compose.span import Span
from composelint.compose.tree import OverrideTag, ResetTag, YMap, YSeq, plain
from composelint.compose.yamlread import read_documents

PARSERS = [pytest.param(yaml.SafeLoader, id="python")]
if getattr(yaml, "__with_libyaml__", False):
    PARSERS.insert(0, pytest.param(yaml.CSafeLoader, id="libyaml"))


@pytest.fixture(params=PARSERS)
def both_parsers(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run a test with libyaml and with the pure-Python fallback parser."""
    monkeypatch.setattr(yamlread, "_PARSER", request.param)
    yield


def read(source: str | bytes, path: str = "compose.yaml") -> YMap:
    docs = read_documents(source, path)
    assert len(docs) == 1
    doc = docs[0]
    assert isinstance(doc, YMap)
    return doc


def error(source: str | bytes, limits: Limits | None = None) -> ComposeError:
    with pytest.raises(ComposeError) as info:
        read_documents(source, "compose.yaml", limits or Limits())
    return info.value


def where(exc: ComposeError) -> tuple[int, int]:
    assert exc.span is not None
    assert exc.span.path == "compose.yaml"
    return exc.span.line, exc.span.column


def env(*lines: str) -> dict[str, Any]:
    """Values of an environment mapping, one ``KEY: value`` line each."""
    doc = read("x:\n" + "".join(f"  {line}\n" for line in lines))
    return dict(doc["x"])


# -- plain scalar resolution (go-yaml's resolve(), not PyYAML's YAML 1.1 resolvers) ------------------


@pytest.mark.usefixtures("both_parsers")
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Compose: environment A: 22:22 → "22:22" (no base-60; PyYAML would give 1342).
        ("22:22", "22:22"),
        ("80:80", "80:80"),
        # Compose: yes/on/y/Yes stay strings; only the YAML 1.2 core booleans are booleans.
        ("yes", "yes"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("Yes", "Yes"),
        ("true", True),
        ("TRUE", True),
        ("False", False),
        # Compose: nulls ~, null, Null, NULL and the empty scalar.
        ("~", None),
        ("Null", None),
        ("NULL", None),
        ("", None),
        # Compose: ints as strconv.ParseInt(s without "_", base 0); 0440 → "288".
        ("0440", 288),
        ("0x1F", 31),
        ("0X1f", 31),
        ("0o17", 15),
        ("0O17", 15),
        ("0b101", 5),
        ("+1", 1),
        ("-5", -5),
        ("1_000", 1000),
        ("1__0", 10),
        ("1_", 1),
        ("0x_1F", 31),
        ("-0x1F", -31),
        ("00", 0),
        ("-0x8000000000000000", -(2**63)),
        ("18446744073709551615", 2**64 - 1),  # Compose: ParseUint after ParseInt overflows
        ("_1", "_1"),
        ("0x", "0x"),
        ("0b", "0b"),
        ("00x1", "00x1"),
        ("0xFFFFFFFFFFFFFFFFF", "0xFFFFFFFFFFFFFFFFF"),  # too big for uint64, not a float: string
        # Compose: floats by the YAML float regex, then ParseFloat.
        ("1.5", 1.5),
        ("1e3", 1000.0),
        ("1E3", 1000.0),
        (".5", 0.5),
        ("5.", 5.0),
        ("-.5", -0.5),
        ("089", 89.0),  # not octal, so a float: Compose prints "89"
        ("1_0.5", 10.5),
        (".5_0", 0.5),
        ("99999999999999999999", 1e20),  # Compose: "1e+20"
        ("-9223372036854775809", -9.223372036854776e18),
        (".inf", math.inf),
        ("+.inf", math.inf),
        ("-.Inf", -math.inf),
        ("1e400", "1e400"),  # ParseFloat overflows: Compose keeps the string
        ("1e-400", 0.0),
        ("1e", "1e"),
        ("+", "+"),
        ("<<x", "<<x"),
        ("~x", "~x"),
        # Timestamps stay strings here (Compose makes a time.Time, which env/labels then reject).
        ("2024-01-31", "2024-01-31"),
    ],
)
def test_plain_scalars_resolve_like_go_yaml(text: str, expected: Any) -> None:
    value = env(f"A: {text}")["A"]
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.usefixtures("both_parsers")
def test_nan_and_negative_zero() -> None:
    values = env("A: .nan", "B: .NaN", "C: -0", "D: -0.0")
    assert math.isnan(values["A"]) and math.isnan(values["B"])
    assert values["C"] == 0.0 and math.copysign(1.0, values["C"]) == -1.0
    assert math.copysign(1.0, values["D"]) == -1.0


@pytest.mark.usefixtures("both_parsers")
def test_quoted_and_block_scalars_are_strings() -> None:
    values = env("A: '0440'", 'B: "yes"', "C: 'true'", 'D: ""', "E: |", "    12", "F: '~'")
    assert values == {"A": "0440", "B": "yes", "C": "true", "D": "", "E": "12\n", "F": "~"}


# -- explicit tags ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("both_parsers")
def test_standard_tags() -> None:
    # Compose: !!str 12 → "12"; !!int "12" → 12; !!float "1" → 1.0; !!bool "true" → true;
    # !!null "" → null; "! 12" → 12 (the non-specific tag still resolves plain scalars).
    values = env(
        "A: !!str 12",
        'B: !!int "12"',
        'C: !!float "1"',
        'D: !!bool "true"',
        'E: !!null ""',
        "F: ! 12",
        'G: ! "12"',
        "H: !<tag:yaml.org,2002:int> 0x10",
        "I: !!str",
    )
    assert values == {
        "A": "12",
        "B": 12,
        "C": 1.0,
        "D": True,
        "E": None,
        "F": 12,
        "G": "12",
        "H": 16,
        "I": "",
    }
    assert type(values["C"]) is float


@pytest.mark.usefixtures("both_parsers")
@pytest.mark.parametrize(
    ("line", "message"),
    [
        # Compose: "yaml: cannot decode !!str `abc` as a !!int" (and the same shape for the others).
        ("A: !!int abc", "cannot decode !!str `abc` as a !!int"),
        ("A: !!int 1.5", "cannot decode !!float `1.5` as a !!int"),
        ("A: !!bool yes", "cannot decode !!str `yes` as a !!bool"),
        ("A: !!bool 1", "cannot decode !!int `1` as a !!bool"),
        ("A: !!null abc", "cannot decode !!str `abc` as a !!null"),
        ("A: !!float abc", "cannot decode !!str `abc` as a !!float"),
        # Compose: "yaml: !!binary value contains invalid base64 data".
        ('A: !!binary "!!!"', "!!binary value contains invalid base64 data"),
    ],
)
def test_explicit_tag_mismatch_is_an_error(line: str, message: str) -> None:
    exc = error(f"x:\n  {line}\n")
    assert exc.message == message
    assert exc.rule == "yaml-syntax"
    assert where(exc) == (2, 6)


@pytest.mark.usefixtures("both_parsers")
def test_other_tags_keep_the_value() -> None:
    # Compose: !foo bar → "bar", !foo 12 → "12" (a string), !!binary aGVsbG8= → "hello",
    # !custom [..] and !!str [..] keep the sequence, !!map foo → "foo", !!merge foo → "foo".
    doc = read(
        "a: !foo bar\nb: !foo 12\nc: !!binary aGVsbG8=\nd: !custom [1]\ne: !!str [2]\n"
        "f: !!map foo\ng: !!timestamp 2020-01-01\nh: !foo\n"
    )
    assert plain(doc) == {
        "a": "bar",
        "b": "12",
        "c": "hello",
        "d": [1],
        "e": [2],
        "f": "foo",
        "g": "2020-01-01",
        "h": "",
    }


@pytest.mark.usefixtures("both_parsers")
@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        # Compose keeps the untagged value (its schema then rejects the sequence for environment).
        ('!!python/object/apply:os.system ["touch {marker}"]', ["touch {marker}"]),
        ("!!python/object/apply:os.system\n        args: ['touch {marker}']", {"args": ["touch {marker}"]}),
        ('!!python/object/new:subprocess.Popen [["touch", "{marker}"]]', [["touch", "{marker}"]]),
        ("!!python/name:os.system", ""),
    ],
)
def test_python_tags_never_run_code(tmp_path: Path, payload: str, expected: Any) -> None:
    marker = tmp_path / "pwned"
    source = f"services:\n  a:\n    image: x\n    environment:\n      A: {payload.format(marker=marker)}\n"
    doc = read(source)
    assert not marker.exists()
    value = plain(doc["services"]["a"]["environment"]["A"])
    assert value == (expected.format(marker=marker) if isinstance(expected, str) else _fill(expected, marker))


def _fill(value: Any, marker: Path) -> Any:
    if isinstance(value, dict):
        return {key: _fill(item, marker) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, marker) for item in value]
    return value.format(marker=marker)


# -- !reset and !override ---------------------------------------------------------------------------


@pytest.mark.usefixtures("both_parsers")
def test_reset_and_override_tags() -> None:
    doc = read(
        "services:\n  a:\n    ports: !reset []\n    image: !reset\n    command: !override [a, b]\n"
        "    environment: !override {A: 1}\n    cpu_shares: !override 12\n"
    )
    service = doc["services"]["a"]
    assert isinstance(service["ports"], ResetTag)
    assert service["ports"].span == Span("compose.yaml", 3, 12, 3, 21)
    assert isinstance(service["image"], ResetTag)
    command = service["command"]
    assert isinstance(command, OverrideTag)
    assert isinstance(command.value, YSeq) and command.value == ["a", "b"]
    assert command.span == service.value_span("command")
    environment = service["environment"]
    assert isinstance(environment, OverrideTag) and environment.value == {"A": 1}
    # Compose: x-a: !override 12 prints "12": the text is kept and typed fields cast it later.
    assert isinstance(service["cpu_shares"], OverrideTag) and service["cpu_shares"].value == "12"


@pytest.mark.usefixtures("both_parsers")
def test_reset_and_override_through_aliases() -> None:
    # Compose: x-b: *a (a = !override 12) → "12"; x-d: *c (c = !reset 12) → key removed.
    doc = read("x-a: &a !override 12\nx-b: *a\nx-c: &c !reset 12\nx-d: *c\nx-e: &e !override [1]\nx-f: *e\n")
    assert isinstance(doc["x-b"], OverrideTag) and doc["x-b"].value == "12"
    assert isinstance(doc["x-d"], ResetTag)
    assert isinstance(doc["x-f"], OverrideTag) and doc["x-f"].value == [1]
    assert doc.value_span("x-f") == doc.value_span("x-e")


def test_reset_on_the_top_level_mapping_is_an_error() -> None:
    # Compose: "!reset" at the top crashes with a nil pointer; "!override" silently drops everything.
    assert "top-level" in error("!reset\nservices: {}\n").message
    assert "top-level" in error("!override\nservices: {}\n").message


# -- mappings: duplicate keys, non-string keys, spans -----------------------------------------------


@pytest.mark.usefixtures("both_parsers")
def test_duplicate_key() -> None:
    # Compose: "line 4: mapping key "image" already defined at line 3".
    exc = error("services:\n  a:\n    image: x\n    image: y\n")
    assert exc.rule == "duplicate-key"
    assert exc.message == 'mapping key "image" already defined at line 3'
    assert where(exc) == (4, 5)


@pytest.mark.usefixtures("both_parsers")
def test_nested_and_quoted_duplicate_keys() -> None:
    # Compose: "line 6: mapping key "A" already defined at line 5" ("A" quoted is the same key).
    exc = error('services:\n  a:\n    image: x\n    environment:\n      A: 1\n      "A": 2\n')
    assert exc.message == 'mapping key "A" already defined at line 5'
    assert where(exc) == (6, 7)
    exc = error("services:\n  a: {image: x}\n  b: {}\n  a: {}\n")
    assert exc.message == 'mapping key "a" already defined at line 2'
    assert where(exc) == (4, 3)


@pytest.mark.usefixtures("both_parsers")
def test_every_duplicate_key_is_reported_even_after_a_syntax_error() -> None:
    # Compose stops at the first; a user fixing the file wants them all, and a later syntax error too.
    exc = error("services:\n  a:\n    image: x\n    image: y\n  a: {}\n  b: [\n")
    assert [(e.rule, where(e)) for e in each_error(exc)] == [
        ("duplicate-key", (4, 5)),
        ("duplicate-key", (5, 3)),
        ("yaml-syntax", (7, 1)),
    ]


def test_duplicate_keys_reported_are_capped() -> None:
    source = "x:\n" + "".join(f"  k: {i}\n" for i in range(500))
    assert len(each_error(error(source))) == 100


@pytest.mark.usefixtures("both_parsers")
@pytest.mark.parametrize(
    ("source", "message", "position"),
    [
        # Compose: "non-string key in services.a.environment: 1" and the others below.
        (
            "services:\n  a:\n    environment:\n      1: x\n",
            "non-string key in services.a.environment: 1",
            (4, 7),
        ),
        ("services:\n  123:\n    image: x\n", "non-string key in services: 123", (2, 3)),
        ("123: x\n", "non-string key at top level: 123", (1, 1)),
        ("x:\n  true: x\n", "non-string key in x: true", (2, 3)),
        ("x:\n  ~: x\n", "non-string key in x: <nil>", (2, 3)),
        ("x:\n  1.5: x\n", "non-string key in x: 1.5", (2, 3)),
        ("x:\n  ! 3: x\n", "non-string key in x: 3", (2, 3)),
        (
            "services:\n  a:\n    volumes:\n      - bind:\n          1: x\n",
            "non-string key in services.a.volumes[0].bind: 1",
            (5, 11),
        ),
    ],
)
def test_non_string_keys(source: str, message: str, position: tuple[int, int]) -> None:
    exc = error(source)
    assert exc.rule == "yaml-syntax"
    assert exc.message == message
    assert where(exc) == position


@pytest.mark.usefixtures("both_parsers")
def test_complex_keys_are_errors() -> None:
    # Compose: "yaml: invalid map key: []interface {}{"a"}".
    exc = error("x:\n  [a]: x\n")
    assert exc.message.startswith("invalid map key in x")
    assert where(exc) == (2, 3)
    assert error("x:\n  ? {a: 1}\n  : x\n").message.startswith("invalid map key in x")


@pytest.mark.usefixtures("both_parsers")
def test_quoted_number_keys_are_strings() -> None:
    doc = read('ports:\n  "80": a\n  !!str 81: b\n  "true": c\n')
    assert list(doc["ports"]) == ["80", "81", "true"]


@pytest.mark.usefixtures("both_parsers")
def test_spans_are_one_based_and_cover_nodes() -> None:
    doc = read("services:\n  web:\n    image: nginx\n    ports:\n      - '80:80'\n      - 443\n")
    web = doc["services"]["web"]
    assert web.span.line == 3 and web.span.column == 5
    assert web.key_span("image") == Span("compose.yaml", 3, 5, 3, 10)
    assert web.value_span("image") == Span("compose.yaml", 3, 12, 3, 17)
    ports = web["ports"]
    assert isinstance(ports, YSeq)
    assert ports.item_spans == [Span("compose.yaml", 5, 9, 5, 16), Span("compose.yaml", 6, 9, 6, 12)]
    assert web.value_span("ports") == ports.span
    assert doc.key_span("services") == Span("compose.yaml", 1, 1, 1, 9)


@pytest.mark.usefixtures("both_parsers")
def test_crlf_line_endings_keep_positions() -> None:
    source = b"services:\r\n  web:\r\n    image: nginx\r\n    command: [a, b]\r\n"
    web = read(source)["services"]["web"]
    assert web.key_span("command") == Span("compose.yaml", 4, 5, 4, 12)
    assert web["command"].item_spans[1] == Span("compose.yaml", 4, 18, 4, 19)
    exc = error(b"services:\r\n  web:\r\n    image: x\r\n    image: y\r\n")
    assert where(exc) == (4, 5)
    assert exc.message.endswith("at line 3")


@pytest.mark.usefixtures("both_parsers")
def test_tabs_and_multibyte_characters_in_values_keep_columns() -> None:
    doc = read('x:\n  a: "\té\t"\n  b: "é😀"\n  c: 1\n')
    assert doc["x"]["a"] == "\té\t"
    assert doc["x"].value_span("a") == Span("compose.yaml", 2, 6, 2, 11)
    # Columns count characters, not bytes: an emoji is one column.
    assert doc["x"].value_span("b") == Span("compose.yaml", 3, 6, 3, 10)
    assert doc["x"].key_span("c") == Span("compose.yaml", 4, 3, 4, 4)


def test_tab_inside_plain_value() -> None:
    # Compose: "A:\ta\tb" is {"A": "a\tb"} (libyaml agrees; the pure-Python scanner does not).
    assert read("x:\n  A:\ta\tb\n")["x"] == {"A": "a\tb"}


@pytest.mark.parametrize(
    ("source", "position"),
    [
        # Compose: "yaml: line 3: found character that cannot start any token".
        ("services:\n  a:\n\timage: x\n", (3, 1)),
        ("services:\n  a:\n    environment:\n    \tA: 1\n", (4, 5)),
        # Compose: "line 5: found a tab character that violates indentation" (we point at the tab).
        ("services:\n  a:\n    environment:\n      - A=1\n\t- B=2\n", (5, 1)),
    ],
)
def test_tabs_in_indentation(source: str, position: tuple[int, int]) -> None:
    exc = error(source)
    assert exc.rule == "yaml-syntax"
    assert "tab" in exc.message or "cannot start any token" in exc.message
    assert where(exc) == position


def test_syntax_error_points_at_the_problem() -> None:
    exc = error("services:\n  a:\n    image: [x\n")
    assert exc.rule == "yaml-syntax"
    assert exc.span is not None and exc.span.line == 4


# -- anchors, aliases and merge keys ---------------------------------------------------------------


@pytest.mark.usefixtures("both_parsers")
def test_alias_shares_the_anchored_value_and_its_spans() -> None:
    doc = read("x-env: &env\n  A: 1\nservices:\n  a:\n    environment: *env\n  b:\n    environment: *env\n")
    a, b = doc["services"]["a"], doc["services"]["b"]
    assert a["environment"] == {"A": 1}
    assert a["environment"] is b["environment"] is doc["x-env"]
    assert a.value_span("environment") == doc.value_span("x-env")
    assert a["environment"].key_span("A").line == 2


@pytest.mark.usefixtures("both_parsers")
def test_unknown_anchor_and_cycles_are_errors() -> None:
    # Compose: "yaml: unknown anchor 'nope' referenced".
    exc = error("x: *nope\n")
    assert exc.message == "unknown anchor 'nope' referenced"
    assert where(exc) == (1, 4)
    # Compose: "cycle detected: node at path x-a.b.b references node at path x-a.b";
    # "<<: *a" inside &a itself overflows Compose's stack.
    assert error("x-a: &a {b: *a}\n").message.startswith("cycle detected")
    assert error("x-a: &a\n  b: 1\n  <<: *a\n").message.startswith("cycle detected")


@pytest.mark.usefixtures("both_parsers")
def test_redefined_anchor_uses_the_latest_definition() -> None:
    # Compose: x-a: &a 1, x-b: &a 2, x-c: *a → x-c is 2.
    assert read("x-a: &a 1\nx-b: &a 2\nx-c: *a\n")["x-c"] == 2


@pytest.mark.usefixtures("both_parsers")
def test_merge_single_and_explicit_keys_win() -> None:
    # Compose: {<<: *a, p: 9} with a = {p: 1, q: 1} → {p: 9, q: 1}.
    doc = read("x-a: &a\n  p: 1\n  q: 1\nx-d:\n  <<: *a\n  p: 9\nx-e:\n  p: 8\n  <<: *a\n")
    assert doc["x-d"] == {"p": 9, "q": 1}
    assert doc["x-e"] == {"p": 8, "q": 1}
    assert "<<" not in doc["x-d"] and "<<" not in doc["x-d"].key_spans
    # Merged keys keep their spans inside the anchor; explicit ones their own.
    assert doc["x-d"].key_span("q") == Span("compose.yaml", 3, 3, 3, 4)
    assert doc["x-d"].value_span("q") == Span("compose.yaml", 3, 6, 3, 7)
    assert doc["x-d"].key_span("p").line == 6


@pytest.mark.usefixtures("both_parsers")
def test_merge_list_earlier_sources_win() -> None:
    # Compose: x-c: {q: 3, <<: [*a, *b]} with a = {p: 1, q: 1}, b = {p: 2, q: 2, r: 2}
    # → {"p": 1, "q": 3, "r": 2}; <<: [*a, {b: 1}] → {a: 1, b: 1}.
    doc = read(
        "x-a: &a {p: 1, q: 1}\nx-b: &b {p: 2, q: 2, r: 2}\nx-c:\n  q: 3\n  <<: [*a, *b]\n"
        "x-f:\n  <<: [*a, {z: 1}]\n"
    )
    assert doc["x-c"] == {"p": 1, "q": 3, "r": 2}
    assert doc["x-c"].value_span("p").line == 1
    assert doc["x-c"].value_span("r").line == 2
    assert doc["x-f"] == {"p": 1, "q": 1, "z": 1}


@pytest.mark.usefixtures("both_parsers")
def test_merge_alias_to_a_sequence_of_maps() -> None:
    # Compose: x-s: &s [{m: 1}, {m: 2, n: 2}]; x-e: {<<: *s} → {"m": 1, "n": 2}.
    doc = read("x-s: &s [{m: 1}, {m: 2, n: 2}]\nx-e:\n  <<: *s\n")
    assert doc["x-e"] == {"m": 1, "n": 2}


@pytest.mark.usefixtures("both_parsers")
def test_explicit_merge_tag_and_quoted_merge_key() -> None:
    # Compose: "!!merge <<: *a" and "! <<: *a" merge; "!!str <<" and '"<<"' are ordinary keys.
    doc = read('x-a: &a {p: 1}\nb:\n  !!merge <<: *a\nc:\n  ! <<: *a\nd:\n  "<<": *a\n')
    assert doc["b"] == {"p": 1}
    assert doc["c"] == {"p": 1}
    assert plain(doc["d"]) == {"<<": {"p": 1}}


@pytest.mark.usefixtures("both_parsers")
@pytest.mark.parametrize(
    "source",
    [
        "x-a: &a 1\nx-b:\n  <<: *a\n",
        "x-b:\n  <<: 1\n",
        "x-a: &a 1\nx-b:\n  <<: [*a]\n",
        "x-b:\n  <<: [[{a: 1}]]\n",
        "x-b:\n  <<:\n",
        "x-a: &s [{m: 1}, 3]\nx-b:\n  <<: *s\n",
    ],
)
def test_merge_of_non_maps_is_an_error(source: str) -> None:
    # Compose: "yaml: map merge requires map or sequence of maps as the value".
    exc = error(source)
    assert exc.message == "map merge requires map or sequence of maps as the value"
    assert exc.span is not None
    assert exc.span.line == source.count("\n", 0, source.index("<<")) + 1


@pytest.mark.usefixtures("both_parsers")
def test_repeated_merge_key_is_a_duplicate() -> None:
    # Compose: "line 7: mapping key "<<" already defined at line 6".
    exc = error("x-a: &a {a: 1}\nx-m:\n  a: 1\n  <<: *a\n  <<: {c: 3}\n")
    assert exc.rule == "duplicate-key"
    assert exc.message == 'mapping key "<<" already defined at line 4'
    assert where(exc) == (5, 3)


@pytest.mark.usefixtures("both_parsers")
def test_merged_keys_are_not_duplicates() -> None:
    doc = read("x-a: &a {image: a, user: u}\nservices:\n  s:\n    <<: *a\n    image: b\n")
    assert doc["services"]["s"] == {"image": "b", "user": "u"}


# -- documents, top level, empty files ---------------------------------------------------------------


@pytest.mark.usefixtures("both_parsers")
@pytest.mark.parametrize("source", ["", "   \n\n", "# only a comment\n", "\ufeff"])
def test_empty_files_give_one_empty_document(source: str) -> None:
    # Compose: "empty compose file", which the loader (not the reader) reports.
    assert read_documents(source, "compose.yaml") == [None]


@pytest.mark.usefixtures("both_parsers")
@pytest.mark.parametrize(
    "source",
    [
        "---\n",
        "~\n",
        "--- !!null\n",
        "# c\n---\n# only\n",
        "a: 1\n---\n",
        "a: 1\n---\n---\nb: 1\n",
        "a: 1\n---\nnull\n",
    ],
)
def test_present_but_empty_documents_are_errors(source: str) -> None:
    # Compose: "top-level object must be a mapping" for each of these (not "empty compose file").
    exc = error(source)
    assert exc.message == "top-level object must be a mapping"
    assert exc.rule == "yaml-syntax"


@pytest.mark.usefixtures("both_parsers")
def test_multiple_documents() -> None:
    docs = read_documents("services: {a: {image: x}}\n---\nservices: {b: {image: y}}\n...\n", "c.yaml")
    assert len(docs) == 2
    first, last = docs
    assert isinstance(first, YMap) and isinstance(last, YMap)
    assert list(first["services"]) == ["a"] and list(last["services"]) == ["b"]
    assert last.span.line == 3


@pytest.mark.usefixtures("both_parsers")
def test_anchors_carry_over_to_later_documents() -> None:
    # Compose: x-a: &a {p: 1} in document 1, x-b: {<<: *a, q: 2} in document 2 → {"p": 1, "q": 2}.
    docs = read_documents("x-a: &a {p: 1}\nx-s: &s 1\n---\nx-b:\n  <<: *a\n  q: 2\nx-c: *s\n", "c.yaml")
    last = docs[1]
    assert last is not None
    assert plain(last) == {"x-b": {"p": 1, "q": 2}, "x-c": 1}
    assert last["x-b"].value_span("p").line == 1


@pytest.mark.usefixtures("both_parsers")
@pytest.mark.parametrize("source", ["- a\n- b\n", "just a string\n", "12\n", '""\n', "a: 1\n---\n- x\n"])
def test_top_level_must_be_a_mapping(source: str) -> None:
    exc = error(source)
    assert exc.message == "top-level object must be a mapping"
    assert exc.rule == "yaml-syntax"


# -- encodings and characters ------------------------------------------------------------------------

UTF8_SOURCE = 'services:\n  a:\n    image: x\n    environment:\n      A: "é"\n'


def test_utf8_bom_is_skipped() -> None:
    doc = read(b"\xef\xbb\xbf" + UTF8_SOURCE.encode())
    assert doc["services"]["a"]["environment"]["A"] == "é"
    assert doc.key_span("services") == Span("compose.yaml", 1, 1, 1, 9)
    assert read("\ufeff" + UTF8_SOURCE)["services"]["a"]["image"] == "x"


@pytest.mark.usefixtures("both_parsers")
@pytest.mark.parametrize(("bom", "codec"), [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")])
def test_utf16_with_bom_is_accepted(bom: bytes, codec: str) -> None:
    # Compose decodes UTF-16 with a BOM: environment A is "é".
    doc = read(bom + UTF8_SOURCE.encode(codec))
    assert doc["services"]["a"]["environment"]["A"] == "é"
    assert doc["services"]["a"].value_span("environment").line == 5


def test_utf16_without_bom_is_rejected() -> None:
    # Compose: "yaml: control characters are not allowed" (read as UTF-8, the NULs are control characters).
    exc = error(UTF8_SOURCE.encode("utf-16-le"))
    assert exc.rule == "yaml-syntax"
    assert exc.message.startswith("control characters are not allowed")


def test_invalid_utf8() -> None:
    # Compose: "yaml: invalid leading UTF-8 octet" / "invalid trailing UTF-8 octet".
    exc = error(b'services:\n  a:\n    image: x\n    environment:\n      A: "ab\xff"\n')
    assert exc.rule == "yaml-syntax"
    assert exc.message.startswith("invalid UTF-8")
    assert "invalid leading UTF-8 octet" in exc.message
    assert where(exc) == (5, 13)
    exc = error(b"x:\n  A: \xc3\xa9\xc3\n")
    assert exc.message.startswith("invalid UTF-8")
    assert where(exc) == (2, 7)


@pytest.mark.usefixtures("both_parsers")
def test_invalid_utf8_with_either_parser() -> None:
    exc = error(b"a: 1\nb: x\xffy\n")
    assert exc.message.startswith("invalid UTF-8")
    assert where(exc) == (2, 5)


@pytest.mark.usefixtures("both_parsers")
@pytest.mark.parametrize("char", ["\x00", "\x07", "\x7f", "\x80", "\ufffe"])
def test_control_characters_are_rejected(char: str) -> None:
    # Compose: "yaml: control characters are not allowed" (NUL, BEL, DEL, C1 controls, U+FFFE).
    exc = error(f"services:\n  a:\n    command: a{char}b\n".encode())
    assert exc.rule == "yaml-syntax"
    assert exc.message.startswith("control characters are not allowed")
    assert where(exc) == (3, 15)


def test_lone_surrogate_is_rejected() -> None:
    # Compose: "yaml: invalid Unicode character" for UTF-8-encoded surrogates.
    exc = error(b"x:\n  A: a\xed\xa0\x80b\n")
    assert "invalid Unicode character" in exc.message
    assert where(exc) == (2, 7)
    assert "invalid Unicode character" in error("x: a\ud800b\n").message


# -- limits --------------------------------------------------------------------------------------------


def test_file_size_limit_is_checked_before_parsing() -> None:
    exc = error("a: 1\n" * 100, Limits(max_file_bytes=100))
    assert exc.rule == "limit-exceeded"
    assert exc.message == "file is larger than 100 bytes (limit max-file-bytes)"


@pytest.mark.usefixtures("both_parsers")
def test_node_limit_counts_alias_expansions() -> None:
    source = "a: &a [1, 2, 3]\nb: [*a, *a, *a]\n"
    assert plain(read_documents(source, "c.yaml", Limits(max_nodes=20))[0]) == {
        "a": [1, 2, 3],
        "b": [[1, 2, 3]] * 3,
    }
    exc = error(source, Limits(max_nodes=15))
    assert exc.rule == "limit-exceeded"
    assert exc.message == "document has more than 15 nodes after alias expansion (limit max-nodes)"


def _billion_laughs(levels: int = 9, width: int = 9) -> str:
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def _merge_bomb(levels: int = 12, width: int = 9) -> str:
    lines = ["m0: &m0 {k: v}"]
    for i in range(1, levels + 1):
        sources = ", ".join([f"*m{i - 1}"] * width)
        lines.append(f"m{i}: &m{i} {{<<: [{sources}], k{i}: v}}")
    return "\n".join(lines) + "\n"


@pytest.mark.usefixtures("both_parsers")
@pytest.mark.parametrize("source", [_billion_laughs(), _merge_bomb()], ids=["aliases", "merge-keys"])
def test_alias_bombs_are_rejected_quickly(source: str) -> None:
    started = time.perf_counter()
    exc = error(source)
    elapsed = time.perf_counter() - started
    assert exc.rule == "limit-exceeded"
    assert "limit max-nodes" in exc.message
    assert elapsed < 1.0  # a guard, not a benchmark: expansion would take minutes and gigabytes


@pytest.mark.usefixtures("both_parsers")
@pytest.mark.parametrize(
    "source",
    [
        "{a: " * 10_000 + "1" + "}" * 10_000,
        "[" * 10_000 + "]" * 10_000,
        "- " * 10_000 + "x\n",
        "".join(" " * i + "a:\n" for i in range(0, 1_200)),
    ],
    ids=["flow-maps", "flow-seqs", "block-seqs", "block-maps"],
)
def test_deep_nesting_is_rejected_cleanly(source: str) -> None:
    exc = error(source)
    assert exc.rule == "limit-exceeded"
    assert exc.message == f"document nests deeper than {DEFAULT_LIMITS.max_depth} levels (limit max-depth)"


def test_nesting_beyond_the_parser_limit() -> None:
    # libyaml stops at 1000 levels itself; that is still reported as a depth limit.
    exc = error("{a: " * 10_000 + "1" + "}" * 10_000, Limits(max_depth=5_000))
    assert exc.rule == "limit-exceeded"
    assert "deeper than" in exc.message and "max-depth" in exc.message


@pytest.mark.usefixtures("both_parsers")
def test_depth_limit_counts_alias_expansions() -> None:
    source = "a: &a [[[1]]]\nb: [[*a]]\n"
    assert read_documents(source, "c.yaml", Limits(max_depth=6))[0] is not None
    exc = error(source, Limits(max_depth=5))
    assert exc.rule == "limit-exceeded"
    assert where(exc) == (2, 6)


def test_a_thousand_services() -> None:
    source = "services:\n" + "".join(
        f"  svc{i}:\n    image: nginx:1.{i}\n    ports: ['{8000 + i}:80']\n    environment:\n      A: yes\n"
        for i in range(1_000)
    )
    services = read(source)["services"]
    assert len(services) == 1_000
    last = services["svc999"]
    assert last["ports"] == ["8999:80"]
    assert last["environment"] == {"A": "yes"}
    assert services.key_span("svc999").line == 2 + 999 * 5
    assert last.value_span("image") == Span("compose.yaml", 3 + 999 * 5, 12, 3 + 999 * 5, 23)


def test_str_and_bytes_input_agree() -> None:
    source = "services:\n  a:\n    image: é\n    command: [x]\n"
    from_str, from_bytes = read(source)["services"]["a"], read(source.encode())["services"]["a"]
    assert plain(from_str) == plain(from_bytes)
    assert from_str.value_span("command") == from_bytes.value_span("command")
