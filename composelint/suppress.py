"""Inline suppressions written as YAML comments.

    image: postgres:16  # composelint: disable=exposed-database -- reachable from the VPN only
    # composelint: disable=CL202          (alone on its line: the next line of YAML)
    # composelint: disable=CL4 ... # composelint: enable=CL4   (a block, up to the enable)
    # composelint: disable-file=non-external-critical-volume   (the whole file)

Rules are named by id, id prefix or name, separated by commas; no rules means every rule. A reason
may follow ``--``. A directive on a key's line also covers the values under that key (``ports:  #
composelint: disable=CL202`` covers every port of the list). Comments are found between the tokens
of PyYAML's scanner, as yamllint does, so a ``#`` inside a quoted value is never taken for one; only
files whose text mentions ``composelint:`` are scanned.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

import yaml

from composelint.compose.span import Span
from composelint.finding import Finding, Violation
from composelint.fingerprint import Locator
from composelint.registry import Registry

MARKER = "composelint:"
# The rule whose findings are the unused suppressions; the engine reports them after every project.
UNUSED_SUPPRESSION = "unused-suppression"
_PARSER: Any = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_DIRECTIVE = re.compile(
    r"composelint:\s*(?P<verb>disable-file|disable|enable)\b\s*(?:=\s*(?P<rules>.*?))?\s*(?:--\s*(?P<reason>.*?))?\s*\Z"
)


class Comment(NamedTuple):
    line: int  # 1-based
    column: int  # 1-based, of the "#"
    text: str  # after the "#"
    own_line: bool  # nothing but blanks before it on its line
    next_line: int  # line of the next YAML token (what an own-line comment speaks about)


def comments(text: str) -> list[Comment]:
    """Every comment of a YAML text: the text between consecutive scanner tokens that follows a "#"."""
    starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
    found: list[Comment] = []
    previous_end = (0, 0)
    loader = _PARSER(text)
    try:
        while loader.check_token():
            token = loader.get_token()
            start = (token.start_mark.line, token.start_mark.column)
            if start > previous_end:
                found.extend(_comments_between(text, starts, previous_end, start))
            previous_end = max(previous_end, (token.end_mark.line, token.end_mark.column))
    except yaml.YAMLError:
        pass  # a file that does not scan keeps the directives written before the error
    finally:
        loader.dispose()
    return found


def _comments_between(
    text: str, starts: Sequence[int], begin: tuple[int, int], end: tuple[int, int]
) -> Iterator[Comment]:
    for line in range(begin[0], min(end[0], len(starts) - 1) + 1):
        line_start = starts[line]
        line_end = starts[line + 1] if line + 1 < len(starts) else len(text)
        low = line_start + (begin[1] if line == begin[0] else 0)
        high = min(line_end, line_start + end[1]) if line == end[0] else line_end
        hash_at = text.find("#", low, high)
        if hash_at < 0:
            continue
        body = _LINE_BREAK.split(text[hash_at + 1 : line_end], maxsplit=1)[0]
        own_line = not text[line_start:hash_at].strip()
        yield Comment(line + 1, hash_at - line_start + 1, body, own_line, end[0] + 1)


# Plain classes, not dataclasses: see compose/limits.py.
class Suppression:
    """One directive: which rules, which lines, and whether it suppressed anything."""

    __slots__ = (
        "block",
        "last_line",
        "reason",
        "rule_ids",
        "selectors",
        "span",
        "target_line",
        "unknown",
        "used",
        "verb",
    )

    def __init__(
        self,
        span: Span,
        verb: str,  # disable, disable-file (enable directives only close blocks)
        selectors: tuple[str, ...],  # as written; empty: every rule
        rule_ids: frozenset[str] | None,  # None: every rule
        unknown: tuple[str, ...],  # selectors that name no rule
        reason: str | None,
        target_line: int,  # the line it covers (block and file directives: first line)
        last_line: int,  # blocks: the line of their enable
        block: bool = False,
        used: bool = False,
    ) -> None:
        self.span = span
        self.verb = verb
        self.selectors = selectors
        self.rule_ids = rule_ids
        self.unknown = unknown
        self.reason = reason
        self.target_line = target_line
        self.last_line = last_line
        self.block = block
        self.used = used

    def covers(self, finding: Finding, key_line: int) -> bool:
        if self.rule_ids is not None and finding.rule_id not in self.rule_ids:
            return False
        if self.verb == "disable-file":
            return True
        if self.block:
            return self.target_line <= finding.line <= self.last_line
        return self.target_line in (finding.line, key_line)


class Directives:
    """The directives of one file, or of every YAML file of a project."""

    __slots__ = ("malformed", "suppressions")

    def __init__(
        self, suppressions: list[Suppression] | None = None, malformed: list[Span] | None = None
    ) -> None:
        self.suppressions: list[Suppression] = suppressions if suppressions is not None else []
        # "composelint:" comments that say nothing valid
        self.malformed: list[Span] = malformed if malformed is not None else []


def directives(path: str, text: str, registry: Registry) -> Directives:
    result = Directives()
    if MARKER not in text:
        return result
    open_blocks: list[Suppression] = []
    for comment in comments(text):
        body = comment.text.strip()
        if not body.startswith(MARKER):
            continue
        span = Span(
            path, comment.line, comment.column, comment.line, comment.column + 1 + len(comment.text.rstrip())
        )
        match = _DIRECTIVE.match(body)
        if match is None:
            result.malformed.append(span)
            continue
        selectors = tuple(s.strip() for s in (match.group("rules") or "").split(",") if s.strip())
        verb = match.group("verb")
        if verb == "enable":
            closing = set(selectors)
            for item in open_blocks:
                if not closing or not item.selectors or closing & set(item.selectors):
                    item.block, item.last_line = True, comment.line
            open_blocks = [item for item in open_blocks if not item.block]
            continue
        matched = {r.id for s in selectors for r in registry.matching(s)}
        item = Suppression(
            span=span,
            verb=verb,
            selectors=selectors,
            rule_ids=frozenset(matched) if selectors else None,
            unknown=tuple(s for s in selectors if not registry.matching(s)),
            reason=(match.group("reason") or "").strip() or None,
            target_line=comment.next_line if comment.own_line and verb == "disable" else comment.line,
            last_line=comment.line,
        )
        if verb == "disable" and comment.own_line:
            item.last_line = comment.next_line
            open_blocks.append(item)
        result.suppressions.append(item)
    return result  # disables never closed by an enable cover their next line only


def apply(
    findings: Iterable[Finding],
    sources: Mapping[str, str],
    yaml_files: Iterable[str],
    locator: Locator,
    registry: Registry,
) -> tuple[list[Finding], Directives]:
    """The findings no directive of their file covers, and the project's directives (``used`` set)."""
    per_file = {
        path: directives(path, sources[path], registry)
        for path in yaml_files
        if path in sources and MARKER in sources[path]
    }
    kept: list[Finding] = []
    for finding in findings:
        file = per_file.get(finding.path)
        if file is None or not file.suppressions:
            kept.append(finding)
            continue
        key_line = locator.place(finding).key_line
        covering = [s for s in file.suppressions if s.covers(finding, key_line)]
        for suppression in covering:
            suppression.used = True
        if not covering:
            kept.append(finding)
    return kept, Directives(
        [s for file in per_file.values() for s in file.suppressions],
        [span for file in per_file.values() for span in file.malformed],
    )


def unused(projects: Sequence[Directives], enabled_ids: set[str]) -> Iterator[Violation]:
    """Directives that suppressed nothing in any project that read their file.

    A directive naming a rule that did not run is not reported: it may well be needed when it does.
    """
    used = {s.span for result in projects for s in result.suppressions if s.used}
    reported: set[Span] = set()
    for result in projects:
        for span in result.malformed:
            if span not in reported:
                reported.add(span)
                yield Violation(
                    span,
                    "not a composelint directive: write `composelint: disable=RULES`, `enable=RULES` "
                    "or `disable-file=RULES` (RULES: ids or names, separated by commas)",
                )
        for item in result.suppressions:
            if item.span in used or item.span in reported:
                continue
            if item.unknown:
                reported.add(item.span)
                yield Violation(item.span, f"suppression names unknown rule {', '.join(item.unknown)}")
            elif item.rule_ids is None or item.rule_ids <= enabled_ids:
                reported.add(item.span)
                names = ", ".join(item.selectors) or "any rule"
                where = "in this file" if item.verb == "disable-file" else "on the lines it covers"
                yield Violation(item.span, f"unused suppression: no finding of {names} {where}")
