"""CL203 duplicate-host-port: two port mappings claim the same host port."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterator
from typing import NamedTuple

from composelint.compose.span import Span
from composelint.compose.tree import YMap
from composelint.finding import Severity, Violation
from composelint.project.model import PortMapping, Project, Service
from composelint.rule import Context, Rule
from composelint.rules.network.common import as_written, run_together


class _Claim(NamedTuple):
    """One host port a mapping claims (a range like "9000-9002:9000-9002" makes one claim per port)."""

    service: Service
    port: PortMapping
    number: int
    order: tuple[int, int, int]


def _address(host_ip: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(host_ip)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _host_ips_overlap(a: str, b: str) -> bool:
    """No host IP binds every address of both families; `0.0.0.0` every IPv4 address and `::` every
    IPv6 address (Docker binds them separately, which is how a port is published on both)."""
    if not a or not b:
        return True
    address_a, address_b = _address(a), _address(b)
    if address_a is None or address_b is None:
        return a == b
    if address_a.version != address_b.version:
        return False
    return address_a.is_unspecified or address_b.is_unspecified or address_a == address_b


def _replicas(service: Service) -> int:
    deploy = service.config.get("deploy")
    for value in (service.config.get("scale"), deploy.get("replicas") if isinstance(deploy, YMap) else None):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return 1


def _shown_host(host_ip: str) -> str:
    host = host_ip or "0.0.0.0"
    return f"[{host}]" if ":" in host else host


def _host_ports(port: PortMapping, numbers: list[int]) -> str:
    """`host port 0.0.0.0:8080/tcp`, or for several ports of a range `host ports 0.0.0.0:1-65535/tcp
    (65,535 ports)`."""
    host, protocol = _shown_host(port.host_ip), port.protocol
    if len(numbers) == 1:
        return f"host port {host}:{numbers[0]}/{protocol}"
    low, high = min(numbers), max(numbers)
    if high - low + 1 == len(numbers):
        return f"host ports {host}:{low}-{high}/{protocol} ({len(numbers):,} ports)"
    return f"{len(numbers):,} host ports of {host}:{low}-{high}/{protocol}"


class DuplicateHostPort(Rule):
    """Two port mappings claim the same host port.

    ## What it does
    Compares every published port of the project — across services, within one service, and across
    the base and override files — after interpolation and `.env`. Two mappings conflict when they use
    the same protocol, overlapping host addresses and overlapping port ranges (`"9000-9002:9000-9002"`
    claims three ports; `"8000-8100:80"` takes any free port of its range and claims none). No host
    address overlaps every address, `0.0.0.0` every IPv4 address and `::` every IPv6 address (Docker
    binds them separately: `["0.0.0.0:80:80", "[::]:80:80"]` is how a port is published on both);
    `127.0.0.1` and `127.0.0.2` do not overlap. Services that can never run together (both have
    profiles, and no profile in common) do not conflict. Each conflicting mapping after the first in
    load order is reported, naming the first. A fixed host port in a service with several replicas
    (`scale`, `deploy.replicas`) is reported too: every replica claims it.

    ## Why is this bad?
    The second container fails to start: `Bind for 0.0.0.0:8080 failed: port is already allocated`.
    With variables, it often only fails on the machine whose `.env` makes two ports equal.

    ## Example
    ```yaml
    services:
      web:
        image: nginx:1.27
        ports: ["8080:80"]
      admin:
        image: example/admin:1.0
        ports: ["8080:3000"]
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27
        ports: ["8080:80"]
      admin:
        image: example/admin:1.0
        ports: ["8081:3000"]
    ```
    """

    id = "CL203"
    name = "duplicate-host-port"
    severity = Severity.ERROR
    summary = "Two port mappings claim the same host port"

    def check(self, ctx: Context) -> Iterator[Violation]:
        project = ctx.project
        files = {path: index for index, path in enumerate(project.config_files)}
        claims: list[_Claim] = []
        for service in project.services.values():
            mode = service.network_mode or ""
            if mode == "host" or mode.startswith(("service:", "container:")):
                continue  # Docker ignores or refuses these ports; another rule says so
            for port in service.ports:
                published = port.published_range
                # "8000-9000:80" takes any free port of the range: it does not collide by itself.
                if published is None or published[0] != published[1]:
                    continue
                order = (files.get(port.span.path, len(files)), port.span.line, port.span.column)
                claims.append(_Claim(service, port, published[0], order))
        claims.sort(key=lambda c: c.order)
        # Only claims of one port and protocol can conflict: compare within those buckets. A range
        # claims each of its ports, but one pair of mappings as written is one finding, however
        # many ports they share ("1-65535:1-65535" twice is one problem, not 65,535).
        earlier_claims: dict[tuple[str, int], list[_Claim]] = {}
        duplicates: dict[tuple[Span, Span, str, str], tuple[_Claim, _Claim, list[int]]] = {}
        replicated: dict[tuple[Span, str], tuple[_Claim, list[int]]] = {}
        for claim in claims:
            bucket = earlier_claims.setdefault((claim.port.protocol, claim.number), [])
            first = next((earlier for earlier in bucket if self._conflict(earlier, claim)), None)
            bucket.append(claim)
            if first is not None:
                key = (claim.port.span, first.port.span, claim.service.name, first.service.name)
                duplicates.setdefault(key, (claim, first, []))[2].append(claim.number)
            elif _replicas(claim.service) > 1:
                replicated.setdefault((claim.port.span, claim.service.name), (claim, []))[1].append(
                    claim.number
                )
        for claim, first, numbers in duplicates.values():
            yield self._duplicate(claim, first, numbers, project)
        for claim, numbers in replicated.values():
            replicas = _replicas(claim.service)
            yield Violation(
                claim.port.span,
                f"service {claim.service.name} runs {replicas} replicas, and each claims "
                f"{_host_ports(claim.port, numbers)}"
                f"{as_written(claim.port)}: only one can start; drop the host port or the replicas",
                claim.service.name,
            )

    @staticmethod
    def _duplicate(claim: _Claim, first: _Claim, numbers: list[int], project: Project) -> Violation:
        span = first.port.span
        relative = os.path.relpath(span.path, project.working_dir)
        where = f"{span.path if relative.startswith(os.pardir) else relative}:{span.line}:{span.column}"
        owner = (
            "this service" if first.service.name == claim.service.name else f"service {first.service.name}"
        )
        origin = f"the same YAML anchor, {where}" if span == claim.port.span else where
        verb = "is" if len(numbers) == 1 else "are"
        return Violation(
            claim.port.span,
            f"{_host_ports(claim.port, numbers)} of service {claim.service.name} {verb} already published "
            f"by {owner} ({origin}){as_written(claim.port)}",
            claim.service.name,
        )

    @staticmethod
    def _conflict(a: _Claim, b: _Claim) -> bool:
        return _host_ips_overlap(a.port.host_ip, b.port.host_ip) and run_together(a.service, b.service)
