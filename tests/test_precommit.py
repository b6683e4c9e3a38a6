"""The pre-commit hook, run by the real `pre-commit` from a git repository holding this checkout."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from composelint.compose.discovery import is_compose_file
from tests.test_packaging import copy_checkout

ROOT = Path(__file__).resolve().parent.parent
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
HOOK, FIX_HOOK = HOOKS

EXPOSED_DB = """\
name: shop
services:
  db:
    image: postgres:16.4
    ports:
      - "5432:5432"
"""
CLEAN = """\
name: shop
services:
  web:
    image: nginx:1.27.1
    ports:
      - "127.0.0.1:8080:80"
"""
# Files the hook must not pass to composelint: each would be a yaml-syntax error if it did.
DECOYS = {"compose.yml.bak": "services: [unclosed\n", "mycompose.yml": "services: [unclosed\n"}

COMPOSE_NAMES = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.prod.yml",
    "compose.override.yaml",
    "foo.compose.yml",
    "deploy/compose-dev.yaml",
    "ops/monitoring-docker-compose.yml",
    "Docker-Compose.YML",
]
OTHER_NAMES = ["compose.yml.bak", "mycompose.yml", "compose.json", "deploy.yaml", "compose.yaml/README.md"]


def git(cwd: Path, *args: str) -> None:
    identity = ["-c", "user.name=composelint tests", "-c", "user.email=tests@composelint.invalid"]
    subprocess.run(
        ["git", *identity, "-c", "commit.gpgsign=false", *args], cwd=cwd, check=True, capture_output=True
    )


@pytest.mark.parametrize("name", COMPOSE_NAMES)
def test_hook_files_pattern_takes_compose_files(name: str) -> None:
    assert re.search(HOOK["files"], name)
    assert is_compose_file(Path(name).name)  # what `composelint check DIR` would pick up too


@pytest.mark.parametrize("name", OTHER_NAMES)
def test_hook_files_pattern_skips_other_files(name: str) -> None:
    assert not re.search(HOOK["files"], name)


def test_hook_runs_composelint_once_for_all_files() -> None:
    assert (HOOK["id"], HOOK["entry"], HOOK["language"]) == ("composelint", "composelint check", "python")
    # pre-commit would otherwise split the files between processes, and an override file could be
    # linted in one run and its base file in another.
    assert HOOK["require_serial"] is True
    # The fixing hook: the same files, the same single run, with --fix.
    assert (FIX_HOOK["id"], FIX_HOOK["entry"]) == ("composelint-fix", "composelint check --fix")
    assert FIX_HOOK["files"] == HOOK["files"] and FIX_HOOK["require_serial"] is True


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository whose HEAD is the working tree, as pre-commit fetches hook repositories."""
    repo = copy_checkout(tmp_path_factory.mktemp("hook-repo"))
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--message", "composelint under test")
    return repo


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Shared by the tests of this module, so the hook's environment is installed once.
    return tmp_path_factory.mktemp("pre-commit-home")


def project(path: Path, hook_repo: Path, files: dict[str, str], hook: str = "composelint") -> Path:
    config = f"repos:\n  - repo: {hook_repo}\n    rev: HEAD\n    hooks:\n      - id: {hook}\n"
    for name, text in {**files, ".pre-commit-config.yaml": config}.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text)
    git(path, "init", "--quiet")
    git(path, "add", "--all")
    return path


def pre_commit(
    repo: Path, home: Path, monkeypatch: pytest.MonkeyPatch, *args: str
) -> subprocess.CompletedProcess[str]:
    monkeypatch.setenv("PRE_COMMIT_HOME", str(home))
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--color", "never", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_hook_fails_on_a_bad_compose_file(
    tmp_path: Path, hook_repo: Path, pre_commit_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "compose.yaml": EXPOSED_DB,
        "monitoring.compose.yml": EXPOSED_DB.replace("shop", "monitoring"),
        **DECOYS,
    }
    result = pre_commit(project(tmp_path, hook_repo, files), pre_commit_home, monkeypatch, "--all-files")
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"^composelint\.+Failed$", result.stdout, re.MULTILINE), result.stdout
    assert "error CL202 [exposed-database] postgres service db publishes port 5432/tcp" in result.stdout
    assert "  --> compose.yaml:6:9\n" in result.stdout
    assert "  --> monitoring.compose.yml:6:9\n" in result.stdout
    assert "compose.yml.bak" not in result.stdout and "mycompose.yml" not in result.stdout


@pytest.mark.slow
def test_hook_passes_on_a_good_compose_file(
    tmp_path: Path, hook_repo: Path, pre_commit_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = pre_commit(
        project(tmp_path, hook_repo, {"compose.yaml": CLEAN, **DECOYS}),
        pre_commit_home,
        monkeypatch,
        "--all-files",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^composelint\.+Passed$", result.stdout, re.MULTILINE), result.stdout


@pytest.mark.slow
def test_a_changed_override_file_is_linted_with_its_base_file(
    tmp_path: Path, hook_repo: Path, pre_commit_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the override publishes the port; only the base file says the service is postgres.
    base = "name: shop\nservices:\n  db:\n    image: postgres:16.4\n"
    override = 'services:\n  db:\n    ports:\n      - "5432:5432"\n'
    repo = project(tmp_path, hook_repo, {"compose.yaml": base, "compose.override.yaml": override})
    result = pre_commit(repo, pre_commit_home, monkeypatch, "composelint", "--files", "compose.override.yaml")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "error CL202 [exposed-database] postgres service db" in result.stdout
    assert "  --> compose.override.yaml:4:9\n" in result.stdout


@pytest.mark.slow
def test_file_names_that_look_like_options_are_linted_never_obeyed(
    tmp_path: Path, hook_repo: Path, pre_commit_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each name would make composelint write its report over a file, or skip services, if it were
    # taken as an option; the exposed database in the first must fail the hook.
    outside = tmp_path / "outside"
    outside.mkdir()
    files = {
        "--write-baseline=x.compose.yaml": EXPOSED_DB,
        "--output=/compose.yaml": CLEAN,
        "--profile=x.compose.yaml": CLEAN.replace("shop", "profiled"),
    }
    (tmp_path / "repo").mkdir()
    repo = project(tmp_path / "repo", hook_repo, files)
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts}
    result = pre_commit(repo, pre_commit_home, monkeypatch, "--all-files")
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"^composelint\.+Failed$", result.stdout, re.MULTILINE), result.stdout
    assert "  --> --write-baseline=x.compose.yaml:6:9\n" in result.stdout
    assert "error CL202 [exposed-database]" in result.stdout
    after = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts}
    assert after == before  # nothing written, nothing overwritten
    assert list(outside.iterdir()) == []


@pytest.mark.slow
def test_the_fix_hook_applies_safe_fixes_and_fails_while_findings_remain(
    tmp_path: Path, hook_repo: Path, pre_commit_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = 'version: "3.8"\n' + EXPOSED_DB
    repo = project(tmp_path, hook_repo, {"compose.yaml": text}, hook="composelint-fix")
    result = pre_commit(repo, pre_commit_home, monkeypatch, "--all-files")
    # The safe fix (the obsolete version line) is written; the exposed database needs --unsafe-fixes.
    assert result.returncode == 1, result.stdout + result.stderr
    assert (tmp_path / "compose.yaml").read_text() == EXPOSED_DB
    assert "error CL202 [exposed-database]" in result.stdout
    assert "1 fixable with --fix --unsafe-fixes." in result.stdout
