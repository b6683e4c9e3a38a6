"""Where a finding sits in its file's YAML, and stable identities for findings built from it.

A finding's *place* is the YAML path of the node it points at (``services/db/ports/[5432:5432]``) and
the line of the key holding that node (suppression comments on that line apply). Its *fingerprint*
hashes the rule, the file, the place and an occurrence index, and leaves line numbers out on purpose:
inserting lines elsewhere in a file must not make an old finding look new (baselines, SARIF
``partialFingerprints``, GitLab fingerprints). Places come from the documents the loader already
parsed, and are only computed for runs that need them.
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from composelint.compose.tree import YMap, YSeq
from composelint.finding import Finding

YamlPath = tuple[str, ...]


class Place(NamedTuple):
    path: YamlPath
    key_line: int  # line of the key holding the node (for a sequence item: the sequence's key)


def _item_label(index: int, value: Any) -> str:
    # Scalar items are named by their text, so inserting an item before them keeps their path.
    if isinstance(value, (dict, list)):
        return f"[{index}]"
    return f"[={value}]"


class NodeIndex:
    """Every key, value and sequence item of one file's documents, by (line, column) of its start."""

    def __init__(self, documents: Sequence[YMap | None]) -> None:
        self._places: dict[tuple[int, int], Place] = {}
        for number, document in enumerate(documents):
            if document is not None:
                # A second document's paths start with its number; the first one's need no prefix.
                prefix: YamlPath = (f"--- {number}",) if number else ()
                self._walk(document, prefix, document.span.line)
        self._positions = sorted(self._places)

    def _record(self, line: int, column: int, place: Place) -> None:
        # A node nested in the one already recorded there names the position (a block mapping starts
        # at its first key); otherwise the first in document order does: an anchor's definition, not
        # the copies that merge keys and aliases make of it.
        known = self._places.get((line, column))
        if known is None or (
            len(place.path) > len(known.path) and place.path[: len(known.path)] == known.path
        ):
            self._places[(line, column)] = place

    def _walk(self, root: YMap, prefix: YamlPath, root_line: int) -> None:
        stack: list[tuple[Any, YamlPath, int]] = [(root, prefix, root_line)]
        while stack:
            node, path, key_line = stack.pop()
            children: list[tuple[Any, YamlPath, int]] = []
            if isinstance(node, YMap):
                for key, value, key_span, value_span in node.items_with_spans():
                    place = Place((*path, str(key)), key_span.line)
                    self._record(key_span.line, key_span.column, place)
                    self._record(value_span.line, value_span.column, place)
                    children.append((value, place.path, key_span.line))
            elif isinstance(node, YSeq):
                for index, (value, span) in enumerate(node.items_with_spans()):
                    place = Place((*path, _item_label(index, value)), key_line)
                    self._record(span.line, span.column, place)
                    children.append((value, place.path, key_line))
            stack.extend(reversed(children))  # document order

    def place(self, line: int, column: int) -> Place | None:
        """The node starting at (line, column), else the nearest one before it; None before any node."""
        found = self._places.get((line, column))
        if found is not None:
            return found
        before = bisect.bisect_left(self._positions, (line, column)) - 1
        return self._places[self._positions[before]] if before >= 0 else None


def env_file_key(text: str, line: int) -> str:
    """The variable a line of an env file defines (``export KEY=value`` -> ``KEY``)."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return ""
    statement = lines[line - 1].strip().removeprefix("export ").lstrip()
    return statement.split("=", 1)[0].strip()


class Locator:
    """Places of findings across the files of one project, with each file indexed on first use."""

    def __init__(
        self, documents: Mapping[str, Sequence[YMap | None] | None], sources: Mapping[str, str]
    ) -> None:
        self._documents = documents
        self._sources = sources
        self._indexes: dict[str, NodeIndex | None] = {}

    def index(self, path: str) -> NodeIndex | None:
        if path not in self._indexes:
            documents = self._documents.get(path)
            self._indexes[path] = NodeIndex(documents) if documents else None
        return self._indexes[path]

    def place(self, finding: Finding) -> Place:
        if finding.path not in self._documents and finding.path in self._sources:
            # Not a YAML file: an env file, whose findings are named by the variable of their line.
            return Place(("env", env_file_key(self._sources[finding.path], finding.line)), finding.line)
        index = self.index(finding.path)
        found = index.place(finding.line, finding.column) if index is not None else None
        if found is not None:
            return found
        # Before the first node or in a file that did not parse: the rule's message names the problem.
        return Place(("", _without_positions(finding.message)), finding.line)


def _without_positions(message: str) -> str:
    return re.sub(r"\b(line|column)s? [0-9]+", r"\1", message)


def places(findings: Iterable[Finding], locator: Locator) -> dict[Finding, Place]:
    return {finding: locator.place(finding) for finding in findings}


def fingerprints(
    findings: Iterable[Finding], places: Mapping[Finding, Place], base_dir: str
) -> dict[Finding, str]:
    """A stable fingerprint per finding: rule, path relative to ``base_dir``, YAML path, occurrence.

    The occurrence index tells apart findings of one rule on one node (counted in file order), so
    each fingerprint is unique within a run.
    """
    import hashlib  # only reports with fingerprints pay for it

    seen: dict[tuple[str, str, YamlPath], int] = {}
    out: dict[Finding, str] = {}
    for finding in sorted(set(findings)):
        path = relative_posix(finding.path, base_dir)
        place = places.get(finding)
        where = place.path if place is not None else ("", _without_positions(finding.message))
        key = (finding.rule_id, path, where)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        text = "\x1f".join((finding.rule_id, path, *where, str(occurrence)))
        out[finding] = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return out


def relative_posix(path: str, base_dir: str) -> str:
    try:
        relative = os.path.relpath(path, base_dir)
    except ValueError:  # another drive on Windows
        relative = path
    return relative.replace(os.sep, "/")
