"""CL211 alias-collides-with-service: a network alias is another service's name on the same network."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from composelint.compose.tree import YMap, YSeq
from composelint.finding import Severity, Violation
from composelint.project.model import Service
from composelint.rule import Context, Rule


class AliasCollidesWithService(Rule):
    """A network alias is the name of another service on the same network.

    ## What it does
    Reports network aliases equal to the name (or `container_name`) of another service attached to
    the same network, at the alias.

    ## Why is this bad?
    Docker's DNS answers a name with every container that has it, as a name or as an alias: clients
    looking up `db` get the real database and the aliasing service in turn, and some of their
    connections go to the wrong container. The failures look random.

    ## Example
    ```yaml
    services:
      db:
        image: postgres:16.4
      pgbouncer:
        image: example/pgbouncer:1.23
        networks:
          default:
            aliases: [db]
    ```

    ## Use instead
    ```yaml
    services:
      db:
        image: postgres:16.4
      pgbouncer:
        image: example/pgbouncer:1.23
        networks:
          default:
            aliases: [db-pool]
    ```
    """

    id = "CL211"
    name = "alias-collides-with-service"
    severity = Severity.WARNING
    summary = "A network alias is another service's name on the same network"

    def check(self, ctx: Context) -> Iterator[Violation]:
        services = ctx.project.services
        for service in services.values():
            entries = service.config.get("networks")
            if not isinstance(entries, YMap):
                continue
            for network, entry in entries.items():
                aliases = entry.get("aliases") if isinstance(entry, YMap) else None
                if not isinstance(aliases, YSeq):
                    continue
                here = ctx.graph.effective_network(network)
                for index, alias in enumerate(aliases):
                    other = self._owner(ctx, service, alias, here)
                    if other is None:
                        continue
                    what = "name" if alias == other.name else "container_name"
                    yield Violation(
                        aliases.item_span(index),
                        f"alias {alias} of service {service.name} on network {network} is the {what} of service "
                        f"{other.name}, which is on the same network: lookups of {alias} reach either container",
                        service.name,
                    )

    @staticmethod
    def _owner(ctx: Context, service: Service, alias: Any, network: str) -> Service | None:
        """The other service named ``alias`` that is on ``network`` too (its DNS name is there)."""
        if not isinstance(alias, str):
            return None
        for other in ctx.project.services.values():
            if other.name == service.name or alias not in (other.name, other.container_name):
                continue
            if any(ctx.graph.effective_network(a.network) == network for a in other.networks):
                return other
        return None
