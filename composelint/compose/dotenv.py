"""``.env`` and ``env_file`` parsing, with Compose's syntax and quirks.

The default format follows compose-go's ``dotenv`` parser; ``raw=True`` follows the ``key=value`` reader
that ``docker compose`` registers for ``format: raw`` (docker/cli's ``kvfile``). Behaviours were checked
against the ``docker compose`` binary (v2.40.3); each quirk kept on purpose is commented where it lives.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Mapping

from composelint.compose.errors import ComposeError
from composelint.compose.interpolation import (
    InterpolationError,
    Lookup,
    MissingRequiredError,
    ValueTooLongError,
    go_quote,
    substitute,
)
from composelint.compose.span import Span

# compose-go's "space" inside a line: no line breaks. (Python's str.isspace would also take \x1c-\x1f.)
_LINE_SPACE = frozenset("\t\v\f\r \x85\xa0")
# Go's unicode.IsSpace, used to skip between statements and to trim keys and unquoted values.
_SPACE = frozenset("\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | frozenset(
    chr(code) for code in range(0x2000, 0x200B)
)
_SPACE_CHARS = "".join(sorted(_SPACE))
_KEY_PUNCTUATION = frozenset("_.-[]")
# Go's \s, which is ASCII only and has no \v.
_EXPORT = re.compile(r"export[\t\n\f\r ]+")
_ESCAPE = re.compile(r"\\(?:[abcfnrtv$\"\\]|0[0-9]{0,3})")
_SIMPLE_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    '"': '"',
}
_RAW_KEY_SPACE = frozenset(" \t")


def parse_dotenv(
    text: str,
    path: str,
    lookup: Lookup,
    *,
    raw: bool = False,
    base: Mapping[str, str] | None = None,
    eager_defaults: bool = False,
) -> dict[str, str]:
    """The variables a ``.env`` / ``env_file`` defines, in file order.

    ``lookup`` is the environment that wins during interpolation (the OS environment for ``.env``; the
    project environment, then the service's ``environment``, for an ``env_file``); after it come the
    keys defined earlier in this file, then ``base`` (what earlier files already defined: Compose parses
    several files into one map). A bare ``KEY`` line takes its value from ``lookup`` and is left out
    when not found. ``raw=True`` is ``format: raw``: no quotes, no escapes, no interpolation.
    ``eager_defaults`` is passed to ``substitute``.

    Raises ``ComposeError`` at the offending line: ``invalid-env-file`` for syntax,
    ``invalid-interpolation`` / ``missing-required-variable`` for a value that cannot be interpolated.
    """
    text = text.removeprefix("\ufeff")
    if raw:
        return _parse_raw(text, path, lookup)
    return _Parser(text, path, lookup, base or {}, eager_defaults).parse()


class _Parser:
    """compose-go's parser, walking ``text`` with an offset instead of re-slicing it."""

    def __init__(self, text: str, path: str, lookup: Lookup, base: Mapping[str, str], eager: bool) -> None:
        self.text = text
        self.path = path
        self.lookup = lookup
        self.base = base
        self.eager = eager
        self.out: dict[str, str] = {}
        self.line_starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def parse(self) -> dict[str, str]:
        pos = self.statement_start(0)
        while pos < len(self.text):
            key, pos, inherited = self.key(pos)
            if inherited:
                value = self.lookup(key)
                if value is not None:
                    self.out[key] = value
            else:
                self.out[key], pos = self.value(pos)
            pos = self.statement_start(pos)
        return self.out

    def statement_start(self, pos: int) -> int:
        """The offset of the next statement, past blank space and ``#`` comment lines."""
        text = self.text
        while True:
            while pos < len(text) and text[pos] in _SPACE:
                pos += 1
            if pos == len(text) or text[pos] != "#":
                return pos
            newline = text.find("\n", pos)
            if newline < 0:
                return len(text)
            pos = newline

    def key(self, start: int) -> tuple[str, int, bool]:
        """The key at ``start``, the offset where its value starts, and whether it is a bare ``KEY``."""
        text = self.text
        pos = start
        export = _EXPORT.match(text, pos)
        if export is not None:
            pos += len("export")
            while pos < len(text) and text[pos] in _LINE_SPACE:
                pos += 1
        if pos == len(text):
            raise self.error("zero length string", start)
        key_start = pos
        # Without "=", ":" or a newline before the end of the file the key stays empty and the whole
        # text becomes its value: docker compose reads a last line "FOO" (no newline) as {"": "FOO"}.
        key, after, inherited = "", key_start, False
        for index in range(key_start, len(text)):
            char = text[index]
            if char in _LINE_SPACE or char in _KEY_PUNCTUATION:
                continue
            if char in "=:\n":
                key, after, inherited = text[key_start:index], index + 1, char == "\n"
                break
            if unicodedata.category(char)[0] not in "LN":
                line_text = text[key_start:].split("\n", 1)[0]
                message = f"unexpected character {go_quote(char)} in variable name {go_quote(line_text)}"
                raise self.error(message, index)
        key = key.rstrip(_SPACE_CHARS)
        # Spaces inside a key are refused, tabs are not ("A\tB=1" defines "A\tB", as in Compose).
        if " " in key:
            raise self.error("key cannot contain a space", key_start)
        while after < len(text) and text[after] in _LINE_SPACE:
            after += 1
        return key, after, inherited

    def value(self, start: int) -> tuple[str, int]:
        """The value at ``start`` and the offset after it."""
        text = self.text
        quote = text[start] if start < len(text) and text[start] in "\"'" else ""
        if not quote:
            end = text.find("\n", start)
            end = len(text) if end < 0 else end
            # An inline comment needs a space before "#" ("a#b" is kept whole; a tab does not count).
            value = text[start:end].split(" #", 1)[0].rstrip(_SPACE_CHARS)
            return self.expand(value, start), min(end + 1, len(text))
        value, end = self.quoted(start, quote)
        if quote == '"':
            value = self.expand(_unescape(value), start)
        # The rest of the line is parsed as the next statement: 'A="x" B=1' also defines B.
        return value, end + 1

    def quoted(self, start: int, quote: str) -> tuple[str, int]:
        """The text between the quote at ``start`` and its match, and the match's offset.

        A backslash only protects the quote character (dropped before it); every other backslash is
        kept for ``_unescape`` (double quotes) or literally (single quotes).
        """
        text = self.text
        chars: list[str] = []
        escaped = False
        for index in range(start + 1, len(text)):
            char = text[index]
            if char == quote and not escaped:
                return "".join(chars), index
            if char == "\\" and not escaped:
                escaped = True
                continue
            if escaped and char != quote:
                chars.append("\\")
            escaped = False
            chars.append(char)
        # Compose counts lines to the end of the file here; the opening quote's line is more useful.
        line_text = text[start:].split("\n", 1)[0]
        raise self.error(f"unterminated quoted value {line_text}", start)

    def expand(self, value: str, start: int) -> str:
        try:
            return substitute(value, self.resolve, eager_defaults=self.eager).value
        except MissingRequiredError as error:
            raise self.error(error.message, start, "missing-required-variable") from None
        except ValueTooLongError as error:
            raise self.error(error.message, start, "limit-exceeded") from None
        except InterpolationError as error:
            raise self.error(error.message, start, "invalid-interpolation") from None

    def resolve(self, name: str) -> str | None:
        value = self.lookup(name)
        if value is None:
            value = self.out.get(name)
        if value is None:
            value = self.base.get(name)
        return value

    def error(self, message: str, offset: int, rule: str = "invalid-env-file") -> ComposeError:
        line = bisect.bisect_right(self.line_starts, offset)
        column = offset - self.line_starts[line - 1] + 1
        return ComposeError(f"line {line}: {message}", Span.point(self.path, line, column), rule)


def _unescape(value: str) -> str:
    """Double-quoted escapes: ``\\a \\b \\f \\n \\r \\t \\v \\\\ \\" \\$`` and ``\\0NNN`` (octal)."""
    return _ESCAPE.sub(_unescape_one, value)


def _unescape_one(match: re.Match[str]) -> str:
    sequence = match.group()
    if sequence == "\\$":
        return "$$"  # escaped for the interpolation that follows
    if sequence[1] != "0":
        return _SIMPLE_ESCAPES.get(sequence[1], sequence)  # "\c" is matched but stays as it is
    digits = sequence[2:]
    # Compose drops the "0" and decodes exactly three octal digits up to 255; anything else is kept
    # *without* the "0": "\0" gives "\", "\012" gives "\12", "\0351" gives "é".
    if len(digits) == 3 and all(digit in "01234567" for digit in digits) and int(digits, 8) <= 255:
        return chr(int(digits, 8))
    return "\\" + digits


def _parse_raw(text: str, path: str, lookup: Lookup) -> dict[str, str]:
    """``format: raw``: one ``KEY=VALUE`` a line, taken literally (quotes and trailing spaces kept)."""
    out: dict[str, str] = {}
    for number, raw_line in enumerate(text.split("\n"), start=1):
        line = raw_line.removesuffix("\r").lstrip(_SPACE_CHARS)
        if not line or line.startswith("#"):
            continue
        key, has_value, value = line.partition("=")
        column = len(raw_line) - len(raw_line.lstrip(_SPACE_CHARS)) + 1
        span = Span.point(path, number, column)
        if not key:
            raise ComposeError(f"no variable name on line '{line}'", span, "invalid-env-file")
        if any(char in _RAW_KEY_SPACE for char in key):
            raise ComposeError(f"variable '{key}' contains whitespaces", span, "invalid-env-file")
        if has_value:
            out[key] = value
        else:
            found = lookup(key)
            if found is not None:
                out[key] = found
    return out
