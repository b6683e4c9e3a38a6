"""Plugins that could not be loaded: a warning on stderr, never a failed run."""

from __future__ import annotations

import sys

from composelint.printable import printable
from composelint.registry import Registry


def warn_about_broken_plugins(registry: Registry) -> None:
    for failure in registry.plugin_failures():
        message = f"composelint: warning: plugin {failure.entry_point} not loaded: {failure.error}"
        sys.stderr.write(printable(message) + "\n")
