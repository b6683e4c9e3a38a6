"""CL110 depends-on-disabled-service: a dependency on a service its profiles may leave disabled."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule


class DependsOnDisabledService(Rule):
    """A service depends on a service that a profile may leave disabled.

    ## What it does
    Reports `depends_on` (and links, `volumes_from`, `network_mode: service:`) on a service that
    profiles may leave disabled while the depending service runs. Dependencies declared with
    `required: false` are fine.

    - With a profile selection (`--profile`, `COMPOSE_PROFILES`), the selection is judged: an error
      when an enabled service requires a disabled one, as Compose then refuses the project;
    - without one (every service is checked), a warning for each profile combination that fails:
      the dependency has `profiles` the dependent service does not share (`--profile media` alone
      would enable `app` without `db`).

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
        # With --profile or COMPOSE_PROFILES, the selection is what runs: only it is judged.
        selected = ctx.project.active_profiles is not None
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
                if selected or other is None or not other.profiles or "*" in other.profiles:
                    continue
                missing = [p for p in service.profiles if p not in other.profiles]
                if not service.profiles:
                    when = f'"{service.name}" runs without any profile, so `docker compose up` refuses the project'
                elif missing:
                    when = f"`docker compose --profile {missing[0]} up` refuses the project"
                else:
                    continue
                profiles = " or ".join(other.profiles)
                yield Violation(
                    dependency.span,
                    f'service "{service.name}" depends on "{target}", which only runs with profile {profiles}: '
                    f"{when}; set required: false or give both the same profiles",
                    service.name,
                    Severity.WARNING,
                )
