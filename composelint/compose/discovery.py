"""Finding compose projects: the files Compose would load together.

In a directory, the base file (``compose.yaml``, ``compose.yml``, ``docker-compose.yml``,
``docker-compose.yaml``, first found wins as in Compose) is linted with its override file
(``compose.override.yml``...), as Docker Compose merges them on its own. An override file named
alone is linted on top of its base. Prefix variants such as ``docker-compose.prod.yml`` are
alternates when they stand on their own (every service has an image, a build or `extends`): then
they are projects of their own, as ``docker compose -f docker-compose.prod.yml`` reads them. A variant
that cannot stand alone is linted on top of the base, as ``docker compose -f docker-compose.yml -f
docker-compose.prod.yml`` would. Other compose files (``monitoring.compose.yaml``) are projects of
their own.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from composelint.compose.errors import UsageError

DEFAULT_FILES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
OVERRIDE_FILES = (
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
)
# compose.yaml, docker-compose.prod.yml, compose-dev.yaml, foo.compose.yml, foo-docker-compose.yml
COMPOSE_FILE_NAME = re.compile(
    r"((docker-)?compose([._-][^/]*)?|[^/]*\.compose|[^/]*[._-]docker-compose)\.ya?ml", re.IGNORECASE
)
_PREFIX_VARIANT = re.compile(r"(docker-)?compose[._-][^/]*\.ya?ml", re.IGNORECASE)
SKIPPED_DIRS = {".git", "node_modules", ".hg", ".svn", ".tox", ".venv", "__pycache__"}


class ProjectSpec(NamedTuple):
    files: tuple[str, ...]  # absolute paths, main file first
    # Why files were merged that were not all named (an override, a variant that needs its base);
    # "" when the files are exactly what was asked for.
    merged: str = ""


def is_compose_file(name: str) -> bool:
    return bool(COMPOSE_FILE_NAME.fullmatch(name))


def _base_of(directory: str, names: Iterable[str]) -> str | None:
    present = set(names)
    for candidate in DEFAULT_FILES:
        if candidate in present:
            return os.path.join(directory, candidate)
    return None


def _override_of(directory: str, names: Iterable[str]) -> str | None:
    present = set(names)
    for candidate in OVERRIDE_FILES:
        if candidate in present:
            return os.path.join(directory, candidate)
    return None


def _projects_in_directory(directory: str, names: Sequence[str]) -> list[ProjectSpec]:
    compose_names = sorted(n for n in names if is_compose_file(n))
    if not compose_names:
        return []
    base = _base_of(directory, compose_names)
    override = _override_of(directory, compose_names)
    projects: list[ProjectSpec] = []
    if base is not None:
        projects.append(_with_override(base, override))
    for name in compose_names:
        path = os.path.join(directory, name)
        if path in (base, override):
            continue
        projects.append(project_for_file(path))
    if base is None and override is not None:
        projects.append(ProjectSpec((override,)))
    return projects


def project_for_file(path: str) -> ProjectSpec:
    """The project a file belongs to when it is named alone (e.g. by pre-commit)."""
    path = os.path.abspath(path)
    directory, name = os.path.split(path)
    try:
        names = os.listdir(directory)
    except OSError:
        names = []
    base = _base_of(directory, names)
    if name in DEFAULT_FILES:
        if base == path or base is None:
            return _with_override(path, _override_of(directory, names))
        return ProjectSpec((path,))
    if base is None:
        return ProjectSpec((path,))
    base_name = os.path.basename(base)
    if name in OVERRIDE_FILES:
        return ProjectSpec((base, path), f"{name} is an override file: checked on top of {base_name}")
    if _PREFIX_VARIANT.fullmatch(name.lower()):
        lacking = needs_base(path)
        if lacking is not None:
            return ProjectSpec(
                (base, path), f"{name} does not stand alone ({lacking}): checked on top of {base_name}"
            )
    return ProjectSpec((path,))


def _with_override(base: str, override: str | None) -> ProjectSpec:
    # What `docker compose` does on its own in that directory: nothing to point out.
    return ProjectSpec((base, override) if override else (base,))


_MAX_PEEK_BYTES = 1 << 20  # a variant larger than this is taken to stand alone: its own errors show


def needs_base(path: str) -> str | None:
    """Why the compose file at ``path`` cannot be a project on its own (a service without an image, a
    build or `extends`, or no services at all), or None when it can. A file that cannot be read or
    parsed stands alone: linting it alone reports what is wrong with it."""
    from composelint.compose.errors import ComposeError
    from composelint.compose.tree import YMap
    from composelint.compose.yamlread import read_documents

    try:
        if os.path.getsize(path) > _MAX_PEEK_BYTES:
            return None
        with open(path, "rb") as handle:
            documents = read_documents(handle.read(), path)
    except (OSError, ComposeError):
        return None
    services: dict[str, object] = {}
    for document in documents:
        if isinstance(document, YMap) and "include" in document:
            return None  # services come from elsewhere: Compose loads it alone
        found = document.get("services") if isinstance(document, YMap) else None
        if isinstance(found, YMap):
            services.update(found)
    if not services:
        return "it defines no service"
    for service_name, service in services.items():
        if not isinstance(service, YMap) or not ({"image", "build", "extends"} & set(service)):
            return f"service {service_name} has no image or build"
    return None


def _excluded(path: str, root: str, patterns: Sequence[str]) -> bool:
    """Whether the configuration's `exclude` globs (relative to ``root``) take ``path`` out."""
    if not patterns:
        return False
    relative = os.path.relpath(path, root)
    return any(
        fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(os.path.basename(path), p) or fnmatch.fnmatch(path, p)
        for p in patterns
    )


LOOKED_FOR = (
    "compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml, compose.*.yaml, "
    "docker-compose.*.yml, *.compose.yaml, *-docker-compose.yml (any case, .yml or .yaml)"
)


def find_projects(
    paths: Sequence[str], cwd: str, exclude: Sequence[str] = (), excluded: list[str] | None = None
) -> list[ProjectSpec]:
    """Projects for the PATH arguments of ``composelint check``: files, or directories searched.

    A run that would check no file is a usage error that says why: nothing by a compose file's
    name in the directories (and how many other YAML files there were), the named files excluded
    by the configuration, or directories that could not be read. Files named but excluded are
    appended to ``excluded``.
    """
    found: dict[tuple[str, ...], ProjectSpec] = {}
    excluded = excluded if excluded is not None else []
    unreadable: list[str] = []
    other_yaml = 0
    for raw in paths:
        path = os.path.abspath(os.path.join(cwd, raw))
        if os.path.isdir(path):

            def skip(error: OSError) -> None:
                unreadable.append(f"{error.filename}: {error.strerror}")

            for directory, dirnames, filenames in os.walk(path, onerror=skip):
                dirnames[:] = sorted(
                    d
                    for d in dirnames
                    if d not in SKIPPED_DIRS and not _excluded(os.path.join(directory, d), cwd, exclude)
                )
                names = [n for n in filenames if not _excluded(os.path.join(directory, n), cwd, exclude)]
                other_yaml += sum(
                    1 for n in names if n.lower().endswith((".yaml", ".yml")) and not is_compose_file(n)
                )
                for project in _projects_in_directory(directory, names):
                    found.setdefault(project.files, project)
        elif os.path.exists(path) or os.path.islink(path):
            if _excluded(path, cwd, exclude):
                excluded.append(raw)
                continue
            project = project_for_file(path)
            found.setdefault(project.files, project)
        else:
            raise UsageError(f"{raw}: no such file or directory")
    if not found:
        raise UsageError(_nothing_found(paths, excluded, unreadable, other_yaml))
    return list(found.values())


def _nothing_found(paths: Sequence[str], excluded: list[str], unreadable: list[str], other_yaml: int) -> str:
    reasons: list[str] = []
    if excluded:
        reasons.append(f"{', '.join(excluded)} excluded by the configuration's `exclude`")
    if unreadable:
        reasons.append(f"cannot read {'; '.join(unreadable[:3])}")
    if len(excluded) < len(paths):
        others = (
            f" ({other_yaml} other YAML file{'s' if other_yaml != 1 else ''} there)" if other_yaml else ""
        )
        reasons.append(f"no compose file by name{others}; composelint looks for {LOOKED_FOR}")
    hint = "; name other files explicitly (composelint check FILE ...) or with -f"
    return f"no file checked in {' '.join(paths)}: {'; '.join(reasons)}{hint}"


def default_project(cwd: str, environ: Mapping[str, str]) -> ProjectSpec:
    """The project ``docker compose`` would load in ``cwd``: COMPOSE_FILE, else walk up for a base file.

    Like Compose, COMPOSE_FILE and COMPOSE_PATH_SEPARATOR may also come from the ``.env`` file of
    ``cwd``; the environment wins.
    """
    environ = {**_dotenv_settings(cwd, environ), **environ}
    compose_file = environ.get("COMPOSE_FILE")
    if compose_file:
        separator = environ.get("COMPOSE_PATH_SEPARATOR") or os.pathsep
        files = tuple(os.path.abspath(os.path.join(cwd, f)) for f in compose_file.split(separator) if f)
        for f in files:
            if not os.path.exists(f):
                raise UsageError(f"COMPOSE_FILE names {f}, which does not exist")
        return ProjectSpec(files)
    directory = os.path.abspath(cwd)
    while True:
        try:
            names = os.listdir(directory)
        except OSError:
            names = []
        base = _base_of(directory, names)
        if base is not None:
            override = _override_of(directory, names)
            return _with_override(base, override)
        parent = os.path.dirname(directory)
        if parent == directory:
            raise UsageError(
                "no configuration file provided: no compose.yaml, compose.yml, docker-compose.yml or "
                "docker-compose.yaml here or in any parent directory"
            )
        directory = parent


_DOTENV_MAX_BYTES = 1 << 20


def _dotenv_settings(cwd: str, environ: Mapping[str, str]) -> dict[str, str]:
    """COMPOSE_FILE and COMPOSE_PATH_SEPARATOR from ``cwd/.env``; nothing if it is unusable.

    A broken ``.env`` is reported when the project is loaded; discovery only needs these two keys.
    """
    from composelint.compose.dotenv import parse_dotenv
    from composelint.compose.errors import ComposeError

    path = os.path.join(cwd, ".env")
    try:
        if not os.path.isfile(path) or os.path.getsize(path) > _DOTENV_MAX_BYTES:
            return {}
        with open(path, encoding="utf-8", errors="replace") as handle:
            values = parse_dotenv(handle.read(), path, environ.get)
    except (OSError, ComposeError):
        return {}
    return {key: values[key] for key in ("COMPOSE_FILE", "COMPOSE_PATH_SEPARATOR") if key in values}


def repository_root(path: str) -> str | None:
    """The nearest directory at or above ``path`` holding ``.git`` (None outside a repository)."""
    return RepositoryRoots().find(path)


class RepositoryRoots:
    """``repository_root`` for the many projects of one run: each directory is looked at once, so a
    tree of thousands of projects does not stat the same parents thousands of times."""

    def __init__(self) -> None:
        self._known: dict[str, str | None] = {}

    def find(self, path: str) -> str | None:
        directory = os.path.abspath(path)
        visited: list[str] = []
        while True:
            if directory in self._known:
                found = self._known[directory]
                break
            visited.append(directory)
            if os.path.exists(os.path.join(directory, ".git")):
                found = directory
                break
            parent = os.path.dirname(directory)
            if parent == directory:
                found = None
                break
            directory = parent
        for seen in visited:
            self._known[seen] = found
        return found
