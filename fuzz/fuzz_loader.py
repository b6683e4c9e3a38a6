"""Coverage-guided fuzzing of the whole pipeline: bytes -> project files -> load -> model -> rules.

Run for hours with atheris (not a project dependency):

    pip install atheris
    python fuzz/make_seeds.py fuzz/corpus        # seeds: corpus files and multi-file projects
    python fuzz/fuzz_loader.py -max_total_time=3600 -rss_limit_mb=1024 -timeout=10 fuzz/corpus

One input is a whole project: its bytes are cut at each ``FILE_SEPARATOR`` into the files of
``FILES`` in order (the compose file, its ``.env``, an ``extends`` base, an included file, an
``env_file``), so the fuzzer mutates ``.env`` syntax, interpolation, ``include`` and ``extends``
as well as the compose file. A crash is any exception escaping the loader, a rule crashing (an
internal-error finding), or an input that takes longer than ``-timeout``: all are bugs.
"""

from __future__ import annotations

import os
import sys
import tempfile

import atheris
from make_seeds import FILE_SEPARATOR, FILES

with atheris.instrument_imports():
    from composelint.compose.discovery import ProjectSpec
    from composelint.engine import RunOptions, lint_project
    from composelint.registry import Registry
    from composelint.settings import Settings

_DIR = tempfile.mkdtemp(prefix="composelint-fuzz-")
_REGISTRY = Registry.default(with_plugins=False)
_SETTINGS = Settings(select=("ALL",))
_OPTIONS = RunOptions(environ={"HOME": _DIR}, cwd=_DIR, root=_DIR)


def write_project(data: bytes, directory: str) -> str:
    """The project an input stands for, written into ``directory``; the compose file's path."""
    parts = data.split(FILE_SEPARATOR, len(FILES) - 1)
    for name, content in zip(FILES, parts + [b""] * (len(FILES) - len(parts)), strict=True):
        path = os.path.join(directory, name)
        if content or name == FILES[0]:
            with open(path, "wb") as handle:
                handle.write(content)
        elif os.path.exists(path):
            os.remove(path)
    return os.path.join(directory, FILES[0])


def test_one_input(data: bytes) -> None:
    compose_file = write_project(data, _DIR)
    result = lint_project(ProjectSpec((compose_file,)), _SETTINGS, _OPTIONS, _REGISTRY)
    crashed = [f for f in result.findings if f.rule_id == "CL100"]
    if crashed:
        raise RuntimeError(crashed[0].message)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
