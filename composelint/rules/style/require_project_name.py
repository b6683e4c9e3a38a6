"""CL609 require-project-name: the project has no name."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.compose.span import Span
from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.style.common import written_documents


class RequireProjectName(Rule):
    """The project has no `name:`.

    ## What it does
    Reports a project none of whose compose files sets the top-level `name`, once, at the top of the
    first file; the message gives the name Compose derives instead. Unlike dclint's
    `require-project-name-field`, override files and fragments are not reported: one `name` per
    project is enough. Off by default.

    ## Why is this bad?
    Without `name`, Compose names the project after the directory (or `COMPOSE_PROJECT_NAME`):
    containers, networks and volumes change names when the repository is cloned under another name,
    and two checkouts of the same project on one host share (and overwrite) each other's resources.

    ## Example
    ```yaml
    services:
      web:
        image: nginx:1.27
    ```

    ## Use instead
    ```yaml
    name: shop
    services:
      web:
        image: nginx:1.27
    ```
    """

    id = "CL609"
    name = "require-project-name"
    severity = Severity.INFO
    summary = "The project has no name"
    enabled_by_default = False

    def check(self, ctx: Context) -> Iterator[Violation]:
        documents = list(written_documents(ctx))
        if not documents or any("name" in document for _, document in documents):
            return
        first = documents[0][1]
        yield Violation(
            Span.point(first.span.path, first.span.line, first.span.column),
            f"the project sets no top-level name, so Compose names it after its directory "
            f"({ctx.project.name}); add `name: {ctx.project.name}` to fix it",
        )
