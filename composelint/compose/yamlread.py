"""Read compose YAML into value trees, resolving scalars the way Docker Compose (go-yaml) does.

PyYAML's constructors and resolvers implement YAML 1.1 (``yes`` is a bool, ``22:22`` is base-60,
``0o17`` is a string), so this module builds ``YMap``/``YSeq`` trees straight from parser *events*
with its own go-yaml-compatible scalar resolution. Nothing is ever constructed from a tag, so a
hostile file cannot run code; an explicit stack instead of recursion and a node budget that counts
alias expansions keep deep or billion-laughs files cheap to reject.

Behaviour checked on Docker Compose 2.40.3 (go.yaml.in/yaml/v3 3.0.4, compose-go 2.9.1):
plain scalars follow ``resolve()`` (see ``_resolve_plain``); unknown tags keep the scalar as a string
and collections as they are; ``!!binary`` is base64-decoded; UTF-16 with a BOM is accepted;
anchors stay visible in later documents of the same file.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from decimal import Decimal
from typing import Any, NamedTuple, NoReturn

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from composelint.compose.errors import ComposeError, ComposeErrors, each_error
from composelint.compose.limits import DEFAULT_LIMITS, Limits
from composelint.compose.span import Span
from composelint.compose.tree import OverrideTag, ResetTag, YMap, YSeq

__all__ = ["ParsedFile", "parse_file", "read_documents"]


# libyaml (the C parser) when PyYAML was built with it, else the pure-Python one. Only the parser
# part is used (get_event); the loaders' constructors and resolvers never run.
_PARSER: Any = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = _TAG + "str", _TAG + "int", _TAG + "float", _TAG + "bool", _TAG + "null"
_BINARY, _MERGE, _TIMESTAMP_TAG = _TAG + "binary", _TAG + "merge", _TAG + "timestamp"
_RESET, _OVERRIDE = "!reset", "!override"
# The largest node depth libyaml accepts before its own "exceeded maximum nesting depth" error.
_LIBYAML_MAX_DEPTH = 1000

# Plain scalars with a fixed meaning (go-yaml's resolve table): YAML 1.2 core booleans and nulls only.
_SPECIAL: dict[str, Any] = {
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
    **dict.fromkeys(("~", "null", "Null", "NULL"), None),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
    **dict.fromkeys(("-0", "-0.0"), -0.0),
}
_MISSING = object()
# go-yaml only tries numbers for scalars starting with a digit, a sign or a dot.
_NUMBER_START = frozenset("0123456789+-.")
_GO_DIGITS = {
    2: re.compile(r"[01]+\Z"),
    8: re.compile(r"[0-7]*\Z"),
    10: re.compile(r"[0-9]+\Z"),
    16: re.compile(r"[0-9a-fA-F]+\Z"),
}
_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
# strconv.ParseFloat on text starting with ".": "_" only between digits.
_DOT_FLOAT = re.compile(r"\.[0-9]+(_[0-9]+)*([eE][-+]?[0-9]+(_[0-9]+)*)?\Z")
_INT64_MIN, _INT64_MAX, _UINT64_MAX = -(2**63), 2**63 - 1, 2**64 - 1
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# go-yaml's timestamp layouts (time.Parse): a date, then optionally a time with "T" and a zone, or
# with a space and no zone. Only a date that exists counts ("2024-02-30" stays a string).
_TIMESTAMP = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
    r"(?:[Tt]([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,][0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})"
    r"| ([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,][0-9]+)?)?\Z"
)
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _resolve_plain(text: str) -> Any:
    """The value of an untagged plain scalar, as go-yaml resolves it (timestamps stay strings)."""
    special = _SPECIAL.get(text, _MISSING)
    if special is not _MISSING:
        return special
    if not text:
        return None
    if text[0] not in _NUMBER_START:
        return text
    return _resolve_number(text)


def _resolve_number(text: str) -> Any:
    if text[0] == ".":
        # Go's ParseFloat on the text as written (underscores between digits allowed).
        if _DOT_FLOAT.match(text):
            return _finite_float(text.replace("_", ""), text)
        return text
    plain = text.replace("_", "")
    number = _go_parse_int(plain)
    if number is not None:
        return number
    if _YAML_FLOAT.match(plain):
        return _finite_float(plain, text)
    return text


def _finite_float(digits: str, text: str) -> Any:
    # ParseFloat fails with ErrRange on overflow, and go-yaml then keeps the string.
    value = float(digits)
    return text if math.isinf(value) else value


def _go_parse_int(text: str) -> int | None:
    """strconv.ParseInt(text, 0, 64), then ParseUint (unsigned only); None when both fail."""
    negative = text[0] == "-"
    signed = text[0] in "+-"
    body = text[1:] if signed else text
    if not body:
        return None
    base, digits = 10, body
    if body[0] == "0":
        prefix = body[1:2].lower()
        if len(body) >= 3 and prefix in ("x", "o", "b"):
            base, digits = {"x": 16, "o": 8, "b": 2}[prefix], body[2:]
        else:
            base, digits = 8, body[1:]  # a leading zero means octal: 0440 == 288
    if not _GO_DIGITS[base].match(digits):
        return None
    digits = digits.lstrip("0")
    if len(digits) > 64:  # more than 64 bits whatever the base; also keeps int() cheap
        return None
    value = int(digits, base) if digits else 0
    if negative:
        value = -value
    if _INT64_MIN <= value <= _INT64_MAX or (not signed and value <= _UINT64_MAX):
        return value
    return None


def is_timestamp(text: str) -> bool:
    """Whether go-yaml resolves this plain scalar to a ``time.Time`` (``2024-01-31``, ``2001-12-14 21:59:43.10``)."""
    match = _TIMESTAMP.match(text) if len(text) >= 8 and text[4] == "-" else None
    if match is None:
        return False
    year, month, day = int(match[1]), int(match[2]), int(match[3])
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if (
        not 1 <= month <= 12
        or not 1 <= day <= _DAYS_IN_MONTH[month - 1]
        or (month == 2 and day == 29 and not leap)
    ):
        return False
    clock = match.groups()[3:6] if match[4] is not None else match.groups()[6:9]
    if clock[0] is None:
        return True
    hour, minute, second = (int(part) for part in clock)
    return hour < 24 and minute < 60 and second < 60


def _resolved_tag(value: Any) -> str:
    # The short tag go-yaml names in "cannot decode !!int `x` as a !!bool".
    if value is None:
        return "!!null"
    if isinstance(value, bool):
        return "!!bool"
    if isinstance(value, int):
        return "!!int"
    if isinstance(value, float):
        return "!!float"
    return "!!str"


def _go_format(value: Any) -> str:
    """``fmt.Sprint`` of a decoded key, for "non-string key in services: 123" messages."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _go_float(value)
    if isinstance(value, (ResetTag, OverrideTag)):
        return repr(value)
    return str(value)


def _go_float(value: float) -> str:
    # strconv.FormatFloat(f, 'g', -1, 64): shortest digits, exponent form below 1e-4 and from 1e6.
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    number = Decimal(repr(value)).normalize()
    sign, digits, exponent = number.as_tuple()
    exp10 = len(digits) + int(exponent) - 1
    if -4 <= exp10 < 6:
        return format(number, "f")
    mantissa = "".join(map(str, digits))
    body = mantissa[0] + ("." + mantissa[1:] if len(mantissa) > 1 else "")
    return f"{'-' if sign else ''}{body}e{'-' if exp10 < 0 else '+'}{abs(exp10):02d}"


class _Frame:
    """An open mapping or sequence on the builder's stack."""

    __slots__ = (
        *(
            "anchor",
            "block",
            "first",
            "height",
            "is_map",
            "key",
            "merge",
            "merge_span",
            "node",
            "start",
            "tag",
        ),
    )

    def __init__(self, node: YMap | YSeq, is_map: bool, event: Any, first: int) -> None:
        self.node: Any = node  # a YMap when is_map, else a YSeq
        self.is_map = is_map
        self.key: Any = _NO_KEY  # _NO_KEY while a key is expected, else the key (or _MERGE_KEY)
        self.anchor: str | None = event.anchor
        self.tag: str | None = event.tag
        self.start: Any = event.start_mark
        self.block = not event.flow_style
        self.first = first  # node count before this node: its expanded size is count - first
        self.height = 0  # levels of collections below this one (alias expansions included)
        # This mapping's "<<" key and its value, applied when the mapping ends.
        self.merge_span: Span | None = None
        self.merge: Any = _MISSING


_NO_KEY = object()
_MERGE_KEY = object()
_MAX_DUPLICATES_REPORTED = 100  # a generated file with thousands must not flood the report
_OPEN = object()  # an anchor whose collection has not ended yet: an alias to it is a cycle
_NO_ROOT = object()
_NO_SPAN = Span("", 0, 0, 0, 0)  # placeholder until a collection's end mark is known


class _Builder:
    """Turns the event stream of one file into value trees, one per document."""

    def __init__(self, path: str, limits: Limits) -> None:
        self.path = path
        self.max_nodes = limits.max_nodes
        self.max_depth = limits.max_depth
        self.documents: list[YMap | None] = []
        # Anchors outlive their document: Compose decodes every document with one go-yaml parser,
        # so "*a" in a later document still finds "&a" (checked on the binary).
        self.anchors: dict[str, Any] = {}
        # Spans of the scalars go-yaml reads as a time.Time, and whether any node is !reset/!override.
        self.dates: set[Span] = set()
        self.tagged = False
        self.duplicates: list[ComposeError] = []
        self._new_document()

    def _new_document(self) -> None:
        self.stack: list[_Frame] = []
        self.count = 0
        self.root: Any = _NO_ROOT
        self.root_span: Span | None = None

    def run(self, parser: Any) -> list[YMap | None]:
        get_event = parser.get_event
        scalar, start, end = self._scalar, self._start, self._end
        while True:
            event = get_event()
            kind = event.__class__
            if kind is ScalarEvent:
                scalar(event)
            elif kind is MappingStartEvent:
                start(event, True)
            elif kind is SequenceStartEvent:
                start(event, False)
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                end(event)
            elif kind is AliasEvent:
                self._alias(event)
            elif kind is DocumentStartEvent:
                self._new_document()
            elif kind is DocumentEndEvent:
                self.documents.append(self._document_root())
            elif kind is StreamEndEvent or event is None:
                break
        return self.documents or [None]

    # -- events ----------------------------------------------------------------------------------

    def _span(self, start: Any, end: Any) -> Span:
        # Span.from_marks, inlined: this runs once per node and is the reader's hottest line.
        return Span(self.path, start.line + 1, start.column + 1, end.line + 1, end.column + 1)

    def _scalar(self, event: Any) -> None:
        start, end = event.start_mark, event.end_mark  # self._span inlined: most nodes are scalars
        span = Span(self.path, start.line + 1, start.column + 1, end.line + 1, end.column + 1)
        self.count += 1
        if self.count > self.max_nodes:
            self._too_many_nodes(span)
        text: str = event.value
        tag: str | None = event.tag
        plain = not event.style  # "" (libyaml) or None (pure Python) for plain scalars
        if tag is None:
            value = _resolve_plain(text) if plain else text
            if value is text and plain and len(text) >= 8 and text[4] == "-" and is_timestamp(text):
                self.dates.add(span)
        else:
            value = self._tagged(tag, text, plain, span)
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, span, 1, 0)
        frame = self.stack[-1] if self.stack else None
        if frame is not None and frame.is_map and frame.key is _NO_KEY:
            if text == "<<" and ((plain and tag is None) or tag == "!" or tag == _MERGE):
                self._merge_key(frame, span)
            else:
                self._key(frame, value, span)
        else:
            self._value(frame, value, span)

    def _start(self, event: Any, is_map: bool) -> None:
        if len(self.stack) >= self.max_depth:
            self._too_deep(self._span(event.start_mark, event.end_mark))
        self.count += 1
        if self.count > self.max_nodes:
            self._too_many_nodes(self._span(event.start_mark, event.end_mark))
        node = YMap(_NO_SPAN) if is_map else YSeq(_NO_SPAN)
        frame = _Frame(node, is_map, event, self.count - 1)
        if frame.anchor is not None:
            self.anchors[frame.anchor] = _OPEN
        self.stack.append(frame)

    def _end(self, event: Any) -> None:
        frame = self.stack.pop()
        node = frame.node
        span = node.span = self._span(frame.start, event.end_mark)
        if frame.block:
            # libyaml ends a block collection where the next token starts (the next item, a line
            # below): it ends with its last value.
            last = (
                node.item_spans[-1] if not frame.is_map else next(reversed(node.value_spans.values()), None)
            )
            # An alias's span is its anchor's, elsewhere in the file: then libyaml's end it is.
            if last is not None and (span.line, span.column) <= (last.line, last.column) <= (
                span.end_line,
                span.end_column,
            ):
                span = node.span = Span(self.path, span.line, span.column, last.end_line, last.end_column)
        if frame.merge_span is not None:
            self._apply_merge(frame, frame.merge_span)
        value: Any = node
        if frame.tag == _RESET:
            value = ResetTag(span)
            self.tagged = True
        elif frame.tag == _OVERRIDE:
            value = OverrideTag(node, span)
            self.tagged = True
        height = frame.height + 1
        if frame.anchor is not None:
            self.anchors[frame.anchor] = (value, span, self.count - frame.first, height)
        parent = self.stack[-1] if self.stack else None
        if parent is not None and parent.height < height:
            parent.height = height
        if parent is not None and parent.is_map and parent.key is _NO_KEY:
            self._key(parent, value, span)
        else:
            self._value(parent, value, span)

    def _alias(self, event: Any) -> None:
        here = self._span(event.start_mark, event.end_mark)
        entry = self.anchors.get(event.anchor, _MISSING)
        if entry is _MISSING:
            self._fail(f"unknown anchor '{event.anchor}' referenced", here)
        if entry is _OPEN:
            self._fail(f"cycle detected: alias *{event.anchor} refers to a node that contains it", here)
        value, span, size, height = entry
        self.count += size
        if self.count > self.max_nodes:
            self._too_many_nodes(here)
        if len(self.stack) + height > self.max_depth:
            self._too_deep(here)
        frame = self.stack[-1] if self.stack else None
        if frame is not None and frame.height < height:
            frame.height = height
        if frame is not None and frame.is_map and frame.key is _NO_KEY:
            self._key(frame, value, span, here)
        else:
            self._value(frame, value, span)

    # -- building ----------------------------------------------------------------------------------

    def _key(self, frame: _Frame, key: Any, span: Span, here: Span | None = None) -> None:
        if key.__class__ is not str or (self.dates and span in self.dates):  # a timestamp is no string
            self._bad_key(key, here or span)
        node: YMap = frame.node
        first = node.key_spans.get(key)
        if first is not None:
            # Compose stops at the first; every one is worth reporting (the file is refused anyway).
            self._duplicate(f'mapping key "{key}" already defined at line {first.line}', here or span)
        else:
            node.key_spans[key] = span
        frame.key = key

    def _merge_key(self, frame: _Frame, span: Span) -> None:
        if frame.merge_span is not None:
            self._duplicate(f'mapping key "<<" already defined at line {frame.merge_span.line}', span)
        else:
            frame.merge_span = span
        frame.key = _MERGE_KEY

    def _duplicate(self, message: str, span: Span) -> None:
        if len(self.duplicates) < _MAX_DUPLICATES_REPORTED:
            self.duplicates.append(ComposeError(message, span, "duplicate-key"))

    def _value(self, frame: _Frame | None, value: Any, span: Span) -> None:
        if frame is None:
            self.root, self.root_span = value, span
            return
        node = frame.node
        if not frame.is_map:
            node.append(value)
            node.item_spans.append(span)
            return
        key = frame.key
        frame.key = _NO_KEY
        if key is _MERGE_KEY:
            frame.merge = value
            return
        node[key] = value
        node.value_spans[key] = span

    def _apply_merge(self, frame: _Frame, key_span: Span) -> None:
        """Add the keys of "<<" sources: explicit keys always win, then earlier sources."""
        node: YMap = frame.node
        key_spans, value_spans = node.key_spans, node.value_spans
        for mapping in self._merge_sources(frame.merge, key_span):
            for key, value in mapping.items():
                if key not in key_spans:
                    node[key] = value
                    key_spans[key] = mapping.key_span(key)
                    value_spans[key] = mapping.value_span(key)

    def _merge_sources(self, source: Any, key_span: Span) -> list[YMap]:
        # A mapping, or a sequence of mappings (also through an alias of a sequence).
        items = source if isinstance(source, YSeq) else [source]
        maps = [item.value if isinstance(item, OverrideTag) else item for item in items]
        if not all(isinstance(item, YMap) for item in maps):
            self._fail("map merge requires map or sequence of maps as the value", key_span)
        return maps

    def _document_root(self) -> YMap:
        # An empty or null document that is present ("---" alone, "~") is an error in Compose too;
        # only a file without any document is "empty" (and the loader reports that).
        root, span = self.root, self.root_span
        if isinstance(root, YMap):
            return root
        if isinstance(root, (ResetTag, OverrideTag)):
            tag = _RESET if isinstance(root, ResetTag) else _OVERRIDE
            self._fail(f"{tag} cannot be applied to the top-level mapping", span)
        self._fail("top-level object must be a mapping", span)

    # -- scalars with an explicit tag --------------------------------------------------------------

    def _tagged(self, tag: str, text: str, plain: bool, span: Span) -> Any:
        if tag == _STR:
            return text
        if tag == "!":  # the non-specific tag: plain scalars still resolve, as in Compose
            return _resolve_plain(text) if plain else text
        if tag == _RESET:
            self.tagged = True
            return ResetTag(span)
        if tag == _OVERRIDE:
            self.tagged = True
            return OverrideTag(text, span)  # Compose keeps the text: typed fields cast it later
        if tag in (_INT, _FLOAT, _BOOL, _NULL):
            return self._typed(tag, text, span)
        if tag == _BINARY:
            return self._binary(text, span)
        if tag == _TIMESTAMP_TAG and is_timestamp(text):
            self.dates.add(span)
        # !!timestamp, !!map/!!seq on a scalar, !!python/..., custom !foo: the text, never an object.
        return text

    def _typed(self, tag: str, text: str, span: Span) -> Any:
        value = _resolve_plain(text)
        kind = value.__class__
        if tag == _INT and kind is int:
            return value
        if tag == _FLOAT and (kind is float or kind is int):
            return float(value)
        if (tag == _BOOL and kind is bool) or (tag == _NULL and value is None):
            return value
        short = "!!" + tag[len(_TAG) :]
        self._fail(f"cannot decode {_resolved_tag(value)} `{text}` as a {short}", span)

    def _binary(self, text: str, span: Span) -> str:
        try:
            data = base64.b64decode("".join(text.split()), validate=True)
        except (binascii.Error, ValueError):
            self._fail("!!binary value contains invalid base64 data", span)
        return data.decode("utf-8", errors="replace")

    # -- errors ------------------------------------------------------------------------------------

    def _fail(self, message: str, span: Span | None, rule: str = "yaml-syntax") -> NoReturn:
        raise ComposeError(message, span, rule)

    def _too_many_nodes(self, span: Span) -> NoReturn:
        self._fail(
            f"document has more than {self.max_nodes} nodes after alias expansion (limit max-nodes)",
            span,
            "limit-exceeded",
        )

    def _too_deep(self, span: Span) -> NoReturn:
        self._fail(
            f"document nests deeper than {self.max_depth} levels (limit max-depth)", span, "limit-exceeded"
        )

    def _bad_key(self, key: Any, span: Span) -> NoReturn:
        where = self._key_path()
        where = f"in {where}" if where else "at top level"
        if isinstance(key, (YMap, YSeq)):
            kind = "mapping" if isinstance(key, YMap) else "sequence"
            self._fail(f"invalid map key {where}: a {kind} cannot be a mapping key", span)
        self._fail(f"non-string key {where}: {_go_format(key)}", span)

    def _key_path(self) -> str:
        # Compose's path style: services.web.volumes[0].bind (the last frame holds the bad key).
        path = ""
        for frame in self.stack[:-1]:
            if not frame.is_map:
                path += f"[{len(frame.node)}]"
            elif frame.key is _MERGE_KEY:
                path += ".<<" if path else "<<"
            elif isinstance(frame.key, str):
                path += f".{frame.key}" if path else frame.key
        return path


def read_documents(data: bytes | str, path: str, limits: Limits = DEFAULT_LIMITS) -> list[YMap | None]:
    """Parse a compose file into one value tree per YAML document (None for an empty document).

    A file without any document (empty, blank or only comments) gives ``[None]``: the loader reports
    "empty compose file". A document that is present but empty or null is an error, as in Compose.
    """
    return parse_file(data, path, limits).documents


class ParsedFile(NamedTuple):
    """A compose file's documents, and what the loader needs to know about them beyond the values."""

    documents: list[YMap | None]
    # Spans of the plain scalars go-yaml resolves to a time.Time (``2024-01-31``). They stay strings
    # in the tree, but Compose's schema refuses them wherever a string, number or bool is expected
    # ("invalid jsonType time.Time"); only extension (``x-*``) values may hold one. The loader
    # decides by position.
    dates: frozenset[Span]
    # Whether some node is tagged !reset or !override (else merging need not look for tags).
    tagged: bool


def parse_file(data: bytes | str, path: str, limits: Limits = DEFAULT_LIMITS) -> ParsedFile:
    """``read_documents`` with the facts of ``ParsedFile``."""
    # libyaml reads bytes itself: it skips a UTF-8 BOM, decodes UTF-16 with a BOM (as Compose does)
    # and reports invalid UTF-8 and control characters with Compose's own wording.
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if len(raw) > limits.max_file_bytes:
        raise ComposeError(
            f"file is larger than {limits.max_file_bytes} bytes (limit max-file-bytes)",
            Span.point(path, 1, 1),
            "limit-exceeded",
        )
    builder = _Builder(path, limits)
    try:
        parser = _PARSER(raw)  # the pure-Python reader already decodes (and may fail) here
        try:
            documents = builder.run(parser)
        finally:
            parser.dispose()
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, raw, path) from None
    except yaml.MarkedYAMLError as exc:
        raise ComposeErrors([*builder.duplicates, _syntax_error(exc, path, limits)]) from None
    except yaml.YAMLError as exc:
        error = ComposeError(str(exc), Span.point(path, 1, 1), "yaml-syntax")
        raise ComposeErrors([*builder.duplicates, error]) from None
    except ComposeError as exc:
        raise ComposeErrors([*builder.duplicates, *each_error(exc)]) from None
    if builder.duplicates:
        raise ComposeErrors(builder.duplicates)
    return ParsedFile(documents, frozenset(builder.dates), builder.tagged)


def _syntax_error(exc: yaml.MarkedYAMLError, path: str, limits: Limits) -> ComposeError:
    mark = exc.problem_mark or exc.context_mark
    span = Span.point(path, mark.line + 1, mark.column + 1) if mark is not None else None
    problem = exc.problem or exc.context or "invalid YAML"
    if "maximum nesting depth" in problem:
        # libyaml's own guard; with our default max_depth ours fires first for most inputs.
        if limits.max_depth < _LIBYAML_MAX_DEPTH:
            message = f"document nests deeper than {limits.max_depth} levels (limit max-depth)"
        else:
            message = (
                f"document nests deeper than {_LIBYAML_MAX_DEPTH} levels, the YAML parser's own limit "
                f"(limit max-depth is {limits.max_depth})"
            )
        return ComposeError(message, span, "limit-exceeded")
    context = exc.context_mark
    if exc.context and exc.problem and context is not None and (mark is None or context.line != mark.line):
        problem += f" ({exc.context} at line {context.line + 1})"
    return ComposeError(problem, span, "yaml-syntax")


def _reader_error(exc: yaml.reader.ReaderError, raw: bytes, path: str) -> ComposeError:
    """Bad bytes or characters: the message names the problem and the span its line and column."""
    reason = str(exc.reason)
    character = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
    position = exc.position
    if exc.encoding == "unicode":
        # The pure-Python reader's index in the decoded text ("special characters are not allowed").
        prefix = _decode(raw)[:position]
        message = f"control characters are not allowed (found #x{character:04x})"
    else:
        # libyaml (and the pure-Python decoder) give a byte offset; point at the start of a bad
        # UTF-8 sequence rather than at the trailing byte libyaml names.
        if "trailing" in reason:
            position = _sequence_start(raw, position)
        prefix = _decode(raw[:position])
        codec = "UTF-16" if raw[:2] in _UTF16_BOMS else "UTF-8"
        if "control characters" in reason:
            message = f"control characters are not allowed (found #x{character:04x})"
        elif "Unicode" in reason:  # a surrogate or a code point above U+10FFFF
            message = f"invalid {codec}: {reason} (U+{character:04X})"
        elif codec == "UTF-16":
            message = f"invalid UTF-16: {reason} (0x{character:04x})"
        else:
            message = f"invalid UTF-8: {reason} (byte 0x{raw[position : position + 1].hex()})"
    line, column = _line_column(prefix)
    return ComposeError(message, Span.point(path, line, column), "yaml-syntax")


def _sequence_start(raw: bytes, position: int) -> int:
    # Step back over UTF-8 continuation bytes (0b10xxxxxx) to the sequence's leading byte.
    start = position - 1
    while start > 0 and 0x80 <= raw[start] < 0xC0:
        start -= 1
    return max(start, 0)


def _decode(raw: bytes) -> str:
    # The encoding libyaml picks: UTF-16 by its BOM, else UTF-8; a best effort, for positions only.
    bom = raw[:2]
    if bom in _UTF16_BOMS:
        body = raw[2 : len(raw) - len(raw) % 2]
        return body.decode("utf-16-le" if bom == b"\xff\xfe" else "utf-16-be", errors="replace")
    return raw.decode("utf-8", errors="replace").removeprefix("\ufeff")


def _line_column(prefix: str) -> tuple[int, int]:
    # libyaml's line breaks, so positions agree with the parser's own marks.
    breaks = list(_LINE_BREAK.finditer(prefix))
    if not breaks:
        return 1, len(prefix) + 1
    return len(breaks) + 1, len(prefix) - breaks[-1].end() + 1
