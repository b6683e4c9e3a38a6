"""Property-based tests: generated compose projects, and invariants that must hold for all of them.

- loading never raises anything but our own error type (it reports, it does not crash);
- `composelint config` output, loaded again, gives the same model;
- every finding points inside the file it names;
- the report is identical across runs and across `--jobs` values.

The budget is fixed (HYPOTHESIS_PROFILE=ci by default in CI: derandomized, bounded examples) so CI
time stays predictable; run `HYPOTHESIS_PROFILE=long pytest tests/test_properties.py` for a deeper search.
"""

from __future__ import annotations

import io
import json
import os
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from composelint.cli import main
from composelint.commands.config import compose_config
from composelint.compose.discovery import ProjectSpec
from composelint.compose.errors import ComposeError
from composelint.compose.loader import LoadOptions, load_project
from composelint.engine import RunOptions, lint
from composelint.project.model import build_project
from composelint.settings import Settings

settings.register_profile(
    "ci", max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("long", max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

NAMES = st.sampled_from(["web", "app", "db", "cache", "proxy", "worker", "api-1", "db_2", "x-svc"])
NETWORKS = st.sampled_from(["front", "back", "data", "default"])
VOLUMES = st.sampled_from(["pgdata", "cache-data", "uploads"])
IMAGES = st.sampled_from(
    [
        "nginx:1.27",
        "postgres:16",
        "redis",
        "redis:latest",
        "example/app:1.0",
        "mysql:8@sha256:" + "a" * 64,
        "traefik",
    ]
)
PROFILES = st.lists(st.sampled_from(["dev", "prod", "debug"]), max_size=2, unique=True)
HOST_IPS = st.sampled_from(["", "127.0.0.1:", "0.0.0.0:", "[::1]:", "[::]:", "192.168.1.10:"])


@st.composite
def port(draw: st.DrawFn) -> Any:
    target = draw(st.integers(1, 65535))
    if draw(st.booleans()):
        entry: dict[str, Any] = {"target": target}
        if draw(st.booleans()):
            entry["published"] = str(draw(st.integers(1, 65535)))
        if draw(st.booleans()):
            entry["host_ip"] = draw(st.sampled_from(["127.0.0.1", "0.0.0.0", "::1"]))
        if draw(st.booleans()):
            entry["protocol"] = draw(st.sampled_from(["tcp", "udp"]))
        return entry
    published = draw(st.one_of(st.none(), st.integers(1, 65535), st.just("${PORT:-8080}")))
    proto = draw(st.sampled_from(["", "/tcp", "/udp"]))
    if published is None:
        return f"{target}{proto}"
    return f"{draw(HOST_IPS)}{published}:{target}{proto}"


@st.composite
def service(draw: st.DrawFn, others: list[str]) -> dict[str, Any]:
    svc: dict[str, Any] = {"image": draw(IMAGES)}
    if draw(st.booleans()):
        svc["ports"] = draw(st.lists(port(), max_size=3))
    if draw(st.booleans()):
        svc["volumes"] = draw(
            st.lists(
                st.one_of(
                    st.builds(
                        lambda v, t: f"{v}:{t}",
                        VOLUMES,
                        st.sampled_from(["/data", "/var/lib/postgresql/data"]),
                    ),
                    st.builds(lambda t: f"./host-dir:{t}:ro", st.sampled_from(["/srv", "/etc/app"])),
                    st.just("/anonymous"),
                ),
                max_size=3,
                unique=True,
            )
        )
    if draw(st.booleans()):
        svc["networks"] = draw(st.lists(NETWORKS, min_size=1, max_size=3, unique=True))
    elif draw(st.integers(0, 9)) == 0:
        svc["network_mode"] = draw(st.sampled_from(["host", "none", "bridge"]))
    if others and draw(st.booleans()):
        svc["depends_on"] = draw(st.lists(st.sampled_from(others), max_size=2, unique=True))
    profiles = draw(PROFILES)
    if profiles:
        svc["profiles"] = profiles
    if draw(st.booleans()):
        svc["environment"] = {"LOG_LEVEL": "info", "DATABASE_URL": "postgres://app@db:5432/app"}
    if draw(st.integers(0, 4)) == 0:
        svc["privileged"] = True
    return svc


@st.composite
def project(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(NAMES, min_size=1, max_size=5, unique=True))
    services = {name: draw(service([n for n in names if n != name])) for name in names}
    used_networks = {n for s in services.values() for n in s.get("networks", []) if n != "default"}
    used_volumes = {
        v.split(":")[0]
        for s in services.values()
        for v in s.get("volumes", [])
        if not v.startswith(("/", "."))
    }
    doc: dict[str, Any] = {"services": services}
    if used_networks:
        doc["networks"] = {n: ({"internal": True} if n == "data" else {}) for n in sorted(used_networks)}
    if used_volumes:
        doc["volumes"] = {
            v: ({"external": True} if draw(st.booleans()) else {}) for v in sorted(used_volumes)
        }
    return doc


@st.composite
def override(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    names = list(base["services"])
    chosen = draw(st.lists(st.sampled_from(names), max_size=len(names), unique=True))
    services: dict[str, Any] = {}
    for name in chosen:
        change: dict[str, Any] = {}
        if draw(st.booleans()):
            change["ports"] = draw(st.lists(port(), max_size=2))
        if draw(st.booleans()):
            change["environment"] = {"LOG_LEVEL": "debug"}
        if draw(st.booleans()):
            change["image"] = draw(IMAGES)
        services[name] = change
    return {"services": services}


def _write(directory: Path, name: str, doc: dict[str, Any]) -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def _load(files: list[Path]) -> Any:
    return load_project(LoadOptions(files=tuple(str(f) for f in files), environ={}, cwd=str(files[0].parent)))


def _lint_text(cwd: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        with redirect_stdout(out):
            code = main(["check", "--format", "json", "--no-color", *args])
    finally:
        os.chdir(old)
    return code, out.getvalue()


@given(doc=project(), data=st.data())
def test_generated_projects_load_and_findings_point_inside_their_files(
    tmp_path_factory: pytest.TempPathFactory, doc: dict[str, Any], data: st.DataObject
) -> None:
    directory = tmp_path_factory.mktemp("gen")
    files = [_write(directory, "compose.yaml", doc)]
    if data.draw(st.booleans()):
        files.append(_write(directory, "compose.override.yaml", data.draw(override(doc))))
    loaded = _load(files)
    assert all(isinstance(e, ComposeError) for e in loaded.errors)
    code, out = _lint_text(directory, *(str(f.name) for f in files[:1]))
    assert code in (0, 1)
    report = json.loads(out)
    texts = {f.name: f.read_text().splitlines() for f in files}
    for finding in report["findings"]:
        lines = texts[os.path.basename(finding["path"])]
        assert 1 <= finding["line"] <= max(len(lines), 1), finding
        assert 1 <= finding["column"] <= len(lines[finding["line"] - 1]) + 1, finding


@given(doc=project())
def test_config_output_reloads_to_the_same_model(
    tmp_path_factory: pytest.TempPathFactory, doc: dict[str, Any]
) -> None:
    directory = tmp_path_factory.mktemp("cfg")
    first = _load([_write(directory, "compose.yaml", doc)])
    if first.model is None:
        return
    printed = compose_config(first.model)
    again = _load([_write(directory, "compose.yaml", printed)])
    assert again.model is not None
    assert compose_config(again.model) == printed
    assert build_project(again) is not None


@given(docs=st.lists(project(), min_size=3, max_size=3))
def test_report_is_identical_across_runs_and_jobs(
    tmp_path_factory: pytest.TempPathFactory, docs: list[dict[str, Any]]
) -> None:
    directory = tmp_path_factory.mktemp("jobs")
    for index, doc in enumerate(docs):
        (directory / f"p{index}").mkdir()
        _write(directory / f"p{index}", "compose.yaml", doc)
    specs = [ProjectSpec((str(directory / f"p{i}" / "compose.yaml"),)) for i in range(len(docs))] * 8
    options = RunOptions(environ={}, cwd=str(directory))
    serial = lint(specs, Settings(), options, jobs=1)
    parallel = lint(specs, Settings(), options, jobs=2)
    assert [r.findings for r in serial] == [r.findings for r in parallel]
    assert _lint_text(directory, ".") == _lint_text(directory, ".", "--jobs", "2")
