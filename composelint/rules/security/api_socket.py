"""CL417 api-socket: a service mounts the Docker API socket with use_api_socket."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule


class ApiSocket(Rule):
    """A service asks Compose to mount the Docker API socket (`use_api_socket: true`).

    ## What it does
    Reports `use_api_socket: true`, at the value.

    ## Why is this bad?
    Compose then bind-mounts the engine's API socket into the container and hands it the user's
    registry credentials: the same exposure as mounting `/var/run/docker.sock` (see
    `engine-socket-mount`), plus the credentials.

    ## Example
    ```yaml
    services:
      builder:
        image: example/builder:2.0
        use_api_socket: true
    ```

    ## Use instead
    ```yaml
    services:
      builder:
        image: example/builder:2.0
        environment:
          DOCKER_HOST: tcp://socket-proxy:2375
    ```
    """

    id = "CL417"
    name = "api-socket"
    severity = Severity.ERROR
    summary = "A service mounts the Docker API socket with use_api_socket"
    security_severity = 9.0

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            if service.config.get("use_api_socket") is True:
                yield Violation(
                    service.value_span("use_api_socket") or service.span,
                    f"service {service.name} sets use_api_socket: Compose mounts the Docker API socket "
                    "and the registry credentials into it, which is root on the host",
                    service.name,
                )
