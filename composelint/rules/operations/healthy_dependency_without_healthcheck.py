"""CL508 healthy-dependency-without-healthcheck: a service waits for a dependency to be healthy, but it
has no healthcheck."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping
from typing import ClassVar

from composelint.finding import Severity, Violation
from composelint.project.dataservices import repository
from composelint.rule import Context, Option, Rule
from composelint.rules.operations.common import healthcheck


class HealthyDependencyWithoutHealthcheck(Rule):
    """A service waits for another to be healthy, but that one has no healthcheck in the project.

    ## What it does
    Reports `depends_on: {X: {condition: service_healthy}}` where service X defines no healthcheck test
    in the compose files, at the `condition`. When X disables its healthcheck (`disable: true`,
    `test: ["NONE"]`) or breaks it (`test: NONE` as a string runs a command that always fails), the
    dependency can never be satisfied and `docker compose up` fails; when X simply has none, the
    project relies on a `HEALTHCHECK` baked into X's image, which the compose file does not show
    (option `images-with-healthcheck` lists images known to have one, which are then not reported).

    ## Why is this bad?
    Compose refuses to start the dependent service: `dependency failed to start: container x has no
    healthcheck configured` (with `required: false`, it starts it without waiting, so the condition
    achieves nothing). It works only as long as the image keeps its `HEALTHCHECK`, which a base
    image change or a switch to another image removes without warning.

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.1
        depends_on:
          db:
            condition: service_healthy
      db:
        image: postgres:16.4
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.1
        depends_on:
          db:
            condition: service_healthy
      db:
        image: postgres:16.4
        healthcheck:
          test: ["CMD-SHELL", "pg_isready -U postgres"]
          interval: 5s
    ```
    """

    id = "CL508"
    name = "healthy-dependency-without-healthcheck"
    severity = Severity.WARNING
    summary = "A service waits for a dependency to be healthy, but it has no healthcheck"
    options: ClassVar[Mapping[str, Option]] = {
        "images-with-healthcheck": Option(
            list, [], "image repositories (fnmatch patterns) whose image defines a HEALTHCHECK"
        ),
    }

    def check(self, ctx: Context) -> Iterator[Violation]:
        trusted = [str(p) for p in ctx.options.get("images-with-healthcheck", [])]
        services = ctx.project.services
        for service in services.values():
            for dependency in service.depends_on:
                target = services.get(dependency.service)
                if dependency.condition != "service_healthy" or target is None:
                    continue
                health = healthcheck(target)
                span = service.value_span("depends_on", target.name, "condition") or dependency.span
                # Compose fails the startup, or for an optional dependency gives up waiting.
                outcome = (
                    "`docker compose up` fails"
                    if dependency.required
                    else f"Compose starts {service.name} without waiting (the dependency is optional)"
                )
                if health.state in ("disabled", "broken"):
                    what = (
                        "disables its healthcheck"
                        if health.state == "disabled"
                        else "has a broken healthcheck"
                    )
                    yield Violation(
                        span,
                        f"service {service.name} waits for {target.name} to be healthy, but {target.name} {what}: "
                        f"it never becomes healthy and {outcome}",
                        service.name,
                        severity=Severity.ERROR if dependency.required else None,
                    )
                elif health.state == "absent":
                    image = target.image or ""
                    if image and any(fnmatch.fnmatchcase(repository(image), p) for p in trusted):
                        continue
                    source = f"image {image}" if image else "its build"
                    yield Violation(
                        span,
                        f"service {service.name} waits for {target.name} to be healthy, but {target.name} defines "
                        f"no healthcheck test: this relies on a HEALTHCHECK in {source}, and without one "
                        f"{outcome}; define the healthcheck in the compose file",
                        service.name,
                    )
