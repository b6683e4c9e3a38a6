"""Report formats: each is a pure function from a ``Report`` to text."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from typing import Any

from composelint import __version__
from composelint.finding import Finding, Fix, Severity
from composelint.registry import Registry
from composelint.rule import Rule


class Report:
    """What a report renders: the findings and what they are read against. Treat it as immutable;
    ``_replace`` makes a changed copy. (A plain class: dataclasses cost 20 ms of start-up.)"""

    __slots__ = (
        "_sources",
        "color",
        "cwd",
        "fail_level",
        "files",
        "findings",
        "fingerprints",
        "fixes",
        "notes",
        "quiet",
        "registry",
        "rules_run",
        "statistics",
        "version",
    )

    def __init__(
        self,
        findings: tuple[Finding, ...],
        files: tuple[str, ...],  # every file that was linted (absolute)
        cwd: str,
        registry: Registry,
        fail_level: Severity,
        color: bool = False,
        version: str = __version__,
        # The rules that ran (JUnit shows their passing checks too).
        rules_run: tuple[type[Rule], ...] = (),
        # Stable identity of each finding (SARIF partialFingerprints, GitLab); see fingerprint.py.
        fingerprints: Mapping[Finding, str] | None = None,
        quiet: bool = False,  # the findings only: no summary, no verdict
        statistics: bool = False,  # counts per rule after the findings
        # What the reader should know about what was checked: files merged that were not all named.
        notes: tuple[str, ...] = (),
        # The fix each rule offers for a finding (unverified: --fix verifies before writing).
        fixes: Mapping[Finding, Fix] | None = None,
    ) -> None:
        self.findings = findings
        self.files = files
        self.cwd = cwd
        self.registry = registry
        self.fail_level = fail_level
        self.color = color
        self.version = version
        self.rules_run = rules_run
        self.fingerprints: Mapping[Finding, str] = fingerprints if fingerprints is not None else {}
        self.quiet = quiet
        self.statistics = statistics
        self.notes = notes
        self.fixes: Mapping[Finding, Fix] = fixes if fixes is not None else {}
        self._sources: dict[str, list[str] | None] = {}

    def _replace(self, **changes: Any) -> Report:
        fields = {name: getattr(self, name) for name in self.__slots__ if name != "_sources"}
        return Report(**{**fields, **changes})

    def source_lines(self, path: str) -> list[str] | None:
        """The lines of a linted file, read again for code frames (None if it cannot be read)."""
        if path not in self._sources:
            try:
                with open(path, encoding="utf-8", errors="replace", newline="") as handle:
                    text = handle.read(MAX_SOURCE_BYTES + 1)
            except OSError:
                text = None
            too_large = text is not None and len(text) > MAX_SOURCE_BYTES
            self._sources[path] = (
                None if text is None or too_large else text.removeprefix("\ufeff").splitlines()
            )
        return self._sources[path]

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


# Code frames are left out for larger files (they are refused by the loader's own limit anyway).
MAX_SOURCE_BYTES = 64 * 1024 * 1024

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
