"""What several operations rules share."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from composelint.compose.span import Span
from composelint.compose.tree import IStr, YMap
from composelint.finding import Violation
from composelint.project.model import Project, Service


def as_written(value: Any) -> str:
    """How an interpolated value was written, so the user sees which variable decided it."""
    if isinstance(value, IStr):
        unset = ", ".join("${" + v + "}" for v in value.unset)
        return f" (written {value.template!r}" + (f"; {unset} is unset" if unset else "") + ")"
    return ""


class Image(NamedTuple):
    """An image reference split as Docker reads it: ``registry:5000/team/app:1.2@sha256:...``."""

    text: str
    tag: str | None
    digest: str | None

    @classmethod
    def parse(cls, text: str) -> Image:
        name, _, digest = text.partition("@")
        last = name.rsplit("/", 1)[-1]  # a registry port ("localhost:5000/app") is not a tag
        tag = last.rsplit(":", 1)[1] if ":" in last else None
        return cls(text, tag or None, digest or None)


def pulled_image(service: Service) -> tuple[Image, Span] | None:
    """The image a service pulls: None when it builds its own (then `image` names the build output)
    or when the reference depends on an unset variable (its value is unknown here)."""
    image = service.image
    if not image or service.has_build or (isinstance(image, IStr) and image.unset):
        return None
    return Image.parse(image), service.value_span("image") or service.span


# -- resource limits -----------------------------------------------------------------------------

SIZE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgtpe]?)(?:i?b)?\s*", re.IGNORECASE)


UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "p": 1 << 50, "e": 1 << 60}


def limit_number(value: Any) -> float | None:
    """A limit as a number: ints, floats and numeric strings, with byte units (`512m`, `1.5GiB`)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        match = SIZE.fullmatch(value)
        if match:
            return float(match.group(1)) * UNITS[match.group(2).lower()]
    return None


class LimitKind(NamedTuple):
    what: str  # "memory limit"
    keys: tuple[tuple[str, ...], ...]  # where a limit may be written, service-relative
    advice: str


def missing_limit(service: Service, kind: LimitKind) -> Violation | None:
    """None when one of the keys sets a positive limit; else a violation at an explicit "unlimited"
    value (0, -1) when there is one, or at the service."""
    unlimited: tuple[tuple[str, ...], Any] | None = None
    for path in kind.keys:
        value = get(service.config, path)
        if isinstance(value, IStr) and value.unset:
            return None  # set through a variable that is unset here: the limit is unknown, not missing
        number = limit_number(value)
        if number is None:
            continue  # absent, or a value the schema rejects
        if number > 0:
            return None
        unlimited = unlimited or (path, value)
    if unlimited is not None:
        path, value = unlimited
        return Violation(
            service.value_span(*path) or service.span,
            f"{'.'.join(path)}: {value} of service {service.name} sets no {kind.what}{as_written(value)}; "
            f"{kind.advice}",
            service.name,
        )
    keys = " or ".join(".".join(p) for p in kind.keys)
    return Violation(
        service.span, f"service {service.name} has no {kind.what} ({keys}); {kind.advice}", service.name
    )


def get(node: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(node, YMap):
            return None
        node = node.get(part)
    return node


# -- healthchecks ----------------------------------------------------------------------------------


class Healthcheck(NamedTuple):
    state: str  # "absent", "defined", "disabled" or "broken"
    span: Span | None = None  # where it is disabled or broken


def healthcheck(service: Service) -> Healthcheck:
    config = service.config.get("healthcheck")
    if not isinstance(config, YMap):
        return Healthcheck("absent")
    if config.get("disable") is True:
        return Healthcheck("disabled", service.value_span("healthcheck", "disable"))
    test = config.get("test")
    if not test:
        # Only timings (or nothing): the image's HEALTHCHECK command is kept with these settings.
        return Healthcheck("absent")
    if isinstance(test, list):
        if test[0] == "NONE":
            return Healthcheck("disabled", service.value_span("healthcheck", "test"))
        if list(test) == ["CMD-SHELL", "NONE"]:
            return Healthcheck("broken", service.value_span("healthcheck", "test"))
    return Healthcheck("defined")


def completion_waiters(project: Project) -> dict[str, list[str]]:
    """Service -> the services that wait for it to exit with service_completed_successfully (it is a
    job, not a server)."""
    waiters: dict[str, list[str]] = {}
    for service in project.services.values():
        for dependency in service.depends_on:
            if dependency.condition == "service_completed_successfully":
                waiters.setdefault(dependency.service, []).append(service.name)
    return waiters
