"""CL119 unused-suppression: a suppression comment that suppresses nothing."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule


class UnusedSuppression(Rule):
    """A `# composelint: disable` comment that suppresses nothing.

    ## What it does
    Reports suppression comments that matched no finding, comments naming a rule that does not
    exist, and `composelint:` comments that are not valid directives. It runs when
    `composelint check --report-unused-suppressions` is given. A suppression of a rule that is not
    enabled in the run is not reported.

    ## Why is this bad?
    A stale suppression hides the next real problem on its line, and a misspelled rule name
    suppresses nothing while looking as if it does.

    ## Example
    ```yaml
    services:
      web:
        image: nginx:1.27  # composelint: disable=exposed-database
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27
    ```
    """

    id = "CL119"
    name = "unused-suppression"
    severity = Severity.WARNING
    summary = "A suppression comment that suppresses nothing"
    enabled_by_default = False

    def check(self, ctx: Context) -> Iterator[Violation]:
        return iter(())  # the engine reports these once every project's findings are known
