"""Report formats: each is a pure function from a ``Report`` to text."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from composelint import __version__
from composelint.finding import Finding, Severity
from composelint.registry import Registry
from composelint.rule import Rule


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    files: tuple[str, ...]  # every file that was linted (absolute)
    cwd: str
    registry: Registry
    fail_level: Severity
    color: bool = False
    version: str = __version__
    # The rules that ran (JUnit shows their passing checks too).
    rules_run: tuple[type[Rule], ...] = ()
    # Stable identity of each finding (SARIF partialFingerprints, GitLab); see fingerprint.py.
    fingerprints: Mapping[Finding, str] = field(default_factory=dict)

    def rule(self, finding: Finding) -> type[Rule] | None:
        return self.registry.by_id.get(finding.rule_id)

    def relpath(self, path: str) -> str:
        """Paths as the user sees them: relative to the working directory when inside it."""
        if not os.path.isabs(path):
            return path
        try:
            return os.path.relpath(path, self.cwd)
        except ValueError:  # another drive on Windows
            return path

    def counts(self) -> dict[str, int]:
        counts = {severity.value: 0 for severity in reversed(Severity)}
        for finding in self.findings:
            counts[finding.severity.value] += 1
        return counts

    @property
    def failed(self) -> bool:
        return any(f.severity.rank >= self.fail_level.rank for f in self.findings)


Formatter = Callable[[Report], str]


def formatter(name: str) -> Formatter | None:
    """The renderer of one format; only its module is imported."""
    if name not in FORMAT_NAMES:
        return None
    module = importlib.import_module(f"composelint.formats.{_MODULES.get(name, name)}")
    render: Formatter = module.render
    return render


FORMAT_NAMES = ("text", "json", "sarif", "github", "gitlab", "junit", "compact")
# Formats that carry stable fingerprints, so the run must locate each finding's YAML node.
_MODULES = {"json": "json_format"}  # "json" would shadow the standard library
FINGERPRINTED = ("sarif", "gitlab")
