"""CL113 invalid-interpolation: a $ expression Docker Compose cannot interpolate."""

from __future__ import annotations

from composelint.finding import Severity
from composelint.rule import Rule


class InvalidInterpolation(Rule):
    """A `$` expression Docker Compose cannot interpolate.

    ## What it does
    Reports malformed variable references such as `${ VAR}`, `${VAR:1}`, `${VAR/a/b}` or an unclosed
    `${`, at the value that contains them.

    ## Why is this bad?
    Docker Compose refuses the file (`invalid interpolation format`). A literal dollar sign must be
    written `$$`.

    ## Example
    ```yaml
    services:
      web:
        image: nginx:1.27
        command: echo ${HOME/user/me}
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27
        command: echo $${HOME}
    ```
    """

    id = "CL113"
    name = "invalid-interpolation"
    severity = Severity.ERROR
    summary = "A $ expression Docker Compose cannot interpolate"
    load_error_kinds = ("invalid-interpolation",)
