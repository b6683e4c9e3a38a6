"""What several validity rules share."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.compose.span import Span
from composelint.compose.tree import YMap
from composelint.project.model import Service


def context_services(service: Service) -> Iterator[tuple[str, str, Span]]:
    build = service.config.get("build")
    contexts = build.get("additional_contexts") if isinstance(build, YMap) else None
    if isinstance(contexts, YMap):
        for name, value, _, value_span in contexts.items_with_spans():
            if isinstance(value, str) and value.startswith("service:"):
                yield name, value[len("service:") :], value_span
