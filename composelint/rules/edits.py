"""Building fixes: edits of the compose files as written, where each value was written.

Rules describe a fix as edits of spans of the raw files (``Context.documents``); the fixer checks
each on the reloaded project before writing it. The helpers here refuse what they cannot edit
faithfully (a value written through an anchor, a `<<` merge or `${VAR}`), saying why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from composelint.compose.span import Span
from composelint.compose.tree import YMap, YSeq
from composelint.finding import Edit, Fix
from composelint.project.model import Service
from composelint.rule import Context


def source_lines(ctx: Context, path: str) -> list[str]:
    """The lines of a file as read, without their line breaks (a trailing ``\\r`` is kept)."""
    lines: list[str] = ctx.shared(f"edit-lines:{path}", lambda: (ctx.sources.get(path) or "").split("\n"))
    return lines


def written(ctx: Context, span: Span) -> str | None:
    """The text of a one-line span as the file has it, or None."""
    lines = source_lines(ctx, span.path)
    if span.line != span.end_line or not 0 < span.line <= len(lines):
        return None
    return lines[span.line - 1][span.column - 1 : span.end_column - 1]


def raw_service(ctx: Context, service: Service, path: str | None = None) -> YMap | None:
    """The service's mapping as written in ``path`` (by default, where its key is)."""
    path = path or service.span.path
    for document in ctx.documents.get(path) or ():
        services = document.get("services") if isinstance(document, YMap) else None
        found = services.get(service.name) if isinstance(services, YMap) else None
        if isinstance(found, YMap):
            return found
    return None


def raw_top_level(ctx: Context, path: str, key: str) -> YMap | None:
    for document in ctx.documents.get(path) or ():
        found = document.get(key) if isinstance(document, YMap) else None
        if isinstance(found, YMap):
            return found
    return None


INTERPOLATED = "the value comes from `${...}` interpolation: change the variable instead"


def why_not_editable(ctx: Context, service: Service, span: Span) -> str | None:
    """Why the value written at ``span`` cannot be fixed for ``service`` alone, or None."""
    text = written(ctx, span)
    if text is not None and "$" in text:
        return INTERPOLATED
    own = raw_service(ctx, service, span.path)
    if own is None:
        return None  # written in another file of the project (an override, an extends base)
    if not _inside(span, own.span):
        return "the value comes from an anchor or a `<<` merge that other services may share"
    return None


def _inside(span: Span, outer: Span) -> bool:
    return (outer.line, outer.column) <= (span.line, span.column) and (span.end_line, span.end_column) <= (
        outer.end_line,
        outer.end_column,
    )


def _flow(ctx: Context, node: YMap | YSeq) -> bool:
    lines = source_lines(ctx, node.span.path)
    line = lines[node.span.line - 1] if 0 < node.span.line <= len(lines) else ""
    return line[node.span.column - 1 : node.span.column] in ("{", "[")


def _end_of_line(ctx: Context, path: str, line: int) -> Span:
    lines = source_lines(ctx, path)
    text = lines[line - 1].rstrip("\r")
    return Span.point(path, line, len(text) + 1)


def add_entry(ctx: Context, node: YMap | YSeq, text: str) -> Edit | None:
    """An edit adding ``text`` (`key: value` to a mapping, a value to a sequence) as the last entry of
    ``node`` as written: before the closing bracket of a flow collection, on a new line with the
    entries' indentation in a block one. None for an empty block collection (no indentation to copy)."""
    if _flow(ctx, node):
        closing = Span.point(node.span.path, node.span.end_line, node.span.end_column - 1)
        return Edit(closing, f", {text}" if len(node) else text)
    spans = node.item_spans if isinstance(node, YSeq) else list(node.key_spans.values())
    if not spans:
        return None
    first = spans[0]
    last = node.span
    lines = source_lines(ctx, node.span.path)
    first_line = lines[first.line - 1]
    if isinstance(node, YSeq):
        dash = first_line.rfind("-", 0, first.column - 1)
        if dash < 0 or first_line[:dash].strip():
            return None
        indent = " " * dash + "- "
    else:
        if first_line[: first.column - 1].strip(" -"):
            return None  # a key after other text on its line: no column to copy
        indent = " " * (first.column - 1)
    return Edit(_end_of_line(ctx, node.span.path, last_line(ctx, last)), "\n" + indent + text)


def replace(span: Span, text: str) -> Edit:
    return Edit(span, text)


def scalar_content(ctx: Context, span: Span) -> tuple[Span, str] | None:
    """The span and text of a one-line scalar's content, inside its quotes if it has them."""
    text = written(ctx, span)
    if text is None or not text:
        return None
    if text[0] in "'\"" and len(text) >= 2 and text[-1] == text[0]:
        inner = text[1:-1]
        if "\\" in inner or (text[0] == "'" and "''" in inner):
            return None  # escapes: the written text is not the value
        return Span(span.path, span.line, span.column + 1, span.line, span.end_column - 1), inner
    return span, text


def as_yaml(value: Any) -> str:
    """A flow-style YAML rendering of a short value, double-quoted where a plain scalar would be read
    as something else."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if not text or any(c in text for c in ":#{}[],&*!|>'\"%@`") or text.lower() in ("yes", "no", "on", "off"):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def no_fix(why: str, safe: bool = True) -> Fix:
    """A fix the rule cannot make, and why: `--fix` (with `--unsafe-fixes` for an unsafe rule's)
    reports it instead of editing."""
    return Fix(why, (), safe=safe)


def requoted(ctx: Context, span: Span, quote: str) -> Edit | None:
    """The one-line scalar at ``span`` written with ``quote`` (`"`, `'`, or "" for none), its value
    unchanged; None when the text holds quotes or escapes that would need rewriting."""
    text = written(ctx, span)
    if not text:
        return None
    content = scalar_content(ctx, span)
    if content is None:
        return None
    inner = content[1]
    if any(c in inner for c in "'\"\\"):
        return None
    return Edit(span, f"{quote}{inner}{quote}")


def reorder(ctx: Context, node: YMap | YSeq, order: Callable[[Any, Span], Any]) -> tuple[Edit, ...] | None:
    """Edits that put the entries of ``node`` in the order of ``order`` (applied to each key of a
    mapping, each item of a sequence, with where it is written; None keeps an entry right after
    the one before it), moving
    each entry with the comment lines just above it; blank lines stay where they are. None when
    the collection is not written one entry per line (or holds a `<<` merge)."""
    own = _own_entries(node)
    if len(own) < 2:
        return None
    ranks: list[Any] = []
    for entry, span in own:
        rank = order(entry, span)
        ranks.append(rank if rank is not None or not ranks else ranks[-1])
    if any(r is None for r in ranks):
        return None
    permutation = sorted(range(len(own)), key=lambda i: ranks[i])
    if permutation == list(range(len(own))):
        return None
    if _flow(ctx, node):
        edits = []
        for slot, source in zip(own, (own[i] for i in permutation), strict=True):
            text = written(ctx, source[1])
            if text is None or source[1].end_line != source[1].line:
                return None
            edits.append(Edit(slot[1], text))
        return tuple(edits)
    return _reordered_lines(ctx, node, own, permutation)


def _own_entries(node: YMap | YSeq) -> list[tuple[Any, Span]]:
    """(key or item, span where its entry starts) written in this collection, in file order."""
    if isinstance(node, YSeq):
        return [(item, span) for item, span in node.items_with_spans() if _inside(span, node.span)]
    keys = [(key, node.key_span(key)) for key in node if _inside(node.key_span(key), node.span)]
    return sorted(keys, key=lambda item: (item[1].line, item[1].column))


def _reordered_lines(
    ctx: Context, node: YMap | YSeq, own: list[tuple[Any, Span]], permutation: list[int]
) -> tuple[Edit, ...] | None:
    lines = source_lines(ctx, node.span.path)
    blocks: list[tuple[int, int]] = []  # (first line, last line) of each entry, 1-based
    previous_end = 0
    for index, (entry, start) in enumerate(own):
        line = lines[start.line - 1]
        indent = start.column - 1
        if isinstance(node, YSeq):
            indent = line.rfind("-", 0, start.column - 1)
            if indent < 0 or line[:indent].strip():
                return None
        elif line[:indent].strip():
            return None  # a key after other text on its line (`- key:` of a list item)
        end = _entry_end(ctx, node, entry, index, start)
        first = start.line
        while first - 1 > previous_end and _comment_at(lines[first - 2], indent):
            first -= 1
        if index and first <= previous_end:
            return None
        blocks.append((first, end))
        previous_end = end
    region_start, region_end = blocks[0][0], blocks[-1][1]
    between = [lines[blocks[i][1] : blocks[i + 1][0] - 1] for i in range(len(blocks) - 1)]
    if any("<<" in text for gap in between for text in gap):
        return None
    out: list[str] = []
    for position, index in enumerate(permutation):
        first, last = blocks[index]
        out.extend(lines[first - 1 : last])
        if position < len(between):
            out.extend(between[position])
    path = node.span.path
    span = Span(path, region_start, 1, region_end, len(lines[region_end - 1]) + 1)
    return (Edit(span, "\n".join(out)),)


def _entry_end(ctx: Context, node: YMap | YSeq, entry: Any, index: int, start: Span) -> int:
    """The last line of an entry: where its value ends."""
    span = node.item_spans[index] if isinstance(node, YSeq) else node.value_span(entry)
    if isinstance(node, YMap) and span == node.span:
        span = start  # a key without a value node of its own
    return max(last_line(ctx, span), start.line)


def last_line(ctx: Context, span: Span) -> int:
    """The last line holding text of the node at ``span``: a block scalar (or a collection ending
    with one) ends where the next token starts, after any blank lines."""
    lines = source_lines(ctx, span.path)
    end = min(span.end_line, len(lines))
    if end > span.line and not lines[end - 1][: span.end_column - 1].strip():
        end -= 1
    while end > span.line and not lines[end - 1].strip():
        end -= 1
    return end


def _comment_at(line: str, indent: int) -> bool:
    stripped = line.lstrip(" ")
    return stripped.startswith("#") and len(line) - len(stripped) == indent
