"""CL105 dependency-cycle: services depend on each other in a cycle."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule


class DependencyCycle(Rule):
    """Services depend on each other in a cycle.

    ## What it does
    Finds cycles among `depends_on`, `links`, `volumes_from` and `network_mode: service:`
    dependencies (and circular `extends` chains). Each group of services that depend on each other is
    reported once, with its shortest cycle from the first service by name.

    ## Why is this bad?
    Docker Compose cannot decide which service to start first and refuses the project
    (`dependency cycle detected: a -> b -> a`).

    ## Example
    ```yaml
    services:
      api:
        image: example/api:1.4
        depends_on: [worker]
      worker:
        image: example/worker:1.4
        depends_on: [api]
    ```

    ## Use instead
    ```yaml
    services:
      api:
        image: example/api:1.4
        depends_on: [worker]
      worker:
        image: example/worker:1.4
    ```
    """

    id = "CL105"
    name = "dependency-cycle"
    severity = Severity.ERROR
    summary = "Services depend on each other in a cycle"
    load_error_kinds = ("dependency-cycle",)

    def check(self, ctx: Context) -> Iterator[Violation]:
        yield from super().check(ctx)
        services = ctx.project.services
        successors = {
            name: sorted({d.service for d in service.depends_on if d.service in services})
            for name, service in services.items()
        }
        if not _has_cycle(successors):  # the common case, decided without building a graph
            return
        import networkx as nx  # only here: importing it costs a tenth of a one-file run

        # One cycle per strongly connected component, not every simple cycle: their number grows
        # exponentially (a 14-service file where all depend on all has billions).
        graph = nx.DiGraph([(name, target) for name, targets in successors.items() for target in targets])
        for component in nx.strongly_connected_components(graph):
            start = min(component)
            if len(component) == 1 and start not in successors[start]:
                continue
            cycle = _shortest_cycle(start, successors, component)
            second = cycle[1 % len(cycle)]
            span = next(d.span for d in services[start].depends_on if d.service == second)
            chain = " -> ".join([*cycle, start])
            yield Violation(span, f"dependency cycle detected: {chain}", start)


def _has_cycle(successors: Mapping[str, list[str]]) -> bool:
    """Whether some service depends on itself through others (Kahn: a cycle leaves nodes unsorted)."""
    waiting = dict.fromkeys(successors, 0)
    for targets in successors.values():
        for target in targets:
            waiting[target] += 1
    ready = [name for name, count in waiting.items() if count == 0]
    sorted_count = 0
    while ready:
        name = ready.pop()
        sorted_count += 1
        for target in successors[name]:
            waiting[target] -= 1
            if waiting[target] == 0:
                ready.append(target)
    return sorted_count < len(successors)


def _shortest_cycle(start: str, successors: Mapping[str, list[str]], within: set[str]) -> list[str]:
    """The shortest cycle from ``start`` back to it inside one strongly connected component."""
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for target in successors[node]:
            if target == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return path[::-1]
            if target in within and target not in previous:
                previous[target] = node
                queue.append(target)
    raise AssertionError(f"{start} is in a cycle by construction")
