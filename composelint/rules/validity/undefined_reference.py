"""CL104 undefined-reference: a reference to a network, volume, secret, config or service that does not exist."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from composelint.compose.tree import YMap
from composelint.finding import Severity, Violation
from composelint.project.model import Service
from composelint.rule import Context, Rule
from composelint.rules.validity.common import context_services


class UndefinedReference(Rule):
    """A service refers to a network, volume, secret, config or service that does not exist.

    ## What it does
    Checks every reference a service makes: networks it joins, named volumes it mounts, secrets,
    configs, build secrets and models it uses, services in `depends_on`, `links`, `volumes_from`,
    `extends`, `network_mode: service:`/`ipc`/`pid: service:` and `build.additional_contexts`.

    ## Why is this bad?
    Docker Compose refuses the project (`service "web" refers to undefined network backend`). A
    named volume that is not declared is often a typo for a bind mount (`data/db:/db` instead of
    `./data/db:/db`).

    ## Example
    ```yaml
    services:
      web:
        image: nginx:1.27
        networks: [backend]
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27
        networks: [backend]
    networks:
      backend: {}
    ```
    """

    id = "CL104"
    name = "undefined-reference"
    severity = Severity.ERROR
    summary = "A reference to a network, volume, secret, config or service that does not exist"
    load_error_kinds = ("undefined-reference",)

    def check(self, ctx: Context) -> Iterator[Violation]:
        yield from super().check(ctx)
        project = ctx.project
        services = project.services
        disabled = set(project.disabled_services)
        for service in services.values():
            for attachment in service.networks:
                if attachment.network not in project.networks:
                    yield Violation(
                        attachment.span,
                        f'service "{service.name}" refers to undefined network {attachment.network}',
                        service.name,
                    )
            for mount in service.mounts:
                if mount.type == "volume" and mount.source and mount.source not in project.volumes:
                    hint = (
                        f"; for a bind mount of the host path, write ./{mount.source}"
                        if "/" in mount.source
                        else ""
                    )
                    yield Violation(
                        mount.span,
                        f'service "{service.name}" refers to undefined volume {mount.source}{hint}',
                        service.name,
                    )
            for path, kind, declared in (
                (("secrets",), "secret", project.secrets),
                (("configs",), "config", project.configs),
                (("build", "secrets"), "build secret", project.secrets),
            ):
                yield from _undefined_sources(service, path, kind, declared)
            yield from _undefined_models(service, ctx.project.model.get("models"))
            yield from _unknown_context_services(service, services)
            for dependency in service.depends_on:
                target = dependency.service
                if target in services or target in disabled:
                    continue
                if dependency.kind in ("network_mode", "ipc", "pid", "uts", "cgroup"):
                    message = f"service \"{target}\" not found for {dependency.kind} 'service:{target}'"
                elif dependency.kind == "depends_on":
                    message = f'service "{service.name}" depends on undefined service "{target}"'
                else:
                    message = f'service "{service.name}" refers to undefined service "{target}" in {dependency.kind}'
                yield Violation(dependency.span, message, service.name)


def _undefined_sources(
    service: Service, path: tuple[str, ...], kind: str, declared: Mapping[str, object]
) -> Iterator[Violation]:
    """Secrets and configs (long or short syntax) that the top level does not declare."""
    node: object = service.config
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    if not isinstance(node, list):
        return
    for index, entry in enumerate(node):
        source = entry.get("source") if isinstance(entry, dict) else entry
        if isinstance(source, str) and source not in declared:
            yield Violation(
                service.value_span(*path, index) or service.span,
                f'service "{service.name}" refers to undefined {kind} {source}',
                service.name,
            )


def _undefined_models(service: Service, declared: object) -> Iterator[Violation]:
    models = service.config.get("models")
    if not isinstance(models, YMap):
        return
    for model in models:
        if not isinstance(declared, dict) or model not in declared:
            yield Violation(
                models.key_span(model),
                f'service "{service.name}" refers to undefined model {model}',
                service.name,
            )


def _unknown_context_services(service: Service, services: Mapping[str, Service]) -> Iterator[Violation]:
    """`additional_contexts: {base: service:other}` needs a service named other."""
    for name, target, span in context_services(service):
        if target not in services:
            yield Violation(
                span,
                f'service "{service.name}" declares unknown service "{target}" as additional context {name}',
                service.name,
            )
