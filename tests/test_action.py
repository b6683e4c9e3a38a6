"""The GitHub Action: `action.yml` parsed, and its shell steps run here as a runner would run them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.test_packaging import copy_checkout

ROOT = Path(__file__).resolve().parent.parent
ACTION: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text())
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]
REPOSITORY, SHA = "acme/shop", "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def test_inputs_are_the_documented_ones_with_their_defaults() -> None:
    defaults = {name: spec.get("default") for name, spec in ACTION["inputs"].items()}
    assert defaults == {
        "path": ".",
        "config": "",
        "fail-level": "",
        "format": "github",
        "sarif-file": "",
        "upload-sarif": "false",
        "python-version": "3.12",
    }
    assert all(spec["description"] for spec in ACTION["inputs"].values())
    assert set(ACTION["outputs"]) == {"exit-code", "sarif-file"}


def test_steps_install_into_an_isolated_environment_and_upload_sarif_on_request() -> None:
    assert ACTION["runs"]["using"] == "composite"
    setup = STEPS[0]
    assert setup["uses"].startswith("actions/setup-python@")
    assert setup["with"]["update-environment"] is False  # the job's own Python stays first on PATH
    (upload,) = [s for s in STEPS if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@")]
    assert upload["with"]["sarif_file"] == "${{ steps.lint.outputs.sarif-file }}"
    for step in STEPS:
        if "run" in step:
            assert step["shell"] == "bash"
            # Inputs reach scripts through env only: never spliced into the script text.
            assert not EXPRESSION.search(step["run"]), step["name"]


# --- A local runner for the composite action ---------------------------------------------------------


@dataclass
class Run:
    """What a run of the action did: step outputs, logs, the job summary, the actions it would call."""

    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    stdout: dict[str, str] = field(default_factory=dict)
    stderr: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    called: dict[str, dict[str, str]] = field(default_factory=dict)  # `uses:` steps and their `with`
    failed_step: str | None = None
    exit_code: int = 0


def evaluate(expression: str, inputs: Mapping[str, str], outputs: Mapping[str, Mapping[str, str]]) -> str:
    if match := re.fullmatch(r"inputs\.([\w-]+)", expression):
        return inputs[match[1]]
    if match := re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression):
        return outputs.get(match[1], {}).get(match[2], "")
    raise AssertionError(f"this runner cannot evaluate {expression!r}")


def substitute(text: str, inputs: Mapping[str, str], outputs: Mapping[str, Mapping[str, str]]) -> str:
    return EXPRESSION.sub(lambda m: evaluate(m[1], inputs, outputs), text)


def condition_holds(
    condition: str, inputs: Mapping[str, str], outputs: Mapping[str, Mapping[str, str]]
) -> bool:
    """`a == 'x' && b != ''`: the only shape of `if:` this action uses."""
    for clause in condition.split("&&"):
        match = re.fullmatch(r"\s*([\w.-]+)\s*(==|!=)\s*'([^']*)'\s*", clause)
        assert match, f"this runner cannot evaluate the condition {condition!r}"
        equal = evaluate(match[1], inputs, outputs) == match[3]
        if equal != (match[2] == "=="):
            return False
    return True


def parse_outputs(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if line)


def run_action(
    with_: Mapping[str, str],
    *,
    workspace: Path,
    temp: Path,
    action_path: Path,
    done: Run | None = None,
) -> Run:
    """Run the steps as GitHub does (`bash --noprofile --norc -eo pipefail`), after those in ``done``."""
    inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    unknown = set(with_) - set(inputs)
    assert not unknown, f"not inputs of the action: {unknown}"
    inputs.update(with_)
    result = Run(outputs=dict(done.outputs) if done else {})
    for step in STEPS:
        step_id = step["id"]
        if step_id in result.outputs:
            continue
        if "if" in step:
            if not condition_holds(step["if"], inputs, result.outputs):
                continue
        elif result.failed_step:
            continue  # the default condition, success()
        if "uses" in step:
            result.called[step["uses"].split("@")[0]] = {
                key: substitute(str(value), inputs, result.outputs)
                for key, value in step.get("with", {}).items()
            }
            # setup-python's output: an interpreter to create composelint's environment from.
            result.outputs[step_id] = {"python-path": sys.executable} if step_id == "python" else {}
            continue
        files = {name: temp / f"{name}-{step_id}" for name in ("script", "output", "summary")}
        for path in files.values():
            path.write_text("")
        files["script"].write_text(step["run"])
        env = {
            **os.environ,
            "GITHUB_ACTIONS": "true",
            "CI": "true",
            "GITHUB_ACTION_PATH": str(action_path),
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_OUTPUT": str(files["output"]),
            "GITHUB_STEP_SUMMARY": str(files["summary"]),
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_REPOSITORY": REPOSITORY,
            "GITHUB_SHA": SHA,
            "RUNNER_TEMP": str(temp),
            **{
                key: substitute(str(value), inputs, result.outputs)
                for key, value in step.get("env", {}).items()
            },
        }
        done_step = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(files["script"])],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        result.stdout[step_id], result.stderr[step_id] = done_step.stdout, done_step.stderr
        result.outputs[step_id] = parse_outputs(files["output"].read_text())
        result.summary += files["summary"].read_text()
        if done_step.returncode != 0:
            result.failed_step, result.exit_code = step_id, done_step.returncode
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path]:
    """The setup and install steps, once: the action's checkout installed into its own environment."""
    action_path = copy_checkout(tmp_path_factory.mktemp("action"))
    temp = tmp_path_factory.mktemp("runner-temp")
    workspace = tmp_path_factory.mktemp("empty-workspace")
    first_steps = {"python", "install"}
    done = Run(outputs={s["id"]: {} for s in STEPS if s.get("id") not in first_steps})
    ran = run_action({}, workspace=workspace, temp=temp, action_path=action_path, done=done)
    assert ran.failed_step is None, ran.stderr
    composelint = Path(ran.outputs["install"]["composelint"])
    assert composelint.is_file() and str(composelint).startswith(str(temp))
    return Run(outputs={step: ran.outputs[step] for step in first_steps}), action_path


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A repository with a leaky project (the README's example) and a clean one."""
    root = tmp_path / "workspace"
    (root / ".git").mkdir(parents=True)
    (root / "shop").mkdir()
    shutil.copy(ROOT / "examples" / "leaky" / "compose.yaml", root / "shop" / "compose.yaml")
    shutil.copytree(ROOT / "examples" / "override", root / "clean")
    return root


def lint(installed: tuple[Run, Path], workspace: Path, tmp_path: Path, **with_: str) -> Run:
    done, action_path = installed
    temp = tmp_path / "temp"
    temp.mkdir(parents=True)
    return run_action(with_, workspace=workspace, temp=temp, action_path=action_path, done=done)


@pytest.mark.slow
def test_findings_become_annotations_a_summary_table_sarif_and_a_failed_step(
    installed: tuple[Run, Path], workspace: Path, tmp_path: Path
) -> None:
    ran = lint(installed, workspace, tmp_path, **{"upload-sarif": "true"})
    assert (ran.failed_step, ran.exit_code) == ("outcome", 1)
    assert ran.outputs["lint"]["exit-code"] == "1"

    annotations = [line for line in ran.stdout["lint"].splitlines() if line.startswith("::")]
    assert (
        "::error file=shop/compose.yaml,line=23,col=9,endLine=23,endColumn=20,title=CL202 exposed-database::"
        "postgres service db publishes port 5432/tcp on all interfaces"
    ) in "\n".join(annotations)
    assert any(a.startswith("::warning file=shop/compose.yaml,line=33,col=3,") for a in annotations)
    assert not any("clean/" in a for a in annotations)

    sarif_path = Path(ran.outputs["lint"]["sarif-file"])
    assert sarif_path.parent == tmp_path / "temp"
    sarif = json.loads(sarif_path.read_text())
    assert sarif["version"] == "2.1.0"
    located = {
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
        for r in sarif["runs"][0]["results"]
    }
    assert ("CL202", "shop/compose.yaml") in located
    assert ran.called["github/codeql-action/upload-sarif"] == {
        "sarif_file": str(sarif_path),
        "category": "composelint",
    }

    assert ran.summary.startswith("### composelint\n")
    assert "the check fails at fail level warning" in ran.summary
    assert "| severity | rule | location | message |" in ran.summary
    link = f"https://github.com/{REPOSITORY}/blob/{SHA}/shop/compose.yaml#L23"
    assert (
        f"| error | CL202 `exposed-database` | [shop/compose.yaml:23:9]({link}) | postgres service db"
        in ran.summary
    )
    table = ran.summary.split("|---|---|---|---|\n", 1)[1].split("\n\n", 1)[0]
    severities = [row.split(" | ")[0] for row in table.splitlines()]  # the rows after the header
    assert severities == sorted(severities, key=["| error", "| warning", "| info"].index)  # worst first


@pytest.mark.slow
def test_a_clean_project_passes_with_the_report_format_and_sarif_file_chosen(
    installed: tuple[Run, Path], workspace: Path, tmp_path: Path
) -> None:
    ran = lint(
        installed, workspace, tmp_path, path="clean", format="text", **{"sarif-file": "composelint.sarif"}
    )
    assert (ran.failed_step, ran.outputs["lint"]["exit-code"]) == (None, "0")
    assert not any(line.startswith("::") for line in ran.stdout["lint"].splitlines())
    assert "2 files checked" in ran.stdout["lint"]  # the text report: compose.yaml and its override
    sarif = json.loads((workspace / "composelint.sarif").read_text())
    assert all(r["level"] == "note" for r in sarif["runs"][0]["results"])
    assert "github/codeql-action/upload-sarif" not in ran.called  # upload-sarif is off by default
    assert "2 files checked" in ran.summary


@pytest.mark.slow
def test_paths_config_and_fail_level_reach_composelint(
    installed: tuple[Run, Path], workspace: Path, tmp_path: Path
) -> None:
    (workspace / "lint.yaml").write_text("ignore: [duplicate-host-port]\n")
    ran = lint(
        installed, workspace, tmp_path, path="shop\nclean", config="lint.yaml", **{"fail-level": "error"}
    )
    assert ran.outputs["lint"]["exit-code"] == "1"  # CL202 is still an error
    assert "CL203" not in ran.stdout["lint"] and "CL203" not in ran.summary
    assert "the check fails at fail level error" in ran.summary

    (workspace / "lint.yaml").write_text("ignore: [duplicate-host-port, exposed-database]\n")
    ran = lint(
        installed,
        workspace,
        tmp_path / "again",
        path="shop\nclean",
        config="lint.yaml",
        **{"fail-level": "error"},
    )
    assert (ran.failed_step, ran.outputs["lint"]["exit-code"]) == (None, "0")
    assert "the check passes at fail level error" in ran.summary
    assert "| warning | CL302 `non-external-critical-volume` |" in ran.summary


@pytest.mark.slow
def test_a_configuration_error_fails_the_step_with_exit_code_2_and_uploads_nothing(
    installed: tuple[Run, Path], workspace: Path, tmp_path: Path
) -> None:
    ran = lint(installed, workspace, tmp_path, config="missing.yaml", **{"upload-sarif": "true"})
    assert ran.exit_code == 2 and ran.outputs["lint"]["exit-code"] == "2"
    assert "composelint: error: --config missing.yaml: no such file" in ran.stderr["lint"]
    assert "could not lint the project (exit code 2)" in ran.summary
    assert "sarif-file" not in ran.outputs["lint"]
    assert "github/codeql-action/upload-sarif" not in ran.called


@pytest.mark.slow
def test_a_long_summary_shows_the_worst_findings_and_counts_the_rest(
    installed: tuple[Run, Path], workspace: Path, tmp_path: Path
) -> None:
    services = "".join(
        f"  db{n}:\n    image: postgres:16.4\n    ports: ['{5000 + n}:5432']\n" for n in range(60)
    )
    (workspace / "big").mkdir()
    (workspace / "big" / "compose.yaml").write_text(f"name: big\nservices:\n{services}")
    ran = lint(installed, workspace, tmp_path, path="big")
    total = len(json.loads(Path(ran.outputs["lint"]["report"]).read_text())["findings"])
    rows = [line for line in ran.summary.splitlines() if line.startswith("| ") and "CL" in line]
    assert len(rows) == 50 and all(row.startswith("| error | CL202 ") for row in rows)
    assert f"\n{total - 50} more findings are in the log and the annotations.\n" in ran.summary


def test_third_party_actions_are_pinned_by_commit() -> None:
    text = (ROOT / "action.yml").read_text()
    uses = re.findall(r"^\s*uses: (\S+)(.*)$", text, re.MULTILINE)
    assert uses
    for reference, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", reference), reference
        assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), f"{reference}: name the tag in a comment"


def test_composelint_runs_once_per_action_run() -> None:
    (lint_step,) = [s for s in STEPS if s.get("id") == "lint"]
    assert lint_step["run"].count('"$COMPOSELINT" check') == 1


@pytest.mark.slow
def test_the_summary_shows_hostile_paths_and_messages_as_text(
    installed: tuple[Run, Path], workspace: Path, tmp_path: Path
) -> None:
    hostile = workspace / "a|b\n## <img src=x onerror=alert(1)> [x](javascript:y)"
    hostile.mkdir()
    (hostile / "compose.yaml").write_text(
        'services:\n  "db\\e[2K\\e[1G\\e[32mALL CLEAN | x":\n    image: postgres:16\n    ports: ["5432:5432"]\n'
    )
    ran = lint(installed, workspace, tmp_path)
    rows = [line for line in ran.summary.splitlines() if line.startswith("| error | CL202") and "ALL" in line]
    assert len(rows) == 1, ran.summary
    (row,) = rows
    assert row.count(" | ") == 3  # four cells: no `|` of the path or the name split the row
    assert "<img" not in row and "&lt;img" in row
    assert "\x1b" not in ran.summary and "\\u001b" in row
    assert "\n## " not in ran.summary
    # The log's annotations carry the file exactly (encoded) and the message without raw escapes.
    annotations = [line for line in ran.stdout["lint"].splitlines() if line.startswith("::error")]
    assert annotations and all("\x1b" not in line for line in annotations)


@pytest.mark.slow
def test_the_summary_draws_the_topology_of_projects_with_findings(
    installed: tuple[Run, Path], workspace: Path, tmp_path: Path
) -> None:
    ran = lint(installed, workspace, tmp_path)
    assert "#### Topology of shop\n\n```mermaid\nflowchart LR\n" in ran.summary
    graph = ran.summary.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert "subgraph net_backend" in graph and "style svc_db stroke:#d00" in graph  # findings marked
    assert "Topology of clean" not in ran.summary  # no findings there: not drawn
