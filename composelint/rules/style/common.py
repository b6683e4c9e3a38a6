"""What several style rules share."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

from composelint.compose.sourcetokens import SourceFile
from composelint.compose.span import Span
from composelint.compose.tree import YMap, YSeq
from composelint.finding import Fix
from composelint.rule import Context
from composelint.rules.edits import no_fix, reorder


def inside(span: Span, outer: Span) -> bool:
    return span.path == outer.path and (
        (outer.line, outer.column) <= (span.line, span.column) <= (outer.end_line, outer.end_column)
    )


def own_keys(mapping: YMap) -> list[tuple[str, Span]]:
    """The keys written in this mapping, in file order (not those a `<<:` merge key brought in)."""
    keys = [(key, mapping.key_span(key)) for key in mapping if inside(mapping.key_span(key), mapping.span)]
    return sorted(keys, key=lambda item: (item[1].line, item[1].column))


def own_items(sequence: YSeq) -> list[tuple[Any, Span]]:
    return [(item, span) for item, span in sequence.items_with_spans() if inside(span, sequence.span)]


def written_documents(ctx: Context) -> Iterator[tuple[SourceFile, YMap]]:
    """Every document of every compose file of the project, as written."""
    for path in ctx.project.config_files:
        source = ctx.source_file(path)
        if source is not None:
            for document in source.documents:
                yield source, document


def written_services(ctx: Context) -> Iterator[tuple[SourceFile, str, YMap]]:
    """(file, name, definition as written) for each service written in each file."""
    for source, document in written_documents(ctx):
        services = document.get("services")
        if isinstance(services, YMap):
            for name, _ in own_keys(services):
                definition = services[name]
                if isinstance(definition, YMap):
                    yield source, name, definition


# Unicode collation of ASCII punctuation (non-ignorable, as JavaScript's localeCompare, which dclint
# uses): punctuation sorts before digits, digits before letters; case only breaks ties.
PUNCTUATION = "_-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$"


SortKey = tuple[tuple[tuple[int, str], ...], tuple[bool, ...]]


def sort_key(name: str) -> SortKey:
    primary = tuple(
        (0, f"{PUNCTUATION.index(ch):02d}")
        if ch in PUNCTUATION
        else (1, ch)
        if ch.isdigit()
        else (2, ch.casefold())  # may be two letters ("ß" is "ss"), which compares as it should
        for ch in name
    )
    return primary, tuple(ch.isupper() for ch in name)


class Rank(NamedTuple):
    position: int
    name: str  # for keys outside the order, when they must come last in alphabetical order


def order_violations(
    keys: Sequence[tuple[str, Span]], rank: Callable[[str], Rank | None], against_highest: bool
) -> Iterator[tuple[str, Span, str]]:
    """(key, span, earlier key) for each key ranked before an earlier key: the one just above it, or
    with ``against_highest`` the highest-ranked one so far (dclint does the first for service keys,
    the second for top-level keys)."""
    reference: tuple[str, Rank] | None = None
    for key, span in keys:
        current = rank(key)
        if current is None:
            continue
        misplaced = reference is not None and current < reference[1]
        if reference is not None and misplaced:
            yield key, span, reference[0]
        if not (misplaced and against_highest):
            reference = (key, current)


def sorted_fix(
    ctx: Context,
    node: YMap | YSeq,
    order: Callable[[Any, Span], Any],
    description: str,
    fields: tuple[str, ...] = (),
) -> Fix:
    """The safe fix that puts a collection in order (one per collection, however many findings)."""

    def build() -> Fix:
        edits = reorder(ctx, node, order)
        if edits is None:
            return no_fix("the entries are not written one per line (or the collection holds a merge)")
        return Fix(description, edits, safe=True, fields=fields)

    fix: Fix = ctx.shared(f"sorted:{id(node)}:{description}", build)
    return fix
