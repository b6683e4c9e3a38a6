"""The project environment used for interpolation: OS variables, then `.env` / `--env-file`.

Follows docker compose's option order (compose-go `cli/options.go`): OS variables always win; the
default `.env` of the project directory is read unless `--env-file` is given or
`COMPOSE_DISABLE_ENV_FILE` is true; later env files override earlier ones.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import NamedTuple

from composelint.compose.dotenv import parse_dotenv
from composelint.compose.errors import ComposeError
from composelint.compose.span import Span

ReadText = Callable[[str, Span | None], str | None]

_TRUE = ("1", "t", "T", "TRUE", "true", "True")
_FALSE = ("0", "f", "F", "FALSE", "false", "False")


class ProjectEnvironment(NamedTuple):
    variables: dict[str, str]
    env_files: tuple[str, ...]


def env_file_paths(
    os_env: Mapping[str, str], working_dir: str, cwd: str, explicit: tuple[str, ...] | None
) -> tuple[str, ...]:
    """Which env files feed interpolation: the explicit ones, or the project's `.env` if it exists."""
    if explicit:
        return tuple(os.path.normpath(os.path.join(cwd, f)) for f in explicit)
    disabled = os_env.get("COMPOSE_DISABLE_ENV_FILE")
    if disabled is not None:
        if disabled not in _TRUE and disabled not in _FALSE:
            raise ComposeError(
                f'invalid value for COMPOSE_DISABLE_ENV_FILE: "{disabled}" is not a boolean', None, "usage"
            )
        if disabled in _TRUE:
            return ()
    default = os.path.join(working_dir, ".env")
    return (default,) if os.path.isfile(default) else ()


def load_env_files(base: Mapping[str, str], files: tuple[str, ...], read_text: ReadText) -> dict[str, str]:
    """compose-go dotenv.GetEnvFromFile: files in order; lookups see ``base`` first, then earlier values."""
    values: dict[str, str] = {}

    def lookup(name: str) -> str | None:
        if name in base:
            return base[name]
        return values.get(name)

    for path in files:
        if not os.path.exists(path):
            raise ComposeError(f"couldn't find env file: {path}", None, "missing-file")
        text = read_text(path, None)
        if text is None:
            continue
        values.update(parse_dotenv(text, path, lookup))
    return values


def project_environment(
    os_env: Mapping[str, str],
    working_dir: str,
    cwd: str,
    explicit_env_files: tuple[str, ...] | None,
    read_text: ReadText,
) -> ProjectEnvironment:
    files = env_file_paths(os_env, working_dir, cwd, explicit_env_files)
    variables = dict(os_env)
    for key, value in load_env_files(os_env, files, read_text).items():
        variables.setdefault(key, value)
    return ProjectEnvironment(variables, files)
