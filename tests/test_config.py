"""Configuration files: discovery, every key, validation errors with file and line, precedence."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from composelint.cli import main

# CL202 (error) at line 4 and CL302 (warning) at line 5.
COMPOSE = (
    "services:\n"
    "  db:\n"
    "    image: postgres:16\n"
    "    ports: ['5432:5432']\n"
    "    volumes: ['pgdata:/var/lib/postgresql/data']\n"
    "volumes:\n"
    "  pgdata: {}\n"
)


def findings(
    cwd: Path, *args: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[dict[str, object]]]:
    monkeypatch.chdir(cwd)
    code = main(["check", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)["findings"]


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "composelint", *args], cwd=cwd, capture_output=True, text=True
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "compose.yaml").write_text(COMPOSE)
    return tmp_path


def rules_of(found: list[dict[str, object]]) -> set[object]:
    return {f["rule"] for f in found}


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (".composelint.yaml", "ignore: [exposed-database]\n"),
        (".composelint.yml", "ignore:\n  - CL202\n"),
        (".composelint.toml", 'ignore = ["CL202"]\n'),
        ("pyproject.toml", '[project]\nname = "x"\n\n[tool.composelint]\nignore = ["CL2"]\n'),
    ],
)
def test_found_by_walking_up_from_the_linted_file(
    repo: Path, name: str, text: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert rules_of(findings(repo, "app", monkeypatch=monkeypatch, capsys=capsys)[1]) == {"CL202", "CL302"}
    (repo / name).write_text(text)
    assert rules_of(findings(repo, "app", monkeypatch=monkeypatch, capsys=capsys)[1]) == {"CL302"}
    assert rules_of(findings(repo / "app", monkeypatch=monkeypatch, capsys=capsys)[1]) == {"CL302"}


def test_nearest_file_wins_and_the_search_stops_at_the_repository_root(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo.parent / ".composelint.yaml").write_text("ignore: [CL302]\n")  # above the repository: never read
    (repo / ".composelint.yaml").write_text("ignore: [CL202]\n")
    (repo / "app" / "pyproject.toml").write_text('[project]\nname = "no tool table"\n')  # skipped
    assert rules_of(findings(repo, "app", monkeypatch=monkeypatch, capsys=capsys)[1]) == {"CL302"}
    (repo / "app" / ".composelint.toml").write_text('ignore = ["CL302"]\n')
    assert rules_of(findings(repo, "app/compose.yaml", monkeypatch=monkeypatch, capsys=capsys)[1]) == {
        "CL202"
    }
    # --config names the file to use instead.
    (repo / "other.toml").write_text('select = ["CL302"]\n')
    assert rules_of(
        findings(repo, "app", "--config", "other.toml", monkeypatch=monkeypatch, capsys=capsys)[1]
    ) == {"CL302"}


def test_command_line_precedence(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / ".composelint.yaml").write_text("select: [CL202]\nignore: [CL302]\nfail-level: error\n")
    code, found = findings(repo, "app", monkeypatch=monkeypatch, capsys=capsys)
    assert rules_of(found) == {"CL202"} and code == 1
    # --select starts a new selection: the file's select and ignore no longer apply.
    assert rules_of(
        findings(repo, "app", "--select", "CL302", monkeypatch=monkeypatch, capsys=capsys)[1]
    ) == {"CL302"}
    # --ignore adds to the file's; --fail-level replaces it.
    code, found = findings(repo, "app", "--ignore", "CL202", monkeypatch=monkeypatch, capsys=capsys)
    assert found == [] and code == 0
    (repo / ".composelint.yaml").write_text("ignore: [CL202]\nfail-level: error\n")
    assert findings(repo, "app", monkeypatch=monkeypatch, capsys=capsys)[0] == 0  # only a warning left
    assert findings(repo, "app", "--fail-level", "warning", monkeypatch=monkeypatch, capsys=capsys)[0] == 1


def test_severity_overrides_by_id_name_and_prefix(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / ".composelint.toml").write_text('[severity]\nCL3 = "error"\nexposed-database = "info"\n')
    code, found = findings(repo, "app", monkeypatch=monkeypatch, capsys=capsys)
    assert {(f["rule"], f["severity"]) for f in found} == {("CL202", "info"), ("CL302", "error")}
    assert code == 1
    (repo / ".composelint.toml").write_text('[severity]\nCL3 = "info"\nCL202 = "warning"\n')
    assert findings(repo, "app", "--fail-level", "error", monkeypatch=monkeypatch, capsys=capsys)[0] == 0


def test_per_file_ignores_and_exclude(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "legacy").mkdir()
    (repo / "legacy" / "compose.yaml").write_text(COMPOSE)
    (repo / ".composelint.yaml").write_text(
        "per-file-ignores:\n  'legacy/**': [CL302]\n  'compose.yaml': [exposed-database]\n"
    )
    found = findings(repo, ".", monkeypatch=monkeypatch, capsys=capsys)[1]
    assert {(f["path"], f["rule"]) for f in found} == {("app/compose.yaml", "CL302")}
    # Globs are relative to the configuration file, wherever the run starts.
    found = findings(
        repo / "legacy", "--config", "../.composelint.yaml", monkeypatch=monkeypatch, capsys=capsys
    )[1]
    assert found == []
    (repo / ".composelint.yaml").write_text("exclude: ['legacy']\n")
    found = findings(repo, ".", monkeypatch=monkeypatch, capsys=capsys)[1]
    assert {f["path"] for f in found} == {"app/compose.yaml"}


def test_rule_options_and_project_policies(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "app" / "compose.yaml").write_text(
        "services:\n"
        "  web:\n"
        "    image: example/shop:1.0\n"
        "    profiles: [live]\n"
        "    volumes: ['/srv/shop-conf:/etc/shop', 'shopdata:/srv/data']\n"
        "volumes:\n"
        "  shopdata: {}\n"
    )
    assert findings(repo, "app", "--select", "CL301,CL302", monkeypatch=monkeypatch, capsys=capsys)[1] == []
    (repo / ".composelint.yaml").write_text(
        "select: [CL301, CL302]\nproduction-profiles: [live]\ncritical-volumes: [shopdata]\n"
    )
    assert rules_of(findings(repo, "app", monkeypatch=monkeypatch, capsys=capsys)[1]) == {"CL301", "CL302"}
    (repo / ".composelint.yaml").write_text(
        "select: [CL301, CL302]\nproduction-profiles: [live]\ncritical-volumes: [shopdata]\n"
        "options:\n  bind-mount-in-production:\n    allowed: [/srv/shop-conf]\n"
    )
    assert rules_of(findings(repo, "app", monkeypatch=monkeypatch, capsys=capsys)[1]) == {"CL302"}


def test_data_images_mark_custom_images_as_databases(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "app" / "compose.yaml").write_text(
        "services:\n  ledger:\n    image: acme/ledgerdb:3\n    ports: ['7000:7000']\n"
    )
    assert findings(repo, "app", "--select", "CL202", monkeypatch=monkeypatch, capsys=capsys)[1] == []
    (repo / ".composelint.toml").write_text('data-images = ["acme/ledger*"]\n')
    assert rules_of(
        findings(repo, "app", "--select", "CL202", monkeypatch=monkeypatch, capsys=capsys)[1]
    ) == {"CL202"}


def test_isolation_policy(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "app" / "compose.yaml").write_text(
        "services:\n  db:\n    image: postgres:16\n  api:\n    image: example/api:1\n    depends_on: [db]\n"
        "  admin:\n    image: example/admin:1\n    depends_on: [db]\n"
    )
    (repo / ".composelint.yaml").write_text("select: [CL201]\nisolation:\n  db: [api]\n")
    found = findings(repo, "app", monkeypatch=monkeypatch, capsys=capsys)[1]
    assert rules_of(found) == {"CL201"} and all("admin" in str(f["message"]) for f in found)
    (repo / ".composelint.yaml").write_text("select: [CL201]\nisolation:\n  db: [api, admin]\n")
    assert findings(repo, "app", monkeypatch=monkeypatch, capsys=capsys)[1] == []


def test_limits(repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".composelint.toml").write_text("[limits]\nmax-file-bytes = 20\n")
    found = findings(repo, "app", monkeypatch=monkeypatch, capsys=capsys)[1]
    assert rules_of(found) == {"CL117"} and "max-file-bytes" in str(found[0]["message"])


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            ".composelint.yaml",
            "select: [CL202]\nextend_select: [CL3]\n",
            ".composelint.yaml:2: unknown configuration key 'extend_select' (did you mean 'extend-select'?)",
        ),
        (
            ".composelint.yaml",
            "select:\n  - CL202\n  - exposed-databse\n",
            ".composelint.yaml:3: unknown rule 'exposed-databse' (did you mean 'exposed-database'?)",
        ),
        (
            ".composelint.toml",
            'fail-level = "warning"\nignore = [\n  "CL202",\n  "CL9",\n]\n',
            ".composelint.toml:4: unknown rule 'CL9'",
        ),
        (
            "pyproject.toml",
            '[tool.other]\nx = 1\n\n[tool.composelint]\nselect = ["CL2"]\n\n[tool.composelint.severity]\nexposed-database = "fatal"\n',
            "pyproject.toml:8: `exposed-database`: unknown severity 'fatal'",
        ),
        (
            ".composelint.toml",
            '[options.bind-mount-in-production]\nallow = ["./x"]\n',
            ".composelint.toml:2: rule CL301 [bind-mount-in-production] has no option 'allow' (did you mean 'allowed'?)",
        ),
        (
            ".composelint.toml",
            '[options.CL301]\nallowed = "./x"\n',
            ".composelint.toml:2: option `allowed` must be a list",
        ),
        (
            ".composelint.toml",
            '[options.container-name-pattern]\npattern = "([a-z"\n',
            ".composelint.toml:2: option `pattern` of rule CL610 [container-name-pattern] is not a valid "
            "regular expression",
        ),
        (
            ".composelint.yaml",
            "per-file-ignores:\n  'a/*': [CL302]\n  'b/*': [CL3O2]\n",
            ".composelint.yaml:3: unknown rule 'CL3O2' (did you mean 'CL302'?)",
        ),
        (
            ".composelint.yaml",
            "limits:\n  max-nodes: 10\n  max-depht: 3\n",
            ".composelint.yaml:3: unknown limit 'max-depht' (did you mean 'max-depth'?)",
        ),
        (
            ".composelint.yaml",
            "limits: {max-files: -1}\n",
            ".composelint.yaml:1: limit `max-files` must be a positive integer",
        ),
        (".composelint.yaml", "select: [CL202\n", ".composelint.yaml:2:1: invalid configuration"),
        (".composelint.toml", "select = [\n", ".composelint.toml:1: invalid TOML: Invalid value"),
        (".composelint.toml", 'fail-level = "error"\n[rules\nx = 1\n', ".composelint.toml:2: invalid TOML"),
        ("pyproject.toml", '[tool.composelint\nselect = ["CL2"]\n', "pyproject.toml:1: invalid TOML"),
    ],
)
def test_invalid_configuration_is_exit_2_with_file_and_line(
    repo: Path, name: str, text: str, expected: str
) -> None:
    (repo / name).write_text(text)
    result = cli(repo, "check", "app")
    assert result.returncode == 2, result.stdout
    assert result.stderr.startswith(f"composelint: error: {repo / name}")
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_missing_config_file_and_pyproject_without_table(repo: Path) -> None:
    result = cli(repo, "check", "app", "--config", "nope.toml")
    assert result.returncode == 2 and "--config nope.toml: no such file" in result.stderr
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n')
    result = cli(repo, "check", "app", "--config", "pyproject.toml")
    assert result.returncode == 2 and "no [tool.composelint] table" in result.stderr


def test_show_settings(repo: Path) -> None:
    (repo / ".composelint.toml").write_text(
        'ignore = ["CL2"]\nfail-level = "error"\n[severity]\nCL302 = "info"\n'
    )
    result = cli(repo, "check", "app", "--show-settings", "--extend-select", "CL301")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"# configuration: {repo / '.composelint.toml'}"
    document = yaml.safe_load(result.stdout)
    assert document["ignore"] == ["CL2"] and document["extend-select"] == ["CL301"]
    assert document["fail-level"] == "error" and document["severity"] == {"CL302": "info"}
    assert (
        "#   CL302 non-external-critical-volume (info)" in lines
        and "#   CL301 bind-mount-in-production (warning)" in lines
    )
    assert not any(line.startswith("#   CL2") for line in lines)


def test_pyproject_is_read_as_toml_not_searched_for_a_header(repo: Path) -> None:
    # The header inside a multi-line string is no table: the defaults apply.
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndescription = """\n[tool.composelint]\nfail-level = "info"\n"""\n'
    )
    result = cli(repo, "check", "--show-settings", "app")
    assert result.returncode == 0, result.stderr
    assert "configuration: none found" in result.stdout


def test_limits_above_their_ceiling_are_lowered_and_said(repo: Path) -> None:
    (repo / ".composelint.yaml").write_text("limits:\n  max-files: 20\n  max-nodes: 99999999999\n")
    result = cli(repo, "check", "app")
    assert result.returncode in (0, 1), result.stderr
    assert result.stderr == (
        f"composelint: warning: {repo / '.composelint.yaml'}:3: limits.max-nodes 99,999,999,999 is above the "
        "ceiling; 5,000,000 is used\n"
    )


def test_every_mistake_of_a_configuration_file_is_reported_in_one_run(repo: Path) -> None:
    (repo / ".composelint.yaml").write_text(
        "fail-level: [error]\nselct: [CL2]\nignore: [CL9999]\nlimits: {max-nodes: yes}\n"
    )
    result = cli(repo, "check", "app")
    assert result.returncode == 2
    path = repo / ".composelint.yaml"
    assert result.stderr.splitlines() == [
        f'composelint: error: {path}:1: `fail-level` must be one of error, warning, info, not ["error"]',
        f"composelint: error: {path}:2: unknown configuration key 'selct' (did you mean 'select'?)",
        f"composelint: error: {path}:3: unknown rule 'CL9999'",
        f'composelint: error: {path}:4: limit `max-nodes` must be a positive integer, not "yes"',
    ]


def test_show_settings_prints_yaml_that_works_as_a_configuration(repo: Path) -> None:
    (repo / ".composelint.yaml").write_text(
        "fail-level: error\nignore: [CL204]\nseverity: {network-isolation: error}\nlimits: {max-files: 50}\n"
    )
    shown = cli(repo, "check", "--show-settings", "app")
    assert shown.returncode == 0, shown.stderr
    assert "None" not in shown.stdout and "'" not in shown.stdout.split("# enabled rules")[0]
    document = yaml.safe_load(shown.stdout)
    assert document["fail-level"] == "error" and document["limits"]["max-files"] == 50
    # Pasted back as a configuration, it gives the same settings.
    (repo / ".composelint.yaml").write_text(shown.stdout)
    again = cli(repo, "check", "--show-settings", "app")
    assert again.stdout.splitlines()[1:] == shown.stdout.splitlines()[1:]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ["check", "--jobs", "0", "app"],
            "argument --jobs/-j: 0 is not a number of processes: give 1 or more",
        ),
        (["check", "-j", "-2", "app"], "argument --jobs/-j: -2 is not a number of processes"),
        (
            ["check", "--project-directory", "nowhere", "app"],
            "--project-directory nowhere: no such directory",
        ),
        (["check", "--config", "app", "app"], "--config app is a directory: name a configuration file in it"),
        (["rule", "CL2"], "'CL2' names 14 rules (CL201, CL202"),
    ],
)
def test_bad_command_line_values_get_clear_errors(repo: Path, args: list[str], says: str) -> None:
    result = cli(repo, *args)
    assert result.returncode == 2
    assert says in result.stderr and len(result.stderr.splitlines()) == 1, result.stderr
