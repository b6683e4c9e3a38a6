"""CL209 overlapping-subnets: subnets of two networks overlap."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.network.common import Subnet, ipam_subnets


class OverlappingSubnets(Rule):
    """Two subnets of the project's networks overlap.

    ## What it does
    Compares the `ipam.config` subnets of every network the project creates (external networks are
    not compared), across networks and within one, after interpolation. Each subnet that overlaps one
    written earlier is reported at its `subnet`, naming the other. Two keys that name the same Docker
    network are one network.

    ## Why is this bad?
    Docker refuses to create a network whose address pool overlaps an existing one: `docker compose
    up` fails with "Pool overlaps with other one on this address space". When the overlap is with a
    network of another project, it fails only on the machine where both run.

    ## Example
    ```yaml
    networks:
      front:
        ipam:
          config: [{subnet: 10.10.0.0/16}]
      back:
        ipam:
          config: [{subnet: 10.10.5.0/24}]
    ```

    ## Use instead
    ```yaml
    networks:
      front:
        ipam:
          config: [{subnet: 10.10.0.0/24}]
      back:
        ipam:
          config: [{subnet: 10.10.5.0/24}]
    ```
    """

    id = "CL209"
    name = "overlapping-subnets"
    severity = Severity.ERROR
    summary = "Subnets of two networks overlap"

    def check(self, ctx: Context) -> Iterator[Violation]:
        seen: list[Subnet] = []
        done: set[str] = set()
        for network in ctx.project.networks.values():
            if network.external or network.effective_name in done:
                continue
            done.add(network.effective_name)
            for subnet in ipam_subnets(network) or []:
                other = next(
                    (
                        s
                        for s in seen
                        if s.subnet.version == subnet.subnet.version and s.subnet.overlaps(subnet.subnet)
                    ),
                    None,
                )
                seen.append(subnet)
                if other is None:
                    continue
                where = "the same network" if other.network is network else f"network {other.network.name}"
                yield Violation(
                    subnet.span,
                    f"subnet {subnet.subnet} of network {network.name} overlaps {other.subnet} of {where}: Docker "
                    "refuses to create it (Pool overlaps with other one on this address space)",
                )
