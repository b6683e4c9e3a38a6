"""CL102 duplicate-key: a mapping defines the same key twice."""

from __future__ import annotations

from composelint.finding import Severity
from composelint.rule import Rule


class DuplicateKey(Rule):
    """A mapping defines the same key twice.

    ## What it does
    Reports a key written twice in the same mapping, at the second occurrence, naming the line of
    the first. As in Docker Compose, reading the file stops there: a second duplicate shows once the
    first is fixed.

    ## Why is this bad?
    Docker Compose rejects the file (`mapping key "image" already defined at line 3`). Many YAML
    tools silently keep the last value instead, so the file may look fine in other linters.

    ## Example
    ```yaml
    services:
      web:
        image: nginx:1.27
        image: nginx:1.25
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27
    ```
    """

    id = "CL102"
    name = "duplicate-key"
    severity = Severity.ERROR
    summary = "A mapping defines the same key twice"
    load_error_kinds = ("duplicate-key",)
