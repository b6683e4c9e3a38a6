"""CL101 yaml-syntax: the file is not valid YAML or not a compose mapping."""

from __future__ import annotations

from composelint.finding import Severity
from composelint.rule import Rule


class YamlSyntax(Rule):
    """The file is not valid YAML, or not a compose mapping.

    ## What it does
    Reports YAML syntax errors (bad indentation, tabs, unclosed quotes or brackets), invalid UTF-8,
    non-string mapping keys, values that do not fit their explicit tag (`!!bool maybe`) and a top
    level that is not a mapping, at the line and column where the parser stopped.

    ## Why is this bad?
    Docker Compose refuses the file, so nothing in it runs; no other rule can check it either.

    ## Example
    ```yaml
    services:
      web:
        image: nginx
       ports: ["80:80"]
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx
        ports: ["80:80"]
    ```
    """

    id = "CL101"
    name = "yaml-syntax"
    severity = Severity.ERROR
    summary = "The file is not valid YAML or not a compose mapping"
    load_error_kinds = ("yaml-syntax",)
