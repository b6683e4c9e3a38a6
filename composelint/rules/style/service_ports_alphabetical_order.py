"""CL606 service-ports-alphabetical-order: ports are not sorted by port number."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from composelint.compose.span import Span
from composelint.compose.tree import YMap, YSeq
from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.style.common import own_items, sorted_fix, written_services


def _port_sort_key(item: Any, span: Span, interpolated: Mapping[Span, int]) -> int | None:
    """The host port an entry publishes (the container port when it publishes none); None when
    unknown. Entries written with variables take their interpolated value."""
    if span in interpolated:
        return interpolated[span]
    if isinstance(item, YMap):
        item = item.get("published") or item.get("target")
    if isinstance(item, int) and not isinstance(item, bool):
        return item
    if isinstance(item, str) and "$" not in item:
        parts = item.split("/")[0].split(":")
        published = parts[-2] if len(parts) >= 2 and parts[-2] else parts[-1]
        match = re.fullmatch(r"([0-9]+)(?:-[0-9]+)?", published)
        return int(match.group(1)) if match else None
    return None


class ServicePortsAlphabeticalOrder(Rule):
    """The ports of a service are not sorted by port number.

    ## What it does
    In each compose file, reports the first `ports` entry whose host port (the container port for an
    entry that publishes none) is lower than the one written above it. Ports written with variables
    are compared by their interpolated value, so `"${WEB_PORT:-8080}:80"` counts as 8080 (dclint
    compares the text `${WEB_PORT` and reports nonsense); an entry whose port is unknown is skipped.
    Off by default (dclint: `service-ports-alphabetical-order`).

    ## Why is this bad?
    Sorted ports are easier to scan and make collisions visible. It is a convention, not a
    correctness problem.

    ## Example
    ```yaml
    services:
      web:
        image: nginx:1.27
        ports: ["8443:443", "8080:80"]
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27
        ports: ["8080:80", "8443:443"]
    ```
    """

    id = "CL606"
    name = "service-ports-alphabetical-order"
    fix_safety = "safe"
    fix_summary = "sorts the ports by host port, comments moved with them (Compose keeps the written order)"
    severity = Severity.INFO
    summary = "Ports are not sorted by port number"
    enabled_by_default = False

    def check(self, ctx: Context) -> Iterator[Violation]:
        # Entries written with (set) variables, by where they are written, with their interpolated port.
        interpolated: dict[Span, int] = {}
        for model_service in ctx.project.services.values():
            for port in model_service.ports:
                host = port.published_range
                number = host[0] if host is not None else port.target
                if port.template is not None and not port.unset and number is not None:
                    interpolated.setdefault(port.span, number)
        for _, service, definition in written_services(ctx):
            ports = definition.get("ports")
            if not isinstance(ports, YSeq):
                continue
            previous: tuple[int, Span] | None = None
            for item, span in own_items(ports):
                number = _port_sort_key(item, span, interpolated)
                if number is None:
                    continue
                if previous is not None and number < previous[0]:
                    yield Violation(
                        span,
                        f"ports of service {service}: port {number} should come before port {previous[0]} "
                        f"(line {previous[1].line})",
                        service,
                        fix=sorted_fix(
                            ctx,
                            ports,
                            lambda entry, where: _port_sort_key(entry, where, interpolated),
                            "sort the ports",
                            (f"services.{service}.ports",),
                        ),
                    )
                    break
                previous = (number, span)
