"""Applying the fixes rules offer, each verified on the fixed project before anything is written.

On the texts as they are after the fixes accepted so far, the fixes that do not overlap are applied
in memory together (or, when that fails, one at a time), the project is loaded and linted again from
those texts (an overlay of the files), and the fixes are kept only when

- the project still loads and has no validity error it did not have;
- the finding it fixes is gone;
- the normalized project differs from before only in the fields the fix says it changes (a value
  shared through an anchor would change other services too: refused).

Nothing is written here: the caller writes the texts of ``FixOutcome.changed`` (atomically).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from composelint.compose.discovery import ProjectSpec
from composelint.compose.tree import plain
from composelint.engine import ProjectResult, RunOptions, lint_project, load
from composelint.finding import Edit, Finding, Fix
from composelint.registry import Registry
from composelint.settings import Settings

# A project with more fixes than this is fixed that far; the rest are reported as usual.
MAX_FIXES_PER_PROJECT = 500


class Applied(NamedTuple):
    finding: Finding
    fix: Fix


class Refused(NamedTuple):
    finding: Finding
    fix: Fix
    why: str


class FixOutcome:
    """What fixing one project did: the fixes kept and refused, and each changed file's texts."""

    __slots__ = ("applied", "changed", "refused")

    def __init__(self) -> None:
        self.applied: list[Applied] = []
        self.refused: list[Refused] = []
        self.changed: dict[str, tuple[bytes, bytes]] = {}  # path -> (before, after)


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """``text`` with the edits made; raises ValueError for edits that overlap or fall outside it."""
    starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            starts.append(index + 1)

    def offset(line: int, column: int) -> int:
        if not 0 < line <= len(starts):
            raise ValueError(f"line {line} is outside the file")
        end = starts[line] - 1 if line < len(starts) else len(text)
        position = starts[line - 1] + column - 1
        if not starts[line - 1] <= position <= end + 1:
            raise ValueError(f"column {column} is outside line {line}")
        return position

    ranges = sorted(
        (
            (offset(e.span.line, e.span.column), offset(e.span.end_line, e.span.end_column), e.text)
            for e in edits
        ),
        reverse=True,
    )
    previous_start = len(text) + 1
    for start, end, replacement in ranges:
        if end < start or end > previous_start:
            raise ValueError("edits overlap")
        text = text[:start] + replacement + text[end:]
        previous_start = start
    return text


def _key(finding: Finding) -> tuple[str, str, str | None, str]:
    """A finding told apart from others without its position, which fixes move."""
    return finding.rule_id, finding.path, finding.service, finding.message


def _changed_paths(before: Any, after: Any, where: str = "") -> Iterator[str]:
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after)):
            inner = f"{where}.{key}" if where else str(key)
            if key not in before or key not in after:
                yield inner
            else:
                yield from _changed_paths(before[key], after[key], inner)
    elif before != after:
        yield where


def _allowed(path: str, fields: Sequence[str]) -> bool:
    return any(path == field or path.startswith(field + ".") for field in fields)


class _Project:
    """A project's files as the fixes so far left them, linted again on demand."""

    def __init__(
        self, spec: ProjectSpec, settings: Settings, options: RunOptions, registry: Registry
    ) -> None:
        self.spec = spec
        # Whatever the selection, the validity rules judge whether a fix keeps the project valid.
        self.settings = settings._replace(extend_select=(*settings.extend_select, "CL1"))
        self.options = options
        self.registry = registry
        self.texts: dict[str, str] = {}  # path -> the text as fixed so far
        self.originals: dict[str, bytes] = {}

    def overlay(self, texts: Mapping[str, str]) -> dict[str, bytes]:
        return {path: text.encode("utf-8") for path, text in texts.items()}

    def lint(self, texts: Mapping[str, str]) -> tuple[ProjectResult, Any]:
        options = self.options._replace(overlay={**self.options.overlay, **self.overlay(texts)})
        result = lint_project(self.spec, self.settings, options, self.registry)
        loaded = load(self.spec, self.settings, options)
        return result, None if loaded.model is None else plain(loaded.model)

    def text(self, path: str) -> str | None:
        """The file's text as fixed so far; None when it cannot be edited faithfully."""
        if path not in self.texts:
            try:
                if path in self.options.overlay:  # an editor's unsaved buffer
                    data = self.options.overlay[path]
                else:
                    with open(path, "rb") as handle:
                        data = handle.read()
                text = data.decode("utf-8")
            except (OSError, UnicodeDecodeError):
                return None
            if text.startswith("\ufeff") or "\r" in text.replace("\r\n", "") or "\x85" in text:
                return None  # positions would not match the reader's (a BOM, old Mac or NEL breaks)
            self.originals[path] = data
            self.texts[path] = text
        return self.texts[path]


def fix_project(
    spec: ProjectSpec, settings: Settings, options: RunOptions, registry: Registry, unsafe: bool
) -> FixOutcome:
    """Apply the safe fixes (and the unsafe ones with ``unsafe``), each verified: first all that do
    not overlap, verified together; when that fails, one at a time."""
    outcome = FixOutcome()
    project = _Project(spec, settings, options, registry)
    result, model = project.lint({})
    refused: set[tuple[str, str, str | None, str]] = set()
    for _ in range(MAX_FIXES_PER_PROJECT):
        groups: dict[Fix, list[Finding]] = {}  # one fix may serve several findings (a sort)
        for finding, fix in result.fixes.items():
            if (fix.safe or unsafe) and _key(finding) not in refused:
                groups.setdefault(fix, []).append(finding)
        for fix, findings in list(groups.items()):
            if not fix.edits:  # the rule says why it cannot fix these
                del groups[fix]
                refused.update(_key(f) for f in findings)
                outcome.refused.extend(Refused(f, fix, fix.description) for f in findings)
        if not groups:
            break
        batch = _non_overlapping(list(groups.items()))
        verdict = _try(project, result, model, batch) if len(batch) > 1 else None
        if verdict is None or isinstance(verdict, str):
            batch = [next(iter(groups.items()))]
            verdict = _try(project, result, model, batch)
        if isinstance(verdict, str):
            fix, findings = batch[0]
            refused.update(_key(f) for f in findings)
            outcome.refused.append(Refused(findings[0], fix, verdict))
            continue
        texts, result, model = verdict
        project.texts.update(texts)
        outcome.applied.extend(Applied(f, fix) for fix, findings in batch for f in findings)
    for path, text in project.texts.items():
        data = text.encode("utf-8")
        if data != project.originals[path]:
            outcome.changed[path] = (project.originals[path], data)
    return outcome


def check_fix(
    spec: ProjectSpec, settings: Settings, options: RunOptions, registry: Registry, fix: Fix
) -> str | None:
    """Why ``fix`` (offered in the project as ``options`` reads it) would be refused, or None when
    it passes the verification `--fix` makes (for an editor's code action)."""
    project = _Project(spec, settings, options, registry)
    result, model = project.lint({})
    findings = [finding for finding, offered in result.fixes.items() if offered == fix]
    if not findings:
        return "the finding is no longer there"
    verdict = _try(project, result, model, [(fix, findings)])
    return verdict if isinstance(verdict, str) else None


def _non_overlapping(groups: list[tuple[Fix, list[Finding]]]) -> list[tuple[Fix, list[Finding]]]:
    """The fixes, in order, whose edits touch nothing an earlier one touches (an insertion at the
    same place counts as touching: their order would be a guess)."""
    taken: list[tuple[str, tuple[int, int], tuple[int, int]]] = []
    chosen = []
    for fix, findings in groups:
        ranges = [
            (e.span.path, (e.span.line, e.span.column), (e.span.end_line, e.span.end_column))
            for e in fix.edits
        ]
        if any(
            path == other and start <= other_end and other_start <= end
            for path, start, end in ranges
            for other, other_start, other_end in taken
        ):
            continue
        taken.extend(ranges)
        chosen.append((fix, findings))
    return chosen


def _try(
    project: _Project, before: ProjectResult, model: Any, batch: Sequence[tuple[Fix, list[Finding]]]
) -> str | tuple[dict[str, str], ProjectResult, Any]:
    """The fixed texts and what linting them gave, or why the fixes are refused."""
    by_path: dict[str, list[Edit]] = {}
    for fix, _ in batch:
        for edit in fix.edits:
            by_path.setdefault(edit.span.path, []).append(edit)
    texts: dict[str, str] = {}
    for path, edits in by_path.items():
        if path not in before.compose_files:
            return f"it would edit {path}, which is not a compose file of the project"
        text = project.text(path)
        if text is None:
            return f"{path} cannot be edited faithfully (not UTF-8, a byte-order mark or unusual line breaks)"
        try:
            texts[path] = apply_edits(text, edits)
        except ValueError as exc:
            return f"its edits do not fit the file ({exc})"
    after, after_model = project.lint({**project.texts, **texts})
    if after_model is None:
        return "the fixed project would not load"
    errors_before = Counter(_key(f) for f in before.findings if f.rule_id.startswith("CL1"))
    new_errors = [f for f in after.findings if f.rule_id.startswith("CL1") and errors_before[_key(f)] == 0]
    if new_errors:
        return f"it would make the project invalid ({new_errors[0].rule_id}: {new_errors[0].message})"
    counts_before = Counter(_key(f) for f in before.findings)
    counts_after = Counter(_key(f) for f in after.findings)
    for _, findings in batch:
        if all(counts_after[_key(f)] >= counts_before[_key(f)] for f in findings):
            return "the finding would still be there"
    fields = [field for fix, _ in batch for field in fix.fields]
    changed = [path for path in _changed_paths(model, after_model) if not _allowed(path, fields)]
    if changed:
        return f"it would also change {', '.join(changed[:3])} (a value shared through an anchor or a merge?)"
    return texts, after, after_model
