"""CL114 invalid-env-file: an env file Docker Compose cannot parse."""

from __future__ import annotations

from composelint.finding import Severity
from composelint.rule import Rule


class InvalidEnvFile(Rule):
    """An env file (`.env`, `--env-file`, `env_file:`) Docker Compose cannot parse.

    ## What it does
    Parses env files with Compose's syntax and reports lines it would refuse: keys with spaces or
    invalid characters, unterminated quotes.

    ## Why is this bad?
    Docker Compose refuses to load the project (`line 3: key cannot contain a space`).

    ## Example
    ```dotenv
    DB PASSWORD=secret
    ```

    ## Use instead
    ```dotenv
    DB_PASSWORD=secret
    ```
    """

    id = "CL114"
    name = "invalid-env-file"
    severity = Severity.ERROR
    summary = "An env file Docker Compose cannot parse"
    load_error_kinds = ("invalid-env-file",)
