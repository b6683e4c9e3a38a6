"""CL118 invalid-config: docker Compose would refuse the project."""

from __future__ import annotations

import re
from collections.abc import Iterator

from composelint.compose.tree import IStr
from composelint.finding import Severity, Violation
from composelint.project.model import Service
from composelint.rule import Context, Rule
from composelint.rules.validity.common import context_services


class InvalidConfig(Rule):
    """Docker Compose would refuse this project for another reason.

    ## What it does
    Reports the remaining checks Docker Compose makes when it loads a project: a service with
    neither `image` nor `build`, conflicting values (`cpus`, `mem_limit`, `mem_reservation` or
    `pids_limit` vs `deploy.resources`, `scale` vs `deploy.replicas`), an invalid `healthcheck.test`,
    a `develop.watch` rule without `target`, a build context from a service that is not built, a
    secret without `file` or `environment`, an external volume with a driver, values that cannot be
    cast to their type (`privileged: maybe`), an `include` conflict, an empty file.

    ## Why is this bad?
    `docker compose up` fails on it.

    ## Example
    ```yaml
    services:
      web:
        ports: ["8080:80"]
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27
        ports: ["8080:80"]
    ```
    """

    id = "CL118"
    name = "invalid-config"
    severity = Severity.ERROR
    summary = "Docker Compose would refuse the project"
    load_error_kinds = ("invalid-config", "include-cycle")

    def check(self, ctx: Context) -> Iterator[Violation]:
        yield from super().check(ctx)
        project = ctx.project
        for service in project.services.values():
            config = service.config
            if not service.image and not service.has_build and "provider" not in config:
                image = config.get("image")
                unset = (
                    f" (image is written {image.template!r}; {', '.join(image.unset)} unset)"
                    if isinstance(image, IStr) and image.unset
                    else ""
                )
                yield Violation(
                    service.value_span("image") or service.span,
                    f'service "{service.name}" has neither an image nor a build context specified{unset}',
                    service.name,
                )
            build = config.get("build")
            if isinstance(build, dict) and build.get("dockerfile_inline") and build.get("dockerfile"):
                span = service.value_span("build", "dockerfile_inline") or service.span
                yield Violation(
                    span,
                    f'service "{service.name}" declares mutually exclusive dockerfile and dockerfile_inline',
                    service.name,
                )
            yield from _platform_mismatch(service)
            healthcheck = config.get("healthcheck")
            test = healthcheck.get("test") if isinstance(healthcheck, dict) else None
            if isinstance(test, list) and test and test[0] not in ("CMD", "CMD-SHELL", "NONE"):
                span = service.value_span("healthcheck", "test") or service.span
                yield Violation(
                    span, 'healthcheck.test must start either by "CMD", "CMD-SHELL" or "NONE"', service.name
                )
            yield from _conflicting_limits(service)
            yield from _watch_without_target(service)
            for context, target, span in context_services(service):
                other = project.services.get(target)
                if other is not None and not other.has_build:
                    yield Violation(
                        span,
                        f'service "{service.name}" declares non-buildable service "{target}" as additional '
                        f"context {context}",
                        service.name,
                    )
        for name, secret in project.secrets.items():
            if not secret.external and not secret.file and "environment" not in secret.config:
                yield Violation(secret.span, f'secret "{name}" must declare either `file` or `environment`')
        for name, volume in project.volumes.items():
            if volume.external:
                for key in ("driver", "driver_opts", "labels"):
                    if key in volume.config:
                        yield Violation(
                            volume.config.key_span(key),
                            f'volumes.{name}: conflicting parameters "external" and "{key}" specified',
                        )


def _conflicting_limits(service: Service) -> Iterator[Violation]:
    config = service.config
    deploy = config.get("deploy")
    scale = config.get("scale")
    replicas = deploy.get("replicas") if isinstance(deploy, dict) else None
    if isinstance(scale, int) and isinstance(replicas, int) and scale != replicas:
        yield Violation(
            service.value_span("scale") or service.span,
            f"services.{service.name}: can't set distinct values on 'scale' and 'deploy.replicas'",
            service.name,
        )
    resources = deploy.get("resources") if isinstance(deploy, dict) else None
    for key, section, limit_key, parse in (
        ("cpus", "limits", "cpus", _number),
        ("mem_limit", "limits", "memory", _bytes),
        ("mem_reservation", "reservations", "memory", _bytes),
        ("pids_limit", "limits", "pids", _number),
    ):
        limits = resources.get(section) if isinstance(resources, dict) else None
        own = parse(config.get(key))
        # As in Compose, a limit missing from a `limits:` mapping counts as 0, and differs.
        if not isinstance(limits, dict) or not own:
            continue
        limit = parse(limits.get(limit_key)) if limit_key in limits else 0
        if limit is not None and own != limit:
            yield Violation(
                service.value_span(key) or service.span,
                f"services.{service.name}: can't set distinct values on '{key}' and "
                f"'deploy.resources.{section}.{limit_key}'",
                service.name,
            )
    for value, path in ((scale, ("scale",)), (replicas, ("deploy", "replicas"))):
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            yield Violation(
                service.value_span(*path) or service.span,
                f"services.{service.name}.{'.'.join(path)}: must be greater than or equal to 0",
                service.name,
            )


def _watch_without_target(service: Service) -> Iterator[Violation]:
    develop = service.config.get("develop")
    watch = develop.get("watch") if isinstance(develop, dict) else None
    if not isinstance(watch, list):
        return
    for index, rule in enumerate(watch):
        if (
            isinstance(rule, dict)
            and not rule.get("target")
            and rule.get("action") not in ("rebuild", "restart")
        ):
            yield Violation(
                service.value_span("develop", "watch", index) or service.span,
                f"services.{service.name}.develop.watch: target is required for non-rebuild actions",
                service.name,
            )


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


_BYTE_SIZE = re.compile(r"(\d+(?:\.\d+)*) ?([kmgtp])?i?b?", re.IGNORECASE)


def _bytes(value: object) -> float | None:
    """A memory size as Docker reads it (go-units RAMInBytes: binary multiples, "512m", "1.5GiB")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return float(value)
    match = _BYTE_SIZE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    exponent = " kmgtp".index(match.group(2).lower()) if match.group(2) else 0
    return float(int(float(match.group(1)) * 1024**exponent))


def _platform_mismatch(service: Service) -> Iterator[Violation]:
    build = service.config.get("build")
    platforms = build.get("platforms") if isinstance(build, dict) else None
    platform = service.config.get("platform")
    if isinstance(platforms, list) and platforms and isinstance(platform, str) and platform not in platforms:
        yield Violation(
            service.value_span("platform") or service.span,
            f'service.build.platforms must include service.platform "{platform}"',
            service.name,
        )
