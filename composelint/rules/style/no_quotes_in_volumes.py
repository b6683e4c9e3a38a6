"""CL608 no-quotes-in-volumes: a short-syntax volume is quoted without need."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.compose.sourcetokens import plain_safe
from composelint.compose.span import Span
from composelint.compose.tree import YSeq
from composelint.finding import Fix, Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.edits import requoted
from composelint.rules.style.common import written_services


class NoQuotesInVolumes(Rule):
    """A short-syntax volume is quoted although it does not need quotes.

    ## What it does
    Reports short-syntax entries of a service's `volumes` written in quotes when the same text is a
    valid plain YAML scalar, at the entry. Entries that need quotes (starting with `{`, `*` or `&`,
    containing `: ` or ` #`) are left alone; dclint's `no-quotes-in-volumes` reports them too. Off by
    default.

    ## Why is this bad?
    Only consistency: unquoted volume entries are the common style in Compose files, and mixing both
    makes a file harder to scan.

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.1
        volumes:
          - "./data:/data"
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.1
        volumes:
          - ./data:/data
    ```
    """

    id = "CL608"
    name = "no-quotes-in-volumes"
    fix_safety = "safe"
    fix_summary = "removes the quotes, where the plain scalar means the same"
    severity = Severity.INFO
    summary = "A short-syntax volume is quoted without need"
    enabled_by_default = False

    def check(self, ctx: Context) -> Iterator[Violation]:
        reported: set[Span] = set()
        for source, service, definition in written_services(ctx):
            volumes = definition.get("volumes")
            if not isinstance(volumes, YSeq):
                continue
            for item, span in volumes.items_with_spans():
                if not isinstance(item, str) or span in reported:
                    continue
                style = source.style(span)
                if style is None or not style.quoted or not plain_safe(item):
                    continue
                reported.add(span)
                edit = requoted(ctx, span, "")
                yield Violation(
                    span,
                    f"volume {item} of service {service} is {style.value}; write it without quotes",
                    service,
                    fix=Fix("remove the quotes", (edit,), safe=True) if edit is not None else None,
                )
