"""SARIF output checked by Microsoft's SARIF validator and by the SARIF 2.1.0 JSON schema.

Both come from the npm package ``@microsoft/sarif-multitool`` (its platform package ships the
validator binary and ``sarif-2.1.0.json``), installed here as CI installs it: ``npm install`` into
pytest's cache directory (``.pytest_cache``, ignored by git), or a temporary directory without it.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from composelint.cli import main
from composelint.docs import rule_page
from composelint.registry import Registry

MULTITOOL = "@microsoft/sarif-multitool@5.7.0"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def multitool(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        pytest.skip("node and npm are needed to install the SARIF validator")
    cache = getattr(request.config, "cache", None)
    prefix = (
        cache.mkdir("sarif-multitool") if cache is not None else tmp_path_factory.mktemp("sarif-multitool")
    )
    locate = [node, "-p", "require('@microsoft/sarif-multitool')"]
    found = subprocess.run(locate, cwd=prefix, capture_output=True, text=True)
    if found.returncode != 0:
        install = [
            npm,
            "install",
            "--prefix",
            str(prefix),
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            MULTITOOL,
        ]
        subprocess.run(install, check=True, timeout=900, capture_output=True)
        found = subprocess.run(locate, cwd=prefix, capture_output=True, text=True, check=True)
    binary = Path(found.stdout.strip())
    # The package's postinstall only sets this bit, and npm may not run install scripts.
    binary.chmod(binary.stat().st_mode | stat.S_IXUSR)
    return binary


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


PROJECTS: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {
    # An error (security rule, with a security-severity) and a warning, in a path that URIs must encode.
    "exposed db": (
        {
            "data 100%/compose.yaml": "services:\n  bäse:\n    image: postgres:16\n    ports: ['5432:5432']\n"
            "    volumes: ['pg:/var/lib/postgresql/data']\nvolumes:\n  pg: {}\n"
        },
        (),
    ),
    # An info (a severity override) and an error in an env file, which is no YAML.
    "names": (
        {
            ".composelint.yaml": "severity:\n  duplicate-container-name: info\n",
            "compose.yaml": "services:\n  a:\n    image: nginx:1.27\n    container_name: web\n    env_file: a.env\n"
            "  b:\n    image: nginx:1.27\n    container_name: web\n",
            "a.env": "OK=1\nBROKEN='x\n",
        },
        (),
    ),
    # A file that does not parse, and an unused suppression (a rule outside the registry's list).
    "broken": (
        {
            "compose.yaml": "services:\n  web:\n    image: nginx:1.27  # composelint: disable=CL202\n",
            "more/compose.yaml": "services:\n  web: [\n",
        },
        ("--report-unused-suppressions",),
    ),
}


def sarif_logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    logs = []
    for name, (files, args) in PROJECTS.items():
        root = write(tmp_path / name, files)
        monkeypatch.chdir(root)
        log = tmp_path / f"{name}.sarif"
        assert main(["check", ".", "--format", "sarif", "--output", str(log), *args]) == 1
        logs.append(log)
    corpus = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "awesome-compose"
    if corpus.is_dir():
        monkeypatch.chdir(corpus)
        log = tmp_path / "awesome-compose.sarif"
        main(["check", ".", "--format", "sarif", "--output", str(log)])
        logs.append(log)
    return logs


def test_sarif_passes_the_validator_and_the_schema(
    multitool: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logs = sarif_logs(tmp_path, monkeypatch)
    documents = [json.loads(log.read_text(encoding="utf-8")) for log in logs]

    schema = json.loads((multitool.parent / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    for log, document in zip(logs, documents, strict=True):
        assert [e.message for e in validator.iter_errors(document)] == [], log.name

    report = tmp_path / "validation.sarif"
    run = subprocess.run(
        [str(multitool), "validate", *map(str, logs), "--output", str(report), "--log", "ForceOverwrite"],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "DOTNET_CLI_TELEMETRY_OPTOUT": "1"},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    problems = [
        (r.get("level", "warning"), r["ruleId"], r["message"])
        for r in json.loads(report.read_text(encoding="utf-8"))["runs"][0].get("results", [])
        if r.get("level", "warning") in ("error", "warning")
    ]
    assert problems == [], run.stdout

    # What GitHub code scanning relies on.
    levels = {r["level"] for d in documents for r in d["runs"][0]["results"]}
    assert levels == {"error", "warning", "note"}
    for document in documents:
        run_ = document["runs"][0]
        rules = run_["tool"]["driver"]["rules"]
        for result in run_["results"]:
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
            assert set(result["partialFingerprints"]) == {"composelint/v1"}
            region = result["locations"][0]["physicalLocation"]["region"]
            assert region["startLine"] >= 1 and region["startColumn"] >= 1


def test_sarif_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    logs = sarif_logs(tmp_path, monkeypatch)
    document: dict[str, Any] = json.loads(logs[0].read_text(encoding="utf-8"))
    run = document["runs"][0]
    assert document["version"] == "2.1.0" and run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == (tmp_path / "exposed db").as_uri() + "/"
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    registry = Registry.default()
    assert set(rules) == {r.id for r in registry.rules}
    cl202 = rules["CL202"]
    assert cl202["help"]["markdown"] == rule_page(registry.by_id["CL202"])
    assert cl202["helpUri"].endswith("/rules/CL202-exposed-database.md")
    assert cl202["properties"]["security-severity"] == f"{registry.by_id['CL202'].security_severity:.1f}"
    assert "security" in cl202["properties"]["tags"]
    assert "security-severity" not in rules["CL112"]["properties"]
    exposed = next(r for r in run["results"] if r["ruleId"] == "CL202")
    location = exposed["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "data%20100%25/compose.yaml", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 4, "startColumn": 13, "endLine": 4, "endColumn": 24}
    # The unused suppression's rule is described too, though it is not in the registry's list.
    broken = json.loads(logs[2].read_text(encoding="utf-8"))["runs"][0]
    unused = next(r for r in broken["results"] if r["ruleId"] == "CL119")
    assert broken["tool"]["driver"]["rules"][unused["ruleIndex"]]["name"] == "unused-suppression"
