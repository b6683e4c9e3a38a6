"""The `composelint check` command line: exit codes, selection, discovery, schema errors, rule help.

Tests here use the validity rules (CL1xx) and rules of their own, registered as plugins, so that they
test the command line and not the wording of other rule families.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from composelint.cli import main
from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from tests.conftest import PluginEntryPoint

# An undefined network (CL104, line 4) and a container name used twice (CL112, line 8).
BROKEN = """\
services:
  web:
    image: nginx:1.27
    networks: [backend]
    container_name: web
  worker:
    image: example/worker:1.0
    container_name: web
"""
CLEAN = "services:\n  web:\n    image: nginx:1.27\n"


class _EachService(Rule):
    """Reports every service (a test rule).

    ## What it does
    Reports each service.

    ## Why is this bad?
    It is not; it gives the tests a finding of a chosen severity.

    ## Example
    Any service.

    ## Use instead
    Nothing.
    """

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            yield Violation(service.span, f"service {service.name} seen", service.name)


class WarnEachService(_EachService):
    id = "XT801"
    name = "warn-each-service"
    severity = Severity.WARNING
    summary = "Warns about every service"


class NoteEachService(_EachService):
    id = "XT802"
    name = "note-each-service"
    severity = Severity.INFO
    summary = "Notes every service"


def run(
    cwd: Path, *args: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def findings(out: str) -> list[tuple[str, int, int, str]]:
    return [(f["path"], f["line"], f["column"], f["rule"]) for f in json.loads(out)["findings"]]


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    (tmp_path / "compose.yaml").write_text(BROKEN)
    return tmp_path


# -- exit codes -------------------------------------------------------------------------------------


def test_exit_codes_follow_the_fail_level(
    tmp_path: Path,
    plugins: list[PluginEntryPoint],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plugins.append(PluginEntryPoint("rules", [WarnEachService, NoteEachService]))
    (tmp_path / "compose.yaml").write_text(CLEAN)

    def code(*args: str) -> int:
        return run(tmp_path, "check", *args, monkeypatch=monkeypatch, capsys=capsys)[0]

    assert code("--select", "CL1") == 0
    assert code("--select", "XT801") == 1  # a warning fails by default
    assert code("--select", "XT801", "--fail-level", "error") == 0
    assert code("--select", "XT802") == 0  # info does not
    assert code("--select", "XT802", "--fail-level", "info") == 1
    (tmp_path / "compose.yaml").write_text(BROKEN)
    assert code("--select", "CL1", "--fail-level", "error") == 1


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["check", "--no-such-option"], "unrecognized arguments: --no-such-option"),
        (["check", "missing.yaml"], "missing.yaml: no such file or directory"),
        (["check", "-f", "missing.yaml"], "missing.yaml: no such file"),
        (["check", "--select", "duplicate-container-nme"], "did you mean 'duplicate-container-name'?"),
        (["check", "--ignore", "undefined-refrence"], "did you mean 'undefined-reference'?"),
        (["check", "--select", "CL9"], "unknown rule 'CL9'"),
        (["check", "--fail-level", "fatal"], "invalid choice: 'fatal'"),
        (["check", "--format", "xml"], "invalid choice: 'xml'"),
        (["check", "-f", "compose.yaml", "compose.yaml"], "either PATH arguments or -f/--file"),
        (["check", "-p", "My App"], 'invalid project name "My App"'),
        (["rule", "schema-violaton"], "did you mean 'schema-violation'?"),
        (["bogus"], "invalid choice: 'bogus'"),
    ],
)
def test_usage_errors_exit_2_with_one_line_and_no_traceback(broken: Path, args: list[str], says: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "composelint", *args], cwd=broken, capture_output=True, text=True
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("composelint: error: ") and says in result.stderr


def test_the_command_writes_its_whole_report_into_a_pipe(tmp_path: Path) -> None:
    # The command ends without the interpreter's teardown: a pipe's buffered output must be flushed.
    (tmp_path / "compose.yaml").write_text(
        "services:\n  db:\n    image: postgres:16.4\n    ports: ['5432:5432']\n", encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-m", "composelint", "check", "--format", "json", "compose.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"},
    )
    assert result.returncode == 1, result.stderr
    assert "CL202" in {finding["rule"] for finding in json.loads(result.stdout)["findings"]}


# -- rule selection ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--select", "CL104"], {"CL104"}),
        (["--select", "cl1"], {"CL104", "CL112"}),
        (["--select", "undefined-reference"], {"CL104"}),
        (["--select", "duplicate-container-name,CL104"], {"CL104", "CL112"}),
        (["--select", "CL112", "--select", "CL104"], {"CL104", "CL112"}),
        (["--select", "CL1", "--ignore", "CL112"], {"CL104"}),
        (["--select", "CL1", "--ignore", "undefined-reference"], {"CL112"}),
        (["--select", "CL1", "--ignore", "CL11"], {"CL104"}),  # a prefix: CL110-CL118
        (["--select", "CL104", "--extend-select", "CL112"], {"CL104", "CL112"}),
    ],
)
def test_select_and_ignore_by_id_prefix_and_name(
    broken: Path,
    args: list[str],
    expected: set[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = run(broken, "check", "--format", "json", *args, monkeypatch=monkeypatch, capsys=capsys)
    assert {rule for *_, rule in findings(out)} == expected


def test_a_file_that_cannot_be_read_is_reported_even_when_its_rule_is_not_selected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx:1.27\n   ports: ['80:80']\n")
    code, out, _ = run(
        tmp_path, "check", "--format", "json", "--select", "CL2", monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 1 and findings(out) == [("compose.yaml", 4, 4, "CL101")]
    # Unless the user says so explicitly.
    code, out, _ = run(
        tmp_path,
        "check",
        "--format",
        "json",
        "--select",
        "CL2",
        "--ignore",
        "yaml-syntax",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 0 and findings(out) == []


# -- schema errors ----------------------------------------------------------------------------------


def schema_errors(
    tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> list[tuple[int, int, str]]:
    (tmp_path / "compose.yaml").write_text(text)
    _, out, _ = run(
        tmp_path, "check", "--format", "json", "--select", "CL103", monkeypatch=monkeypatch, capsys=capsys
    )
    return [(f["line"], f["column"], f["message"]) for f in json.loads(out)["findings"]]


def test_a_misspelled_top_level_key_is_named_and_pointed_at(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert schema_errors(tmp_path, "servces:\n  web:\n    image: nginx:1.27\n", monkeypatch, capsys) == [
        (1, 1, "additional property 'servces' is not allowed at the top level (did you mean 'services'?)")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "services:\n  web:\n    imagee: nginx:1.27\n",
            (3, 5, "additional property 'imagee' is not allowed in services.web (did you mean 'image'?)"),
        ),
        (
            "services:\n  web:\n    image: nginx:1.27\n    ports: 8080\n",
            (4, 5, "services.web.ports must be a list, not an integer"),
        ),
        (
            "services:\n  web:\n    image: nginx:1.27\n    environment: true\n",
            (4, 5, "services.web.environment must be a mapping or a list, not a boolean"),
        ),
        (
            "services:\n  web:\n    image: nginx:1.27\n    depends_on:\n      db: {condition: service_ready}\n  db:\n    image: postgres:16\n",
            (
                5,
                12,
                "services.web.depends_on.db.condition must be one of service_started, service_healthy, "
                "service_completed_successfully, not \"service_ready\" (did you mean 'service_healthy'?)",
            ),
        ),
        (
            # A mapping that fits none of the forms is explained by the mapping form: its unknown key.
            "services:\n  web:\n    image: nginx:1.27\n    build:\n      contxt: .\n",
            (
                5,
                7,
                "additional property 'contxt' is not allowed in services.web.build (did you mean 'context'?)",
            ),
        ),
        (
            "services:\n  web:\n    image: nginx:1.27\n    extends:\n      file: base.yaml\n    logging:\n      options: {}\n      drivr: json-file\n",
            (
                8,
                7,
                "additional property 'drivr' is not allowed in services.web.logging (did you mean 'driver'?)",
            ),
        ),
    ],
)
def test_typical_schema_errors(
    tmp_path: Path,
    text: str,
    expected: tuple[int, int, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert expected in schema_errors(tmp_path, text, monkeypatch, capsys)


def test_every_schema_error_of_a_file_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "services:\n"
        "  web:\n"
        "    image: [nginx]\n"  # 3: type
        "    restrat: always\n"  # 4: unknown key
        "    healthcheck:\n"
        "      interval: 10\n"  # 6: type
        "networks:\n"
        "  back:\n"
        "    internall: true\n"  # 9: unknown key
    )
    found = schema_errors(tmp_path, text, monkeypatch, capsys)
    assert [(line, column) for line, column, _ in found] == [(3, 5), (4, 5), (6, 7), (9, 5)]
    assert "did you mean 'restart'?" in found[1][2] and "did you mean 'internal'?" in found[3][2]


def test_a_schema_error_in_an_override_points_into_the_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "compose.yaml").write_text(CLEAN)
    (tmp_path / "compose.override.yaml").write_text("services:\n  web:\n    enviroment:\n      A: b\n")
    _, out, _ = run(
        tmp_path, "check", "--format", "json", "--select", "CL103", monkeypatch=monkeypatch, capsys=capsys
    )
    assert findings(out) == [("compose.override.yaml", 3, 5, "CL103")]


# -- reports and discovery --------------------------------------------------------------------------


def test_text_report(
    broken: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(broken, "check", "--select", "CL1", monkeypatch=monkeypatch, capsys=capsys)
    lines = out.splitlines()
    assert [line for line in lines if line.startswith(("error", "compose.yaml"))] == [
        "compose.yaml",
        'error CL104 [undefined-reference] service "web" refers to undefined network backend',
        'error CL112 [duplicate-container-name] container_name "web" is already used by service "web"',
    ]
    assert "  --> compose.yaml:4:16" in lines and "  --> compose.yaml:8:21" in lines
    assert lines[-2:] == [
        "Found 2 problems (2 errors) in 1 file checked.",
        "Failed: 2 findings at or above the fail level (warning).",
    ]


def test_json_paths_are_relative_to_the_working_directory(
    broken: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (broken / "sub").mkdir()
    _, out, _ = run(
        broken / "sub",
        "check",
        "--format",
        "json",
        "--select",
        "CL1",
        "..",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    report = json.loads(out)
    assert {f["path"] for f in report["findings"]} == {"../compose.yaml"}
    assert report["findings"][0]["service"] == "web" and report["summary"]["files"] == 1


def test_directory_discovery_lints_each_project_as_compose_loads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "compose.yaml").write_text("services:\n  web:\n    image: nginx:1.27\nnetworks:\n  edge: {}\n")
    # Alone, the override would join an undefined network; with its base it does not.
    (app / "compose.override.yaml").write_text("services:\n  web:\n    networks: [edge]\n")
    # The prod variant changes the base's web service, so it cannot stand alone: it is linted on the
    # base, where its network exists; its container name clashes with nothing there...
    (app / "docker-compose.prod.yml").write_text(
        "services:\n  web:\n    networks: [edge]\n    container_name: api\n  jobs:\n    image: example/jobs:1\n    container_name: api\n"
    )
    for skipped in (".git", "node_modules"):
        (tmp_path / skipped).mkdir()
        (tmp_path / skipped / "compose.yaml").write_text("services: [\n")
    _, out, _ = run(
        tmp_path, "check", "--format", "json", "--select", "CL1", ".", monkeypatch=monkeypatch, capsys=capsys
    )
    # ...but with itself: one finding, in the prod file; nothing from the skipped directories.
    assert findings(out) == [("app/docker-compose.prod.yml", 7, 21, "CL112")]
    code, out, _ = run(
        tmp_path,
        "check",
        "--format",
        "json",
        "--select",
        "CL1",
        "app/compose.override.yaml",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 0 and findings(out) == []  # the override named alone is linted with its base


def test_without_paths_the_project_is_found_as_compose_finds_it(
    broken: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = broken / "src" / "pkg"
    deep.mkdir(parents=True)
    code, out, _ = run(
        deep, "check", "--format", "json", "--select", "CL1", monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 1 and {path for path, *_ in findings(out)} == {"../../compose.yaml"}
    (broken / "clean.yaml").write_text(CLEAN)
    monkeypatch.setenv("COMPOSE_FILE", "clean.yaml")
    assert run(broken, "check", "--select", "CL1", monkeypatch=monkeypatch, capsys=capsys)[0] == 0
    monkeypatch.setenv("COMPOSE_FILE", "absent.yaml")
    code, _, err = run(broken, "check", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "absent.yaml, which does not exist" in err


def test_explicit_files_merge_like_compose(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.yml").write_text(
        "services:\n  web:\n    image: nginx:1.27\n    container_name: web\nnetworks:\n  edge: {}\n"
    )
    (tmp_path / "b.yml").write_text(
        "services:\n  api:\n    image: example/api:1\n    networks: [edge]\n    container_name: web\n"
    )
    _, out, _ = run(
        tmp_path,
        "check",
        "--format",
        "json",
        "--select",
        "CL1",
        "-f",
        "a.yml",
        "-f",
        "b.yml",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert findings(out) == [("b.yml", 5, 21, "CL112")]


def test_jobs_do_not_change_the_report(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    if not corpus.is_dir():
        pytest.skip(f"{corpus} is not available")
    outputs = []
    for jobs in ("1", "4"):
        _, out, _ = run(
            corpus, "check", "--format", "json", "--jobs", jobs, ".", monkeypatch=monkeypatch, capsys=capsys
        )
        outputs.append(out)
    assert json.loads(outputs[0])["summary"]["findings"] > 0
    assert outputs[0] == outputs[1]


# -- rules and plugins ------------------------------------------------------------------------------


def test_rules_lists_every_rule_and_rule_prints_its_page(
    tmp_path: Path,
    plugins: list[PluginEntryPoint],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plugins.append(PluginEntryPoint("rules", [WarnEachService]))
    plugins.append(PluginEntryPoint("broken", ImportError("no module named composelint_extra")))
    code, out, err = run(tmp_path, "rules", monkeypatch=monkeypatch, capsys=capsys)
    rows = {line.split()[0]: line.split()[1:4] for line in out.splitlines()[1:]}
    assert code == 0 and out.split()[:3] == ["ID", "NAME", "FAMILY"]
    assert rows["CL103"] == ["schema-violation", "validity", "error"]
    assert rows["XT801"][0] == "warn-each-service"
    assert "plugin broken = tests.plugins:broken not loaded: ImportError" in err
    code, out, _ = run(tmp_path, "rule", "undefined-reference", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and out.startswith("# CL104 `undefined-reference`") and "## Use instead" in out
    assert run(tmp_path, "rule", "cl104", monkeypatch=monkeypatch, capsys=capsys)[1] == out


def test_a_third_party_rule_runs_and_a_broken_plugin_is_a_warning(
    tmp_path: Path,
    plugins: list[PluginEntryPoint],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plugins.append(PluginEntryPoint("rules", WarnEachService))
    plugins.append(PluginEntryPoint("broken", ImportError("no module named composelint_extra")))
    plugins.append(
        PluginEntryPoint("clash", [type("Clash", (WarnEachService,), {"id": "CL104", "name": "my-own"})])
    )
    (tmp_path / "compose.yaml").write_text(CLEAN)
    code, out, err = run(
        tmp_path,
        "check",
        "--format",
        "json",
        "--select",
        "warn-each-service",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 1 and findings(out) == [("compose.yaml", 2, 3, "XT801")]
    assert err.splitlines() == [
        "composelint: warning: plugin broken = tests.plugins:broken not loaded: ImportError: no module named composelint_extra",
        "composelint: warning: plugin clash = tests.plugins:clash not loaded: rule CL104 [my-own]: CL104 is already taken by another rule",
    ]


def test_version_and_help_do_not_import_heavy_modules() -> None:
    code = (
        "import sys, contextlib, io\n"
        "from composelint.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n        main(['--version'])\n    except SystemExit:\n        pass\n"
        "print(sorted(m for m in ('networkx', 'jsonschema', 'yaml', 'fastjsonschema') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_file_names_starting_with_a_dash_are_files_never_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    db = 'services:\n  db:\n    image: postgres:16\n    ports: ["5432:5432"]\n'
    (tmp_path / "--write-baseline=x.compose.yaml").write_text(db)
    (tmp_path / "--output=").mkdir()
    (tmp_path / "--output=" / "compose.yaml").write_text(db.replace("db:", "db2:"))
    (tmp_path / "--profile=x.compose.yaml").write_text(db.replace("db:", "db3:"))
    names = ["--write-baseline=x.compose.yaml", "--output=/compose.yaml", "--profile=x.compose.yaml"]
    code = main(["check", "--format", "json", "--select", "CL202", *names])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert sorted(f["path"] for f in report["findings"]) == sorted(names)
    assert sorted(p.name for p in tmp_path.rglob("*")) == [
        "--output=",
        "--profile=x.compose.yaml",
        "--write-baseline=x.compose.yaml",
        "compose.yaml",
    ]
    # The user's own options still work, before and after the names, and `--` ends the options.
    code = main(["check", "--format", "json", "--select=CL202", *names[:1], "--fail-level", "error"])
    assert code == 1 and len(json.loads(capsys.readouterr().out)["findings"]) == 1
    assert main(["check", "--format", "json", "--ignore", "CL202", "--", *names[:1]]) == 0


@pytest.mark.parametrize(
    ("make", "args", "says"),
    [
        (
            lambda d: (d / "empty").mkdir(),
            ["empty"],
            "no compose file by name; composelint looks for compose.yaml",
        ),
        (
            lambda d: ((d / "stacks").mkdir(), (d / "stacks" / "app.yaml").write_text("services: {}\n")),
            ["stacks"],
            "no compose file by name (1 other YAML file there)",
        ),
        (lambda d: None, ["typo.yaml"], "typo.yaml: no such file or directory"),
        (
            lambda d: (
                (d / "vendor").mkdir(),
                (d / "vendor" / "compose.yaml").write_text("services: {}\n"),
                (d / ".composelint.yaml").write_text("exclude: ['vendor/**']\n"),
            ),
            ["vendor/compose.yaml"],
            "vendor/compose.yaml excluded by the configuration's `exclude`",
        ),
    ],
    ids=["empty directory", "only other YAML files", "typo", "excluded file named explicitly"],
)
def test_a_run_that_checks_no_file_is_a_usage_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    make: Any,
    args: list[str],
    says: str,
) -> None:
    (tmp_path / ".git").mkdir()
    make(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["check", *args]) == 2
    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1, err


def test_an_unreadable_directory_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "locked").mkdir()
    real_scandir = os.scandir

    def denied(path: Any = ".") -> Any:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", denied)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "locked"]) == 2
    assert "cannot read " + str(tmp_path / "locked") + ": Permission denied" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["check", "leaky"], ["config", "leaky"], ["graph", "leaky"], ["rules"]])
def test_a_full_disk_is_one_line_and_exit_2(command: list[str]) -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "composelint", *command],
            cwd=Path(__file__).resolve().parent.parent / "examples",
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert result.stderr == "composelint: error: cannot write the output: No space left on device\n"


def test_ctrl_c_on_a_parallel_run_is_one_line_and_exit_130(tmp_path: Path) -> None:
    service = '  s{0}:\n    image: postgres:16\n    ports: ["{1}:5432"]\n'
    for i in range(600):
        (tmp_path / f"p{i}").mkdir()
        (tmp_path / f"p{i}" / "compose.yaml").write_text(
            "services:\n" + "".join(service.format(j, 5000 + j) for j in range(40))
        )
    process = subprocess.Popen(
        [sys.executable, "-m", "composelint", "check", "--jobs", "2", "."],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    time.sleep(1.5)
    os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole process group
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err == "composelint: interrupted\n"


def test_a_baseline_run_says_how_many_findings_it_hid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "compose.yaml").write_text(
        'services:\n  db:\n    image: postgres:16\n    ports: ["5432:5432"]\n'
    )
    monkeypatch.chdir(tmp_path)
    main(["check", "--write-baseline", "known.json"])
    capsys.readouterr()
    main(["check", "--baseline", "known.json"])
    assert capsys.readouterr().err.startswith("composelint: the baseline known.json hid ")


def test_checking_a_file_without_a_data_service_imports_no_graph_library(tmp_path: Path) -> None:
    # What keeps a pre-commit run on such a file fast: no project graph, so no networkx; and none
    # of the modules that cost start-up time without being needed to lint.
    (tmp_path / "compose.yaml").write_text(
        'services:\n  web:\n    image: nginx:1.27\n    ports: ["8080:80"]\n'
    )
    code = (
        "import sys, contextlib, io\n"
        "from composelint.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['check', 'compose.yaml'])\n"
        "heavy = ('networkx', 'dataclasses', 'inspect', 'importlib.metadata', 'multiprocessing', 'jsonschema', 'pygls', 'lsprotocol')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert result.stdout.strip() == "[]"


def test_an_excluded_file_named_with_others_says_it_is_not_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "compose.yaml").write_text("services:\n  a:\n    image: x:1\n")
    (tmp_path / "compose.yaml").write_text("services:\n  b:\n    image: y:1\n")
    (tmp_path / ".composelint.yaml").write_text("exclude: ['vendor/**']\n")
    monkeypatch.chdir(tmp_path)
    main(["check", "--format", "json", "compose.yaml", "vendor/compose.yaml"])
    out, err = capsys.readouterr()
    assert (
        err == "composelint: vendor/compose.yaml is excluded by the configuration's `exclude`; not checked\n"
    )
    assert json.loads(out)["summary"]["files"] == 1


def test_the_report_says_when_a_base_was_merged_and_counts_every_file_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "docker-compose.yaml").write_text(
        "include: [db.yaml]\nservices:\n  web:\n    image: nginx:1.27\n"
    )
    (tmp_path / "db.yaml").write_text("services:\n  cache:\n    image: redis:7.4\n")
    (tmp_path / "docker-compose.prod.yml").write_text("services:\n  web:\n    restart: always\n")
    (tmp_path / "docker-compose-v3.yaml").write_text("services:\n  app:\n    image: example/app:3.0\n")
    # An alternate that stands alone: itself only, no note.
    _, out, _ = run(tmp_path, "check", "docker-compose-v3.yaml", monkeypatch=monkeypatch, capsys=capsys)
    assert "note:" not in out and "(1 file checked)" in out
    # A variant that needs its base: said, and the base and its included file are counted.
    _, out, _ = run(tmp_path, "check", "docker-compose.prod.yml", monkeypatch=monkeypatch, capsys=capsys)
    assert (
        "note: docker-compose.prod.yml does not stand alone (service web has no image or build): checked on "
        "top of docker-compose.yaml\n" in out
    )
    assert "(3 files checked)" in out
