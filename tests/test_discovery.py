"""Which files are linted together: the projects Docker Compose would load."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from composelint.compose.discovery import (
    ProjectSpec,
    default_project,
    find_projects,
    is_compose_file,
    project_for_file,
    repository_root,
)
from composelint.compose.errors import UsageError

SERVICE = "services:\n  web:\n    image: nginx:1.27\n"


# A variant that only changes a service of the base: it cannot stand alone.
PARTIAL = "services:\n  web:\n    restart: always\n"


def write(path: Path, text: str = SERVICE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def spec(*paths: Path) -> ProjectSpec:
    return ProjectSpec(tuple(str(p) for p in paths))


@pytest.mark.parametrize(
    "name",
    [
        "compose.yaml",
        "compose.yml",
        "docker-compose.yml",
        "docker-compose.yaml",
        "compose.override.yaml",
        "docker-compose.override.yml",
        "docker-compose.prod.yml",
        "compose-dev.yaml",
        "monitoring.compose.yaml",
        "app-docker-compose.yml",
        "Docker-Compose.YML",
    ],
)
def test_compose_file_names(name: str) -> None:
    assert is_compose_file(name)


@pytest.mark.parametrize(
    "name",
    ["composer.yaml", "compose.json", "docker-compose.yml.j2", "values.yaml", "compose", ".compose.yaml.bak"],
)
def test_other_file_names(name: str) -> None:
    assert not is_compose_file(name)


def test_a_directory_holds_the_base_with_its_override_and_each_variant_on_the_base(tmp_path: Path) -> None:
    base = write(tmp_path / "docker-compose.yml")
    override = write(tmp_path / "docker-compose.override.yml")
    prod = write(tmp_path / "docker-compose.prod.yml", PARTIAL)
    alternate = write(tmp_path / "docker-compose.v3.yml")
    other = write(tmp_path / "monitoring.compose.yaml")
    write(tmp_path / "README.md", "not compose")
    projects = find_projects(["."], str(tmp_path))
    # The prod variant cannot stand alone: on the base. The v3 alternate can: alone, as
    # `docker compose -f docker-compose.v3.yml` reads it.
    assert sorted(p.files for p in projects) == sorted(
        s.files for s in (spec(base, override), spec(base, prod), spec(alternate), spec(other))
    )


def test_directories_are_searched_recursively_skipping_vcs_and_dependencies(tmp_path: Path) -> None:
    nested = write(tmp_path / "services" / "api" / "compose.yaml")
    for skipped in (".git", "node_modules", ".venv"):
        write(tmp_path / skipped / "pkg" / "compose.yaml")
    assert find_projects([str(tmp_path)], "/") == [spec(nested)]


def test_an_override_without_base_is_a_project_of_its_own(tmp_path: Path) -> None:
    override = write(tmp_path / "compose.override.yaml")
    assert find_projects(["."], str(tmp_path)) == [spec(override)]


def test_a_file_named_alone_brings_its_base(tmp_path: Path) -> None:
    base = write(tmp_path / "compose.yaml")
    override = write(tmp_path / "compose.override.yaml")
    prod = write(tmp_path / "compose.prod.yaml", PARTIAL)
    other = write(tmp_path / "ci.compose.yaml")
    assert project_for_file(str(override)) == ProjectSpec(
        (str(base), str(override)),
        "compose.override.yaml is an override file: checked on top of compose.yaml",
    )
    assert project_for_file(str(prod)) == ProjectSpec(
        (str(base), str(prod)),
        "compose.prod.yaml does not stand alone (service web has no image or build): checked on top of "
        "compose.yaml",
    )
    assert project_for_file(str(base)) == spec(base, override)
    assert project_for_file(str(other)) == spec(other)
    # Named on the command line, the same file gives the same project, once.
    assert [
        p.files for p in find_projects(["compose.override.yaml", "compose.override.yaml"], str(tmp_path))
    ] == [(str(base), str(override))]


@pytest.mark.parametrize(
    ("text", "alone"),
    [
        ("services:\n  app:\n    image: example/app:3\n", True),
        ("services:\n  app:\n    build: .\n  worker:\n    extends: app\n", True),
        ("include: [other.yaml]\n", True),
        ("services: [\n", True),  # broken: alone, so its own errors are reported
        ("services:\n  web:\n    restart: always\n", False),
        ("x-common: &c {}\n", False),  # no service at all
    ],
)
def test_a_variant_is_an_alternate_when_it_stands_alone(tmp_path: Path, text: str, alone: bool) -> None:
    base = write(tmp_path / "docker-compose.yml")
    variant = write(tmp_path / "docker-compose-v3.yml", text)
    expected = (str(variant),) if alone else (str(base), str(variant))
    assert project_for_file(str(variant)).files == expected


def test_the_first_base_file_wins_as_in_compose(tmp_path: Path) -> None:
    preferred = write(tmp_path / "compose.yaml")
    legacy = write(tmp_path / "docker-compose.yml")
    override = write(tmp_path / "compose.override.yml")
    assert project_for_file(str(preferred)) == spec(preferred, override)
    # The shadowed legacy file is still linted, alone, rather than skipped.
    assert sorted(find_projects(["."], str(tmp_path))) == sorted([spec(preferred, override), spec(legacy)])


def test_excluded_paths_are_not_linted(tmp_path: Path) -> None:
    kept = write(tmp_path / "app" / "compose.yaml")
    write(tmp_path / "vendor" / "lib" / "compose.yaml")
    write(tmp_path / "app" / "old.compose.yaml")
    projects = find_projects(["."], str(tmp_path), exclude=("vendor", "old.*"))
    assert projects == [spec(kept)]


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"nope\.yaml: no such file or directory"):
        find_projects(["nope.yaml"], str(tmp_path))


def test_default_project_walks_up_like_compose(tmp_path: Path) -> None:
    base = write(tmp_path / "compose.yml")
    override = write(tmp_path / "compose.override.yml")
    deep = tmp_path / "src" / "pkg"
    deep.mkdir(parents=True)
    assert default_project(str(deep), {}) == spec(base, override)


def test_compose_file_variable_names_the_files(tmp_path: Path) -> None:
    a = write(tmp_path / "a.yaml")
    b = write(tmp_path / "b.yaml")
    write(tmp_path / "compose.yaml")
    assert default_project(str(tmp_path), {"COMPOSE_FILE": f"a.yaml{os.pathsep}b.yaml"}) == spec(a, b)
    separated = {"COMPOSE_FILE": "a.yaml;b.yaml", "COMPOSE_PATH_SEPARATOR": ";"}
    assert default_project(str(tmp_path), separated) == spec(a, b)
    with pytest.raises(UsageError, match=r"COMPOSE_FILE names .*missing\.yaml, which does not exist"):
        default_project(str(tmp_path), {"COMPOSE_FILE": "missing.yaml"})


def test_compose_file_may_come_from_the_dotenv_of_the_working_directory(tmp_path: Path) -> None:
    write(tmp_path / "compose.yaml")
    a = write(tmp_path / "a.yaml")
    b = write(tmp_path / "b.yaml")
    (tmp_path / ".env").write_text("COMPOSE_FILE=a.yaml\n")
    assert default_project(str(tmp_path), {}) == spec(a)
    # The environment wins over .env, as in Compose.
    assert default_project(str(tmp_path), {"COMPOSE_FILE": "b.yaml"}) == spec(b)
    # Only the working directory's .env counts: a parent's is not read.
    child = tmp_path / "child"
    child.mkdir()
    assert default_project(str(child), {}) == spec(tmp_path / "compose.yaml")


def test_a_broken_dotenv_does_not_stop_discovery(tmp_path: Path) -> None:
    base = write(tmp_path / "compose.yaml")
    (tmp_path / ".env").write_text('COMPOSE_FILE="a.yaml\n')  # unterminated quote: reported when loading
    assert default_project(str(tmp_path), {}) == spec(base)


def test_repository_root_is_the_nearest_directory_with_git(tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "deploy").mkdir()
    assert repository_root(str(tmp_path / "repo" / "deploy")) == str(tmp_path / "repo")
