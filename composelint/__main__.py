from __future__ import annotations

from composelint.cli import run

run()
