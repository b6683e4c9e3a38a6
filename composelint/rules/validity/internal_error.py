"""CL100 internal-error: a rule crashed while checking the project."""

from __future__ import annotations

from composelint.finding import Severity
from composelint.rule import Rule


class InternalError(Rule):
    """A rule crashed while checking this project.

    ## What it does
    Reports that one of composelint's rules (or a plugin rule) failed with an unexpected error; the
    other rules still ran and their findings are complete. Also reports a failure to load the
    project itself, which leaves nothing else to check.

    ## Why is this bad?
    The crashed rule could not check your project, so a problem it looks for may be missing from the
    report. It is a bug in composelint or in the plugin, not in your file.

    ## Example
    ```text
    compose.yaml:1:1: CL100 [internal-error] rule CL999 [my-plugin-rule] crashed: KeyError: 'image'
    ```

    ## Use instead
    Report the message to the rule's authors. Meanwhile, `--ignore` the crashing rule.
    """

    id = "CL100"
    name = "internal-error"
    severity = Severity.ERROR
    summary = "A rule crashed while checking the project"
    # Rule crashes are stamped by the engine; loader crashes arrive as load errors of this kind.
    load_error_kinds = ("internal-error",)
