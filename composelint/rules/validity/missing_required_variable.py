"""CL106 missing-required-variable: a required ${VAR:?} variable is not set."""

from __future__ import annotations

from composelint.finding import Severity
from composelint.rule import Rule


class MissingRequiredVariable(Rule):
    """A `${VAR:?message}` or `${VAR?message}` variable is not set.

    ## What it does
    Reports required variables that neither the environment nor the `.env` file (or `--env-file`)
    provides, at the value that requires them.

    ## Why is this bad?
    Docker Compose refuses to start (`required variable DB_PASSWORD is missing a value`). In CI the
    variable may be set by the pipeline: then lint with the same `--env-file` or environment.

    ## Example
    ```yaml
    services:
      db:
        image: postgres:16
        environment:
          POSTGRES_PASSWORD: ${DB_PASSWORD:?set DB_PASSWORD}
    ```

    ## Use instead
    Set the variable in `.env` (kept out of version control) or in the environment that runs
    `docker compose`, and lint with it available.
    """

    id = "CL106"
    name = "missing-required-variable"
    severity = Severity.ERROR
    summary = "A required ${VAR:?} variable is not set"
    load_error_kinds = ("missing-required-variable",)
