"""CL610 container-name-pattern: a container_name does not match the naming pattern."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import ClassVar

from composelint.compose.tree import IStr
from composelint.finding import Severity, Violation
from composelint.rule import Context, Option, Rule

# Docker's own rule for container names (the engine refuses others).
_DOCKER_CONTAINER_NAME = "[a-zA-Z0-9][a-zA-Z0-9_.-]+"


def _regex_problem(pattern: str) -> str | None:
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"is not a valid regular expression: {exc}"
    return None


class ContainerNamePattern(Rule):
    """A `container_name` does not match the naming pattern.

    ## What it does
    Reports `container_name` values, after interpolation, that do not fully match option `pattern`
    (by default Docker's own rule, `[a-zA-Z0-9][a-zA-Z0-9_.-]+`, which the engine enforces). Names
    that depend on an unset variable are skipped, so `${COMPOSE_PROJECT_NAME}-db` is checked as the
    name it becomes (dclint's `service-container-name-regex` reports the template itself). Off by
    default; set `pattern` to enforce a team convention.

    ## Why is this bad?
    With the default pattern, Docker refuses the container ("Invalid container name"), so the
    service never starts. With a custom pattern, the name breaks the team's convention.

    ## Example
    ```yaml
    services:
      db:
        image: postgres:16.4
        container_name: "shop db"
    ```

    ## Use instead
    ```yaml
    services:
      db:
        image: postgres:16.4
        container_name: shop-db
    ```
    """

    id = "CL610"
    name = "container-name-pattern"
    severity = Severity.INFO
    summary = "A container_name does not match the naming pattern"
    enabled_by_default = False
    options: ClassVar[Mapping[str, Option]] = {
        "pattern": Option(
            str,
            _DOCKER_CONTAINER_NAME,
            "regular expression container names must fully match",
            problem=lambda value: _regex_problem(str(value)),
        ),
    }

    def check(self, ctx: Context) -> Iterator[Violation]:
        pattern = str(ctx.options.get("pattern", _DOCKER_CONTAINER_NAME))
        compiled = re.compile(pattern)
        for service in ctx.project.services.values():
            name = service.container_name
            if name is None or (isinstance(name, IStr) and name.unset) or compiled.fullmatch(name):
                continue
            written = f" (written {name.template!r})" if isinstance(name, IStr) else ""
            consequence = ": Docker refuses it" if pattern == _DOCKER_CONTAINER_NAME else ""
            yield Violation(
                service.value_span("container_name") or service.span,
                f"container_name {name!r} of service {service.name}{written} does not match {pattern}{consequence}",
                service.name,
            )
