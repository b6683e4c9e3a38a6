"""Text from the linted files, made safe for a terminal, a CI log or an XML report.

Service names, keys, values and paths come from files anyone can edit. Printed raw, an ESC
sequence rewrites the screen (`db\\x1b[2K\\x1b[1G ALL CLEAN`), a line break starts a line that CI
reads as a command (`::error file=...`), and a right-to-left override reverses what follows. Every
human-readable report and every message on stderr shows such characters as visible escapes; JSON
and SARIF keep the exact text.
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL, line and paragraph separators, and the bidirectional formatting
# characters (embeddings, overrides, isolates, marks) that reorder the text around them.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
# What XML 1.0 cannot hold at all (it has no escape for them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def printable(text: str) -> str:
    """``text`` with every control and bidirectional character shown as an escape (``\\x1b``,
    ``\\n``, ``\\u202e``); other text, including non-Latin scripts, as it is."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def xml_text(text: str) -> str:
    """``text`` as XML 1.0 can hold it: the characters it forbids shown as escapes."""
    return _NOT_XML.sub(_escape, text) if _NOT_XML.search(text) else text
