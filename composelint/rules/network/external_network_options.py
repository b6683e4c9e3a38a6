"""CL208 external-network-options: an external network is declared with options Compose ignores."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule

# -- network declarations --------------------------------------------------------------------------

_EXTERNAL_IGNORED = (
    "driver",
    "driver_opts",
    "ipam",
    "internal",
    "attachable",
    "enable_ipv4",
    "enable_ipv6",
    "labels",
)


class ExternalNetworkOptions(Rule):
    """An external network is declared with options that only apply when Compose creates it.

    ## What it does
    Reports `driver`, `driver_opts`, `ipam`, `internal`, `attachable`, `enable_ipv4`, `enable_ipv6`
    and `labels` on a top-level network declared `external: true`, at each such key.

    ## Why is this bad?
    Compose never creates an external network: it only checks that it exists. These options are
    silently ignored, so the file claims, say, an `internal` network or a subnet that the real network
    may not have. Set them where the network is created (`docker network create`, or the project
    that owns it).

    ## Example
    ```yaml
    networks:
      proxy:
        external: true
        internal: true
        ipam:
          config: [{subnet: 10.20.0.0/24}]
    ```

    ## Use instead
    ```yaml
    networks:
      proxy:
        external: true
    ```
    """

    id = "CL208"
    name = "external-network-options"
    severity = Severity.WARNING
    summary = "An external network is declared with options Compose ignores"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for network in ctx.project.networks.values():
            if not network.external:
                continue
            for key in _EXTERNAL_IGNORED:
                if key in network.config:
                    yield Violation(
                        network.config.key_span(key),
                        f"network {network.name} is external, so `{key}` is ignored: Compose does not create "
                        "external networks; set it where the network is created",
                    )
