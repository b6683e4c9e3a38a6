"""CL607 require-quotes-in-ports: a short-syntax port is not quoted."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import ClassVar

from composelint.compose.sourcetokens import ScalarStyle
from composelint.compose.span import Span
from composelint.compose.tree import YMap, YSeq
from composelint.finding import Fix, Severity, Violation
from composelint.rule import Context, Option, Rule
from composelint.rules.edits import requoted
from composelint.rules.style.common import written_services

_QUOTES = {"any": None, "single": ScalarStyle.SINGLE, "double": ScalarStyle.DOUBLE}


class RequireQuotesInPorts(Rule):
    """A short-syntax port is not quoted.

    ## What it does
    Reports short-syntax entries of `ports` and `expose` (option `sections`) written as plain
    scalars (`- 8080:80`, `- 3000`), at the entry. Any quotes are accepted by default; option `quote`
    (`single` or `double`) requires one style, as dclint's `require-quotes-in-ports` does (dclint
    defaults to single quotes, so it reports `"8080:80"` with a message that only says "should be
    enclosed in quotes"). Off by default.

    ## Why is this bad?
    YAML 1.1 parsers, Compose v1 among them, read an unquoted `22:22` as the base-60 number 1342 and
    `- 0700` as an octal number. Docker Compose v2 reads YAML 1.2 and gets it right, but other tools
    reading the same file may not: quoting makes every reader see a string.

    ## Example
    ```yaml
    services:
      ssh:
        image: example/sshd:9.6
        ports:
          - 2222:22
    ```

    ## Use instead
    ```yaml
    services:
      ssh:
        image: example/sshd:9.6
        ports:
          - "2222:22"
    ```
    """

    id = "CL607"
    name = "require-quotes-in-ports"
    fix_safety = "safe"
    fix_summary = "quotes the entry (in the required quotes; double quotes for `any`), its value unchanged"
    severity = Severity.INFO
    summary = "A short-syntax port is not quoted"
    enabled_by_default = False
    options: ClassVar[Mapping[str, Option]] = {
        "quote": Option(str, "any", "required quotes: any, single or double"),
        "sections": Option(list, ["ports", "expose"], "service keys whose entries must be quoted"),
    }

    def check(self, ctx: Context) -> Iterator[Violation]:
        required = _QUOTES.get(str(ctx.options.get("quote", "any")).lower())
        sections = [str(s) for s in ctx.options.get("sections", ["ports", "expose"])]
        reported: set[Span] = set()
        for source, service, definition in written_services(ctx):
            for section in sections:
                entries = definition.get(section)
                if not isinstance(entries, YSeq):
                    continue
                for item, span in entries.items_with_spans():
                    if isinstance(item, (YMap, YSeq)) or span in reported:
                        continue
                    style = source.style(span)
                    if style is None or (style.quoted and required in (None, style)):
                        continue
                    reported.add(span)
                    written = f"is {style.value}" if style.quoted else "is not quoted"
                    want = f"{required.value.split('-')[0]} quotes" if required is not None else "quotes"
                    quote = "'" if required is ScalarStyle.SINGLE else '"'
                    edit = requoted(ctx, span, quote)
                    fix = Fix(f"write it in {want}", (edit,), safe=True) if edit is not None else None
                    yield Violation(
                        span,
                        f"{section} entry {item} of service {service} {written}; write it in {want}",
                        service,
                        fix=fix,
                    )
