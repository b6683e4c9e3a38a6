"""CL103 schema-violation: the file does not follow the compose-spec schema."""

from __future__ import annotations

from composelint.finding import Severity
from composelint.rule import Rule


class SchemaViolation(Rule):
    """The file does not follow the compose specification's schema.

    ## What it does
    Validates the project against the official compose-spec JSON schema and reports every violation
    (not only the first) at the offending key: unknown keys, with a "did you mean" for typos, wrong
    types, invalid enum values, duplicates in lists that must be unique.

    ## Why is this bad?
    Docker Compose refuses the file. A misspelled key such as `servces:` or `enviroment:` is not
    ignored by Compose, it stops the deployment.

    ## Example
    ```yaml
    servces:
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

    id = "CL103"
    name = "schema-violation"
    severity = Severity.ERROR
    summary = "The file does not follow the compose-spec schema"
    load_error_kinds = ("schema-violation",)
