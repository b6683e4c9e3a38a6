"""CL214 data-service-egress: a data service can reach the internet where the project isolates."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule


class DataServiceEgress(Rule):
    """A database, cache or search engine joins a network with internet access, in a project that
    isolates with internal networks.

    ## What it does
    When the project declares an `internal: true` network (it shows the intent to cut services off
    the internet), reports each data service (recognised as `exposed-database` does) attached to a
    network that is not internal — the implicit `default` network included — at that attachment.
    Projects without internal networks are left alone: there, every service has egress by design.
    Services in another service's network namespace are judged with that service.

    ## Why is this bad?
    A network that is not internal has a gateway: the database can open connections to the
    internet (an attacker who got in exfiltrates its data, or pulls tools), and published
    neighbours on that network are one hop from it. "No database has internet access" is one of
    the promises of a segmented stack; this rule checks it.

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.1
        networks: [backend, data]
      db:
        image: postgres:16.4
        networks: [backend, data]
    networks:
      backend: {}
      data:
        internal: true
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.1
        networks: [backend, data]
      db:
        image: postgres:16.4
        networks: [data]
    networks:
      backend: {}
      data:
        internal: true
    ```
    """

    id = "CL214"
    name = "data-service-egress"
    severity = Severity.WARNING
    summary = "A data service joins a network with internet access where the project isolates"

    def check(self, ctx: Context) -> Iterator[Violation]:
        project = ctx.project
        networks = project.networks
        if not any(network.internal for network in networks.values()):
            return
        policy = ctx.data_services
        for service in project.services.values():
            if service.network_mode or not policy.is_data_service(service):
                continue
            for attachment in service.networks:
                network = networks.get(attachment.network)
                if network is None or network.internal:
                    continue
                how = (
                    "the implicit default network" if attachment.implicit else f"network {attachment.network}"
                )
                yield Violation(
                    service.span if attachment.implicit else attachment.span,
                    f"{policy.kind(service)} service {service.name}{policy.why(service)} joins {how}, which is "
                    "not internal: it can reach the internet; keep it on internal networks only",
                    service.name,
                )
