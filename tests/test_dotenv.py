"""Tests for composelint.compose.dotenv: ``.env`` / ``env_file`` syntax, with Compose's quirks.

Every expected value below was printed by Docker Compose 2.40.3 (compose-go v2.9.1, docker/cli
v28.5.1 for ``format: raw``) with the file as a service's ``env_file`` and ``docker compose config
--format json``; the ``*_binary_*`` tests rerun the binary on the same tables when it is installed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from composelint.compose.dotenv import parse_dotenv
from composelint.compose.errors import ComposeError
from composelint.compose.span import Span
from tests.conftest import shared

FIXTURES = ("compose-fixtures", "compose-spec", "compose-go", "dotenv", "fixtures")

OS_ENV = {"FROM_OS": "os", "X": "os-x"}


def os_lookup(name: str) -> str | None:
    return OS_ENV.get(name)


def nothing(name: str) -> str | None:
    return None


# (file text, expected variables) with OS_ENV as the lookup.
SYNTAX: list[tuple[str, dict[str, str]]] = [
    ("", {}),
    ("# only a comment\n\n   \n", {}),
    ("A=1\nB=2", {"A": "1", "B": "2"}),
    ("A = 1\nB =2\nC= 3\nD = \nE=\n", {"A": "1", "B": "2", "C": "3", "D": "", "E": ""}),
    ("  A=1\n\t B=2\n", {"A": "1", "B": "2"}),
    ("K: v\nURL=http://x:1\nkey:with=colon\n", {"K": "v", "URL": "http://x:1", "key": "with=colon"}),
    ("export  E=1\nexport\tT=2\nexport\nF=3\n", {"E": "1", "T": "2", "F": "3"}),
    (
        "A.B=1\nC-D=2\nE[0]=3\n1X=4\n\u00c9\u4e2d=5\nB\u00b2=6\n",
        {"A.B": "1", "C-D": "2", "E[0]": "3", "1X": "4", "\u00c9\u4e2d": "5", "B\u00b2": "6"},
    ),
    ("A\tB=1\n", {"A\tB": "1"}),  # a tab inside a key is accepted, a space is not
    ("=1\n:2\n", {"": "2"}),  # an empty key is accepted
    ("\ufeffA=1\n", {"A": "1"}),
    ("A=1\r\nB=\"q\"\r\nC='s'\r\n", {"A": "1", "B": "q", "C": "s"}),
    # Inline comments need a space before "#"; trailing whitespace is trimmed.
    (
        "A=v #c\nB=v#c\nC=v\t#c\nD=  lead  \nE=a # b # c\nF=1 \t \n",
        {"A": "v", "B": "v#c", "C": "v\t#c", "D": "lead", "E": "a", "F": "1"},
    ),
    ("A=x\\ny # c\n", {"A": "x\\ny"}),  # no escapes outside double quotes
    # Bare keys come from the lookup, or are left out.
    ("FROM_OS\nNOT_FOUND\nA=1\n", {"FROM_OS": "os", "A": "1"}),
    ("A=1\nFOO", {"": "FOO", "A": "1"}),  # Compose 2.40.3 printed {"": "FOO"}: no newline, no key
    # Quotes.
    (
        "A='1'\nB=''\nC='\\n'\nD='Let\\'s go!'\nE='a\\\\b'\n",
        {"A": "1", "B": "", "C": "\\n", "D": "Let's go!", "E": "a\\\\b"},
    ),
    ('A="x" # comment\nB="a # b"\n', {"A": "x", "B": "a # b"}),
    ("A=\"l1\nl2\"\nB='m1\nm2'\n", {"A": "l1\nl2", "B": "m1\nm2"}),
    ('A="x" B=1\n', {"A": "x", "B": "1"}),  # the rest of the line is the next statement
    ('A="x"FROM_OS\n', {"A": "x", "FROM_OS": "os"}),
    # Double-quoted escapes. Compose 2.40.3 printed "\\" for "\0" and "\\12" for "\012": it drops the
    # "0" and decodes only three octal digits up to 255.
    ('A="a\\nb\\tc\\\\d\\$e"\n', {"A": "a\nb\tc\\d$e"}),
    ('A="\\a\\b\\f\\r\\v\\""\n', {"A": '\a\b\f\r\v"'}),
    ('A="\\0101\\0351\\0\\012\\0777\\0089"\n', {"A": "A\u00e9\\\\12\\777\\089"}),
    ('A="\\c\\x41\\u0041\\\'"\n', {"A": "\\c\\x41\\u0041\\'"}),
    # Interpolation: unquoted and double-quoted values, not single-quoted ones.
    ("A=1\nB=${A}\nC=$A-${UNSET:-d}\nD=$$x\n", {"A": "1", "B": "1", "C": "1-d", "D": "$x"}),
    (
        'A="${UNSET:-x}"\nB=\'${UNSET:-x}\'\nC="\\$y"\nD="$$z"\n',
        {"A": "x", "B": "${UNSET:-x}", "C": "$y", "D": "$z"},
    ),
    ("X=file\nA=${X}\nB=${FROM_OS:+alt}\n", {"X": "file", "A": "os-x", "B": "alt"}),  # the lookup wins
]

# (file text, message, rule, line, column).
ERRORS: list[tuple[str, str, str, int, int]] = [
    ("A=1\nINVALID LINE\n", "line 2: key cannot contain a space", "invalid-env-file", 2, 1),
    ("A B=1\n", "line 1: key cannot contain a space", "invalid-env-file", 1, 1),
    ("A=1\n  B!x=2\n", 'line 2: unexpected character "!" in variable name "B!x=2"', "invalid-env-file", 2, 4),
    (
        "A\u0301=1\n",
        'line 1: unexpected character "\u0301" in variable name "A\u0301=1"',
        "invalid-env-file",
        1,
        2,
    ),
    ("A=1\nB='x\n", "line 2: unterminated quoted value 'x", "invalid-env-file", 2, 3),
    ('A="x\nB=1', 'line 1: unterminated quoted value "x', "invalid-env-file", 1, 3),
    ("export   ", "line 1: zero length string", "invalid-env-file", 1, 1),
    ("A=${ foo}\n", 'line 1: Invalid template: "${ foo}"', "invalid-interpolation", 1, 3),
    (
        '\nA= "${NEED:?need it}"\n',
        "line 2: required variable NEED is missing a value: need it",
        "missing-required-variable",
        2,
        4,
    ),
]


@pytest.mark.parametrize(("text", "expected"), SYNTAX, ids=repr)
def test_syntax(text: str, expected: dict[str, str]) -> None:
    assert parse_dotenv(text, "e.env", os_lookup) == expected


@pytest.mark.parametrize(("text", "message", "rule", "line", "column"), ERRORS, ids=repr)
def test_errors(text: str, message: str, rule: str, line: int, column: int) -> None:
    with pytest.raises(ComposeError) as caught:
        parse_dotenv(text, "dir/e.env", nothing)
    error = caught.value
    assert (error.message, error.rule, error.span) == (message, rule, Span.point("dir/e.env", line, column))


def test_error_lines_are_where_the_problem_is() -> None:
    # Compose 2.40.3 says "line 2" here (a bare key with trailing spaces skips its line count) and, for
    # an unterminated quote, names the file's last line; we point at the real place.
    with pytest.raises(ComposeError, match=r"^e\.env:3:1: line 3: key cannot contain a space$"):
        parse_dotenv("FOO   \nA=1\nB C\n", "e.env", nothing)
    with pytest.raises(ComposeError) as caught:
        parse_dotenv('A="l1\nl2"\nB="unterminated\nC=3\nD=4\n', "e.env", nothing)
    assert caught.value.span == Span.point("e.env", 3, 3)


def test_interpolation_lookup_order() -> None:
    # The lookup (OS / project environment) first, then this file's earlier keys, then `base`.
    text = "FOO=foo\nBAR=${FOO}\nA=${EARLIER}\nEARLIER=mine\nB=${EARLIER}\nC=${ONLY_BASE}\n"
    base = {"EARLIER": "base", "ONLY_BASE": "b"}
    assert parse_dotenv(text, "e.env", {"FOO": "zot"}.get, base=base) == {
        "FOO": "foo",
        "BAR": "zot",  # cli/options_test.go TestEnvVariablePrecedence: OS FOO=zot wins
        "A": "base",
        "EARLIER": "mine",
        "B": "mine",
        "C": "b",
    }


def test_eager_defaults() -> None:
    # Compose 2.40.3 expands an unused default too; current compose-go does not.
    text = "SET=1\nA=${SET:-${MISSING:?no}}\n"
    assert parse_dotenv(text, "e.env", nothing) == {"SET": "1", "A": "1"}
    with pytest.raises(ComposeError, match="required variable MISSING"):
        parse_dotenv(text, "e.env", nothing, eager_defaults=True)


# `format: raw` (file text, expected) with OS_ENV.
RAW: list[tuple[str, dict[str, str]]] = [
    (
        'A="quoted"\nB=\'single\'\n  C=  spaced  \nFROM_OS\nMISSING\nE=$X\n#c\n  # c2\nG=a=b\nH="\n',
        {
            "A": '"quoted"',
            "B": "'single'",
            "C": "  spaced  ",
            "FROM_OS": "os",
            "E": "$X",
            "G": "a=b",
            "H": '"',
        },
    ),
    ("A=1\r\nB=2 \r\n", {"A": "1", "B": "2 "}),
    ("\ufeffA=1\n", {"A": "1"}),
]

RAW_ERRORS: list[tuple[str, str, int, int]] = [
    ("A=1\n  F G=1\n", "variable 'F G' contains whitespaces", 2, 3),
    ("A\tB=1\n", "variable 'A\tB' contains whitespaces", 1, 1),
    ("export A=1\n", "variable 'export A' contains whitespaces", 1, 1),
    ("=x\n", "no variable name on line '=x'", 1, 1),
]


@pytest.mark.parametrize(("text", "expected"), RAW, ids=repr)
def test_raw(text: str, expected: dict[str, str]) -> None:
    assert parse_dotenv(text, "e.env", os_lookup, raw=True) == expected


@pytest.mark.parametrize(("text", "message", "line", "column"), RAW_ERRORS, ids=repr)
def test_raw_errors(text: str, message: str, line: int, column: int) -> None:
    with pytest.raises(ComposeError) as caught:
        parse_dotenv(text, "e.env", nothing, raw=True)
    error = caught.value
    assert (error.message, error.rule, error.span) == (
        message,
        "invalid-env-file",
        Span.point("e.env", line, column),
    )


# ---------------------------------------------------------------------------------------------
# compose-go's own fixtures (dotenv/godotenv_test.go, parser_test.go)
# ---------------------------------------------------------------------------------------------

PLAIN = {
    "OPTION_A": "1",
    "OPTION_B": "2",
    "OPTION_C": "3",
    "OPTION_D": "4",
    "OPTION_E": "5",
    "456": "ABC",  # GetEnvFromFile (what Compose uses) keeps keys starting with a digit
    "OPTION_F": "",
    "OPTION_G": "",
    "OPTION_H": "my string",
}

FIXTURE_CASES: list[tuple[str, Mapping[str, str], dict[str, str]]] = [
    ("plain.env", {}, PLAIN),
    ("utf8-bom.env", {}, PLAIN),
    ("exported.env", {}, {"OPTION_A": "2", "OPTION_B": "\\n"}),
    ("equals.env", {}, {"OPTION_A": "postgres://localhost:5432/database?sslmode=disable"}),
    (
        "quoted.env",
        {},
        {
            "OPTION_A": "1",
            "OPTION_B": "2",
            "OPTION_C": "",
            "OPTION_D": "\\n",
            "OPTION_E": "1",
            "OPTION_F": "2",
            "OPTION_G": "",
            "OPTION_H": "\n",
            "OPTION_I": "echo 'asd'",
            "OPTION_J": "first line\nsecond line\nthird line\nand so on",
            "OPTION_K": "Let's go!",
            "OPTION_Z": "last value",
        },
    ),
    (
        "unquoted.env",
        {},
        {
            "OPTION_A": "some quoted phrase",
            "OPTION_B": "first one with an unquoted phrase",
            "OPTION_C": "then another one with an unquoted phrase",
            "OPTION_D": "then another one with an unquoted phrase special \u00e8 char",
            "OPTION_E": "then another one quoted phrase",
        },
    ),
    (
        "special.env",
        {},
        {"VAR.WITH.DOTS": "dots", "VAR_WITH_UNDERSCORES": "underscores", "VAR-WITH-DASHES": "dashes"},
    ),
    (
        "substitutions.env",
        {},
        {"OPTION_A": "1", "OPTION_B": "1", "OPTION_C": "1", "OPTION_D": "1_1", "OPTION_E": ""},
    ),
    # The OS environment is looked up before the file's own earlier values.
    (
        "substitutions.env",
        {"OPTION_A": "5"},
        {"OPTION_A": "1", "OPTION_B": "5", "OPTION_C": "5", "OPTION_D": "5_5", "OPTION_E": ""},
    ),
    (
        "substitutions-default.env",
        {},
        {"OPTION_A": "1", "OPTION_B": "1", "OPTION_C": "1", "OPTION_D": "1_1", "OPTION_E": ""},
    ),
    (
        "substitutions-default.env",
        {"OPTION_A": "5"},
        {"OPTION_A": "5", "OPTION_B": "5", "OPTION_C": "5", "OPTION_D": "5_5", "OPTION_E": ""},
    ),
    (
        "inherited-single-var.env",
        {"VAR_TO_BE_LOADED_FROM_OS_ENV": "x"},
        {"VAR_TO_BE_LOADED_FROM_OS_ENV": "x"},
    ),
    (
        "inherited-multi-var.env",
        {"VAR_TO_BE_LOADED_FROM_OS_ENV": "x"},
        {"foo": "bar", "VAR_TO_BE_LOADED_FROM_OS_ENV": "x", "bar": "baz"},
    ),
    ("inherited-not-found.env", {}, {}),
]


@pytest.mark.parametrize(("name", "env", "expected"), FIXTURE_CASES, ids=repr)
def test_compose_go_fixtures(name: str, env: Mapping[str, str], expected: dict[str, str]) -> None:
    text = shared(*FIXTURES, name).read_text(encoding="utf-8")
    result = parse_dotenv(text, name, env.get)
    assert result == expected
    assert list(result) == list(expected)  # file order


def test_compose_go_invalid_fixture() -> None:
    # Line counting includes the multi-line value before the bad line.
    text = shared(*FIXTURES, "invalid1.env").read_text(encoding="utf-8")
    with pytest.raises(ComposeError) as caught:
        parse_dotenv(text, "invalid1.env", nothing)
    assert caught.value.message == "line 7: key cannot contain a space"
    assert caught.value.span == Span.point("invalid1.env", 7, 1)


# ---------------------------------------------------------------------------------------------
# The binary itself
# ---------------------------------------------------------------------------------------------


def _compose_binary() -> str | None:
    found = shutil.which("docker-compose")
    if found:
        return found
    beside = Path(sys.executable).parent / "docker-compose"
    return str(beside) if beside.exists() else None


@pytest.fixture(scope="module")
def binary() -> str:
    found = _compose_binary()
    if found is None:
        pytest.skip("docker-compose is not installed")
    return found


def _config(binary: str, directory: Path, files: list[str], fmt: str | None = None) -> tuple[Any, str]:
    """Each file becomes the env_file of service s<N>; returns the parsed `config` output and stderr."""
    services = {}
    for index, text in enumerate(files):
        (directory / f"{index}.env").write_bytes(text.encode("utf-8"))
        env_file = {"path": f"{index}.env", **({"format": fmt} if fmt else {})}
        services[f"s{index}"] = {"image": "busybox", "env_file": [env_file]}
    (directory / "compose.yaml").write_text(json.dumps({"services": services}), encoding="utf-8")
    completed = subprocess.run(
        [binary, "-p", "dotenv", "-f", str(directory / "compose.yaml"), "config", "--format", "json"],
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(directory), **OS_ENV},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # The PyPI wrapper drops the exit status, so an empty stdout is the error signal.
    output = json.loads(completed.stdout) if completed.stdout.strip() else None
    return output, completed.stderr.rstrip("\n")


def _environments(output: Any, count: int) -> list[dict[str, str]]:
    # `config` prints every "$" back as "$$".
    services = output["services"]
    return [
        {
            key: value.replace("$$", "$")
            for key, value in (services[f"s{index}"].get("environment") or {}).items()
        }
        for index in range(count)
    ]


@pytest.mark.slow
@pytest.mark.parametrize(("table", "fmt"), [(SYNTAX, None), (RAW, "raw")], ids=["dotenv", "raw"])
def test_binary_syntax(
    binary: str, tmp_path: Path, table: list[tuple[str, dict[str, str]]], fmt: str | None
) -> None:
    output, stderr = _config(binary, tmp_path, [text for text, _ in table], fmt)
    assert output is not None, stderr
    for (text, expected), printed in zip(table, _environments(output, len(table)), strict=True):
        assert (text, printed) == (text, expected)


@pytest.mark.slow
@pytest.mark.parametrize(("text", "message", "rule", "line", "column"), ERRORS, ids=repr)
def test_binary_errors(
    binary: str, tmp_path: Path, text: str, message: str, rule: str, line: int, column: int
) -> None:
    _, stderr = _config(binary, tmp_path, [text])
    # Compose prefixes the file name and has no line number for interpolation errors; its line numbers
    # differ for unterminated quotes (see test_error_lines_are_where_the_problem_is).
    assert re.sub(r"^failed to read [^:]*: (line \d+: )?", "", stderr) == re.sub(r"^line \d+: ", "", message)
