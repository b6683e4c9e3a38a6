"""CL111 container-name-with-replicas: container_name together with more than one replica."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule


class ContainerNameWithReplicas(Rule):
    """A service sets `container_name` and runs more than one replica.

    ## What it does
    Reports services with a fixed `container_name` and `scale` or `deploy.replicas` greater than 1.

    ## Why is this bad?
    Container names are unique on a host: Docker Compose refuses the project.

    ## Example
    ```yaml
    services:
      worker:
        image: example/worker:3.0
        container_name: worker
        deploy:
          replicas: 3
    ```

    ## Use instead
    ```yaml
    services:
      worker:
        image: example/worker:3.0
        deploy:
          replicas: 3
    ```
    """

    id = "CL111"
    name = "container-name-with-replicas"
    severity = Severity.ERROR
    summary = "container_name together with more than one replica"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            if not service.container_name:
                continue
            scale = service.config.get("scale")
            deploy = service.config.get("deploy")
            replicas = deploy.get("replicas") if isinstance(deploy, dict) else None
            for value, path in ((scale, ("scale",)), (replicas, ("deploy", "replicas"))):
                if isinstance(value, int) and not isinstance(value, bool) and value > 1:
                    span = service.value_span(*path) or service.span
                    yield Violation(
                        span,
                        f"services.{service.name}: can't set container_name and {'.'.join(path)} ({value}) "
                        "as container names must be unique",
                        service.name,
                    )
                    break
