"""The package as users get it: built by `python -m build`, accepted by twine, installed from the wheel
into a fresh virtual environment, and run on the bundled examples."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from composelint import __version__

ROOT = Path(__file__).resolve().parent.parent
# What `pip install composelint-cli` may add to site-packages (pip and setuptools not counted). The README
# states the measured size; this budget catches a heavy new dependency.
INSTALLED_BUDGET_MB = 50

pytestmark = pytest.mark.slow


def copy_checkout(destination: Path) -> Path:
    """The working tree's project files, tracked and untracked but not ignored, copied to ``destination``,
    a new git repository (so composelint's search for a configuration file stops there).

    Builds and installs run on a copy so that nothing is written into the checkout (build/, egg-info)
    and so that uncommitted work is what gets tested, here and in CI's fresh clone alike.
    """
    if not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout of composelint")
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if not os.path.lexists(source):  # deleted in the working tree, still in the index
            continue
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
    subprocess.run(["git", "init", "--quiet"], cwd=destination, check=True)
    return destination


def run(*command: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_checkout(tmp_path_factory.mktemp("source"))


@pytest.fixture(scope="module")
def dist(source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    built = run(sys.executable, "-m", "build", "--outdir", out, source)
    assert built.returncode == 0, built.stdout + built.stderr
    return out


@pytest.fixture(scope="module")
def venv(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with nothing but the wheel and what it pulls in."""
    path = tmp_path_factory.mktemp("venv")
    created = run(sys.executable, "-m", "venv", path)
    assert created.returncode == 0, created.stderr
    (wheel,) = dist.glob("*.whl")
    installed = run(path / "bin" / "python", "-m", "pip", "install", "--disable-pip-version-check", wheel)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return path


def test_build_makes_one_wheel_and_one_sdist_that_twine_accepts(dist: Path) -> None:
    names = sorted(p.name for p in dist.iterdir())
    assert names == [
        f"composelint_cli-{__version__}-py3-none-any.whl",
        f"composelint_cli-{__version__}.tar.gz",
    ]
    checked = run(sys.executable, "-m", "twine", "check", "--strict", *sorted(dist.iterdir()))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("PASSED") == 2


def test_wheel_holds_the_package_with_its_type_marker_and_license(dist: Path, source: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    info = f"composelint_cli-{__version__}.dist-info"
    assert {n.split("/")[0] for n in names} == {"composelint", info}
    modules = {p.relative_to(source).as_posix() for p in (source / "composelint").rglob("*.py")}
    assert modules <= names, f"modules missing from the wheel: {sorted(modules - names)}"
    assert "composelint/py.typed" in names
    assert f"{info}/licenses/LICENSE" in names
    metadata = zipfile.ZipFile(wheel).read(f"{info}/METADATA").decode()
    assert "License-Expression: Apache-2.0" in metadata
    assert "Requires-Python: >=3.10" in metadata
    assert "Description-Content-Type: text/markdown" in metadata


def test_sdist_holds_package_readme_and_license_but_no_tests(dist: Path) -> None:
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    assert {"README.md", "LICENSE", "pyproject.toml", "composelint/py.typed", "composelint/cli.py"} <= names
    assert not any(n.startswith("tests/") for n in names)


def test_installed_command_reports_its_version(venv: Path) -> None:
    shown = run(venv / "bin" / "composelint", "--version")
    assert (shown.returncode, shown.stdout) == (0, f"composelint {__version__}\n")


def test_installed_size_stays_within_budget(venv: Path) -> None:
    (site,) = (venv / "lib").glob("python3.*/site-packages")
    tooling = ("pip", "setuptools", "pkg_resources", "_distutils_hack", "distutils-precedence.pth")
    size = sum(
        f.stat().st_size
        for entry in site.iterdir()
        if not entry.name.startswith(tooling)
        for f in ([entry] if entry.is_file() else entry.rglob("*"))
        if f.is_file()
    )
    assert size < INSTALLED_BUDGET_MB * 1024 * 1024, f"installed size {size / 2**20:.1f} MB"


def test_installed_command_finds_the_leaky_examples_problems(venv: Path, source: Path) -> None:
    linted = run(venv / "bin" / "composelint", "check", "--format", "json", "examples/", cwd=source)
    assert linted.returncode == 1, linted.stderr
    report = json.loads(linted.stdout)
    found = {(f["path"], f["line"], f["column"], f["rule"]) for f in report["findings"]}
    leaky = "examples/leaky/compose.yaml"
    assert {
        (leaky, 11, 26, "CL201"),  # db reachable from the proxy through network backend
        (leaky, 23, 9, "CL202"),  # postgres published on all interfaces
        (leaky, 17, 9, "CL203"),  # app's ${APP_PORT:-80} takes the proxy's host port 80
        (leaky, 33, 3, "CL302"),  # pgdata dies with `docker compose down -v`
    } <= found
    assert report["summary"]["files"] == 5  # leaky, segmented, profiles, override (base and override)


@pytest.mark.parametrize("example", ["segmented", "profiles", "override"])
def test_installed_command_passes_the_clean_examples(venv: Path, source: Path, example: str) -> None:
    linted = run(venv / "bin" / "composelint", "check", f"examples/{example}", cwd=source)
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_the_readme_installs_the_distribution_pyproject_names() -> None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    name = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["name"]
    # PyPI refuses a name that differs from an existing project's only by -, _, . or case.
    assert name.replace("-", "").replace("_", "").replace(".", "").lower() != "composelint"
    assert f"pip install {name}\n" in (ROOT / "README.md").read_text()
