"""Compose files as written, for the style rules: raw value trees and how each scalar was quoted.

The project model is interpolated, merged and normalized, and its scalars no longer know whether they
were quoted. Ordering and quoting rules need each file as the user wrote it: the loader keeps the value
tree of every document it read, and this module adds the style of every scalar, read from the parser's
events over the file's text with the parser the loader uses (so positions agree). Styles are computed
on first use, which only happens when a quoting rule is enabled, and ``Context.source_file`` caches
them per file for the run.
"""

from __future__ import annotations

import enum
import io
from collections.abc import Sequence
from functools import cached_property

import yaml
from yaml.events import ScalarEvent

from composelint.compose.span import Span
from composelint.compose.tree import YMap

# The parser the loader uses (libyaml when available): its marks are the ones spans come from.
_PARSER = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader


class ScalarStyle(enum.Enum):
    PLAIN = "plain"
    SINGLE = "single-quoted"
    DOUBLE = "double-quoted"
    LITERAL = "literal block"
    FOLDED = "folded block"

    @property
    def quoted(self) -> bool:
        return self in (ScalarStyle.SINGLE, ScalarStyle.DOUBLE)


_STYLES = {
    "": ScalarStyle.PLAIN,
    None: ScalarStyle.PLAIN,
    "'": ScalarStyle.SINGLE,
    '"': ScalarStyle.DOUBLE,
    "|": ScalarStyle.LITERAL,
    ">": ScalarStyle.FOLDED,
}


class SourceFile:
    """One compose file as written: its documents before interpolation, and its scalar styles."""

    def __init__(self, path: str, text: str, documents: Sequence[YMap | None] | None) -> None:
        self.path = path
        self._text = text
        # The loader's trees; none when the file does not parse (CL101 says why).
        self.documents: tuple[YMap, ...] = tuple(doc for doc in documents or () if doc is not None)

    @cached_property
    def _styles(self) -> dict[tuple[int, int], ScalarStyle]:
        styles: dict[tuple[int, int], ScalarStyle] = {}
        if not self.documents:
            return styles  # unparsable: nothing to look up
        parser = _PARSER(self._text.encode("utf-8", "surrogatepass"))
        try:
            while parser.check_event():
                event = parser.get_event()
                if isinstance(event, ScalarEvent) and event.start_mark is not None:
                    mark = event.start_mark
                    styles[(mark.line + 1, mark.column + 1)] = _STYLES.get(event.style, ScalarStyle.PLAIN)
        except yaml.YAMLError:
            # The text kept for a file the reader decoded from UTF-16 is not the YAML it parsed:
            # the styles stay unknown rather than wrong.
            return {}
        finally:
            parser.dispose()
        return styles

    def style(self, span: Span) -> ScalarStyle | None:
        """How the scalar written at ``span`` was quoted; None if no scalar starts there."""
        if span.path != self.path:
            return None
        return self._styles.get((span.line, span.column))


def plain_safe(text: str) -> bool:
    """Whether ``text`` can be written as a plain (unquoted) scalar in block context and read back
    as the same string (no leading indicator, no ": " or " #", one line)."""
    analysis = yaml.emitter.Emitter(io.StringIO()).analyze_scalar(text)
    return bool(analysis.allow_block_plain and not analysis.multiline)
