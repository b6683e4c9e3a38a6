"""CL601 obsolete-version: the top-level version key is obsolete."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.compose.span import Span
from composelint.compose.tree import YMap
from composelint.finding import Edit, Fix, Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.edits import source_lines


class ObsoleteVersion(Rule):
    """The top-level `version` key is obsolete.

    ## What it does
    Reports the top-level `version:` key of each compose file.

    ## Why is this bad?
    Docker Compose ignores it (and warns "the attribute `version` is obsolete"): the file format is
    the Compose Specification whatever the number says. Keeping it suggests that `3.8` features or
    limits apply, and tools that still read it (KICS only checks resource limits when it is present)
    behave differently from Compose.

    ## Example
    ```yaml
    version: "3.8"
    services:
      web:
        image: nginx:1.27
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27
    ```
    """

    id = "CL601"
    name = "obsolete-version"
    severity = Severity.INFO
    summary = "The top-level version key is obsolete"
    load_error_kinds = ("obsolete-version",)
    fix_safety = "safe"
    fix_summary = "removes the `version:` line (a comment on it stays)"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for violation in super().check(ctx):
            yield violation._replace(fix=_removal(ctx, violation.span))


def _removal(ctx: Context, key: Span) -> Fix | None:
    """Delete the `version: ...` line: the key at column 1 with a one-line value."""
    document = next(
        (
            d
            for d in ctx.documents.get(key.path) or ()
            if isinstance(d, YMap) and d.key_span("version") == key
        ),
        None,
    )
    if document is None or key.column != 1:
        return None
    value = document.value_span("version")
    if value.end_line != key.line:
        return None
    lines = source_lines(ctx, key.path)
    rest = lines[key.line - 1][value.end_column - 1 :].rstrip("\r")
    if rest.strip() and not rest.strip().startswith("#"):
        return None
    if rest.strip():  # keep the comment, on its own line
        edit = Edit(
            Span(key.path, key.line, 1, key.line, value.end_column + len(rest) - len(rest.lstrip())), ""
        )
    else:  # the whole line, with its line break
        edit = Edit(Span(key.path, key.line, 1, key.line + 1, 1), "")
    return Fix("remove the obsolete `version:` line", (edit,), safe=True)
