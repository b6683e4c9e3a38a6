from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # The compiled schema cache goes to a per-session directory, never the developer's home.
    monkeypatch.setenv("COMPOSELINT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.getbasetemp() / "state"))
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("COMPOSE_PROFILES", raising=False)
    monkeypatch.delenv("COMPOSE_FILE", raising=False)
    monkeypatch.delenv("COMPOSE_PROJECT_NAME", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


class PluginEntryPoint:
    """An entry point of the `composelint.rules` group, as an installed distribution declares one."""

    def __init__(self, name: str, loaded: Any) -> None:
        self.name, self.value, self._loaded = name, f"tests.plugins:{name}", loaded

    def load(self) -> Any:
        if isinstance(self._loaded, Exception):
            raise self._loaded
        return self._loaded


@pytest.fixture
def plugins(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[PluginEntryPoint]]:
    """Plugins a test installs by appending entry points to the list."""
    from composelint import registry

    entries: list[PluginEntryPoint] = []
    monkeypatch.setattr(
        "importlib.metadata.entry_points", lambda group: entries if group == "composelint.rules" else []
    )
    # As if a distribution on sys.path declared the group (its entry_points.txt is what is looked for).
    monkeypatch.setattr(registry, "_may_have_plugins", lambda: True)
    registry._plugins.cache_clear()
    yield entries
    registry._plugins.cache_clear()


def shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return path


os.environ.setdefault("PYTHONHASHSEED", "0")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line when tests were skipped for want of ../shared (a fresh clone without it)."""
    reports = terminalreporter.stats.get("skipped", [])
    missing = [r for r in reports if str(SHARED) in str(getattr(r, "longrepr", ""))]
    if missing:
        terminalreporter.write_line(
            f"{len(missing)} tests skipped: {SHARED} (the corpus, Compose's fixtures, KICS's samples) "
            "is not beside this checkout"
        )
