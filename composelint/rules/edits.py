"""Building fixes: edits of the compose files as written, where each value was written.

Rules describe a fix as edits of spans of the raw files (``Context.documents``); the fixer checks
each on the reloaded project before writing it. The helpers here refuse what they cannot edit
faithfully (a value written through an anchor, a `<<` merge or `${VAR}`), saying why.
"""

from __future__ import annotations

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


def why_not_editable(ctx: Context, service: Service, span: Span) -> str | None:
    """Why the value written at ``span`` cannot be fixed for ``service`` alone, or None."""
    text = written(ctx, span)
    if text is not None and "$" in text:
        return "the value comes from `${...}` interpolation: fix the variable instead"
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
    return Edit(_end_of_line(ctx, node.span.path, last.end_line), "\n" + indent + text)


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


def no_fix(why: str) -> Fix:
    """A fix the rule cannot make, and why: `--fix` reports it instead of editing."""
    return Fix(why, (), safe=False)


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
