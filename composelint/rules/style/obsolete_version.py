"""CL601 obsolete-version: the top-level version key is obsolete."""

from __future__ import annotations

from composelint.finding import Severity
from composelint.rule import Rule


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
