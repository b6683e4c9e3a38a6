"""CL115 missing-file: a file the project needs is missing or unreadable."""

from __future__ import annotations

from composelint.finding import Severity
from composelint.rule import Rule


class MissingFile(Rule):
    """A file the project needs is missing or unreadable.

    ## What it does
    Reports `include`, `extends.file`, `env_file` and `--env-file` targets that do not exist, are
    directories or cannot be read.

    ## Why is this bad?
    Docker Compose refuses to load the project (`env file /app/.env.local not found`). Mark optional
    env files with `required: false`.

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.1
        env_file: .env.local
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.1
        env_file:
          - path: .env.local
            required: false
    ```
    """

    id = "CL115"
    name = "missing-file"
    severity = Severity.ERROR
    summary = "A file the project needs is missing or unreadable"
    load_error_kinds = ("missing-file", "unreadable-file")
