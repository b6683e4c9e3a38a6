"""CL110 depends-on-disabled-service: a dependency on a service its profiles may leave disabled."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule


class DependsOnDisabledService(Rule):
    """A service depends on a service that a profile may leave disabled.

    ## What it does
    Reports `depends_on` (and links, `volumes_from`, `network_mode: service:`) on a service that is
    not enabled whenever the depending service is: the dependency has `profiles` the dependent
    service does not share. Dependencies declared with `required: false` are fine.

    ## Why is this bad?
    When the dependency's profile is not active, `docker compose up` fails (`service "db" is
    required by "app" but is disabled`).

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.1
        depends_on: [db]
      db:
        image: postgres:16
        profiles: [local-db]
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.1
        depends_on:
          db:
            condition: service_started
            required: false
      db:
        image: postgres:16
        profiles: [local-db]
    ```
    """

    id = "CL110"
    name = "depends-on-disabled-service"
    severity = Severity.ERROR
    summary = "A dependency on a service its profiles may leave disabled"

    def check(self, ctx: Context) -> Iterator[Violation]:
        services = ctx.project.services
        disabled = set(ctx.project.disabled_services)
        for service in services.values():
            for dependency in service.depends_on:
                if not dependency.required:
                    continue
                target = dependency.service
                if target in disabled:
                    yield Violation(
                        dependency.span,
                        f'service "{target}" is required by "{service.name}" but is disabled by the active profiles',
                        service.name,
                    )
                    continue
                other = services.get(target)
                if other is None or not other.profiles or "*" in other.profiles:
                    continue
                missing = [p for p in service.profiles if p not in other.profiles]
                if not service.profiles:
                    reason = f'"{service.name}" runs without any profile'
                elif missing:
                    reason = f'"{service.name}" runs with profile {", ".join(missing)}'
                else:
                    continue
                profiles = ", ".join(other.profiles)
                yield Violation(
                    dependency.span,
                    f'service "{service.name}" depends on "{target}", which only runs with profile {profiles}, '
                    f"but {reason}; set required: false or give both the same profiles",
                    service.name,
                )
