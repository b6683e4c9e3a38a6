"""Coverage-guided fuzzing of the whole pipeline: bytes -> compose file -> load -> model -> rules.

Run for hours with atheris (not a project dependency):

    pip install atheris
    python fuzz/fuzz_loader.py -max_total_time=3600 -rss_limit_mb=1024 fuzz/corpus

Seeds: copy some compose files into fuzz/corpus first (e.g. from the shared corpus). A crash is any
exception escaping the loader, or a rule crashing (an internal-error finding): both are bugs.
"""

from __future__ import annotations

import os
import sys
import tempfile

import atheris

with atheris.instrument_imports():
    from composelint.compose.discovery import ProjectSpec
    from composelint.engine import RunOptions, lint_project
    from composelint.registry import Registry
    from composelint.settings import Settings

_DIR = tempfile.mkdtemp(prefix="composelint-fuzz-")
_FILE = os.path.join(_DIR, "compose.yaml")
_REGISTRY = Registry.default(with_plugins=False)
_SETTINGS = Settings(select=("ALL",))
_OPTIONS = RunOptions(environ={"HOME": _DIR}, cwd=_DIR, root=_DIR)


def test_one_input(data: bytes) -> None:
    with open(_FILE, "wb") as handle:
        handle.write(data)
    result = lint_project(ProjectSpec((_FILE,)), _SETTINGS, _OPTIONS, _REGISTRY)
    crashed = [f for f in result.findings if f.rule_id == "CL100"]
    if crashed:
        raise RuntimeError(crashed[0].message)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
