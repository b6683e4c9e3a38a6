"""CL212 missing-external-resource: an external network or volume no project on the host creates."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule


class MissingExternalResource(Rule):
    """An external network or volume is created by no project on the host.

    ## What it does
    With `--same-host` (or `hosts:` in the configuration), reports each network or volume declared
    `external: true` that no project on the same host creates (declares without `external`), by the
    name Docker sees (`name:` or the key). Cross-project only: a project checked alone is not judged.

    ## Why is this bad?
    `docker compose up` fails with `network proxy declared as external, but could not be found` until
    someone creates it by hand; on a fresh host, the order in which stacks come up then decides
    whether they start.

    ## Example
    ```yaml
    # apps/shop/compose.yaml, with no stack on the host creating `proxy`
    services:
      shop:
        image: example/shop:2.1
        networks: [proxy]
    networks:
      proxy:
        external: true
    ```

    ## Use instead
    ```yaml
    # proxy/compose.yaml creates it, under the name the apps use
    services:
      traefik:
        image: traefik:v3.1
        networks: [proxy]
    networks:
      proxy:
        name: proxy
    ```
    """

    id = "CL212"
    name = "missing-external-resource"
    severity = Severity.INFO
    summary = "An external network or volume is created by no project on the host"

    def check(self, ctx: Context) -> Iterator[Violation]:
        return iter(())  # cross-project: composelint.host judges the host's projects together
