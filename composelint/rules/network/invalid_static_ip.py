"""CL210 invalid-static-ip: a static IP address is outside its network's subnets or used twice."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import NamedTuple

from composelint.compose.span import Span
from composelint.compose.tree import IStr, YMap
from composelint.finding import Severity, Violation
from composelint.project.model import Network, Service
from composelint.rule import Context, Rule
from composelint.rules.network.common import IPAddress, ipam_subnets


class _StaticAddress(NamedTuple):
    service: Service
    network: str
    key: str  # ipv4_address or ipv6_address
    text: str
    span: Span


def _static_addresses(service: Service) -> Iterator[_StaticAddress]:
    networks = service.config.get("networks")
    if not isinstance(networks, YMap):
        return
    for network, entry in networks.items():
        if not isinstance(entry, YMap):
            continue
        for key in ("ipv4_address", "ipv6_address"):
            value = entry.get(key)
            if not isinstance(value, str) or not value or (isinstance(value, IStr) and value.unset):
                continue
            span = service.value_span("networks", network, key) or service.span
            yield _StaticAddress(service, network, key, value, span)


def _replicas(service: Service) -> int:
    deploy = service.config.get("deploy")
    for value in (service.config.get("scale"), deploy.get("replicas") if isinstance(deploy, YMap) else None):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return 1


def _exclusive(a: Service, b: Service) -> bool:
    """Services that can never run together: both have profiles, none in common."""
    return bool(a.profiles and b.profiles and not set(a.profiles) & set(b.profiles))


class InvalidStaticIp(Rule):
    """A static IP address that Docker refuses or that two containers claim.

    ## What it does
    Checks every `ipv4_address` and `ipv6_address` of a service's network entries, after
    interpolation, against the network the project creates (external networks are skipped: their
    subnets are unknown):

    - the network has no subnet in `ipam.config` (the implicit `default` network never has one);
    - the address is not a valid address of its family, or lies outside every subnet of the network;
    - the address is the subnet's `gateway`;
    - the same address on the same network is given to two services (that can run together), or to a
      service with several replicas.

    ## Why is this bad?
    The engine refuses the container ("user specified IP address is supported only when connecting
    to networks with user configured subnets", "no configured subnet contains IP address", "Address
    already in use"), so `docker compose up` fails, often only when the second container starts.

    ## Example
    ```yaml
    services:
      dns:
        image: example/dns:1.0
        networks:
          lan:
            ipv4_address: 10.0.1.10
      ntp:
        image: example/ntp:1.0
        networks:
          lan:
            ipv4_address: 10.0.1.10
    networks:
      lan:
        ipam:
          config: [{subnet: 10.0.0.0/24}]
    ```

    ## Use instead
    ```yaml
    services:
      dns:
        image: example/dns:1.0
        networks:
          lan:
            ipv4_address: 10.0.0.10
      ntp:
        image: example/ntp:1.0
        networks:
          lan:
            ipv4_address: 10.0.0.11
    networks:
      lan:
        ipam:
          config: [{subnet: 10.0.0.0/24}]
    ```
    """

    id = "CL210"
    name = "invalid-static-ip"
    severity = Severity.ERROR
    summary = "A static IP address is outside its network's subnets or used twice"

    def check(self, ctx: Context) -> Iterator[Violation]:
        project = ctx.project
        claimed: dict[tuple[str, IPAddress], _StaticAddress] = {}
        for service in project.services.values():
            for static in _static_addresses(service):
                network = project.networks.get(static.network)
                if network is None or network.external:
                    continue
                address = self._address(static)
                if address is None:
                    family = static.key[3]  # ipv4_address, ipv6_address
                    message = f"{static.key} {static.text!r} is not a valid IPv{family} address: the engine refuses it"
                    yield self._violation(static, message)
                    continue
                problem = self._outside(static, network, address)
                if problem is not None:
                    yield self._violation(static, problem)
                    continue
                key = (network.effective_name, address)
                first = claimed.get(key)
                if first is not None and not _exclusive(first.service, service):
                    yield self._violation(
                        static,
                        f"{static.key} {address} on network {static.network} is already given to service "
                        f"{first.service.name}: the second container fails with 'Address already in use'",
                    )
                claimed.setdefault(key, static)
                if _replicas(service) > 1:
                    yield self._violation(
                        static,
                        f"it runs {_replicas(service)} replicas with the fixed {static.key} {address}: only the "
                        "first one can start",
                    )

    @staticmethod
    def _address(static: _StaticAddress) -> IPAddress | None:
        try:
            address = ipaddress.ip_address(static.text)
        except ValueError:
            return None
        return address if address.version == (4 if static.key == "ipv4_address" else 6) else None

    @staticmethod
    def _outside(static: _StaticAddress, network: Network, address: IPAddress) -> str | None:
        subnets = ipam_subnets(network)
        if subnets is None:
            return None  # a subnet depends on an unset variable
        if not subnets:
            return (
                f"network {static.network} has no subnet in ipam.config, so the engine refuses the fixed "
                f"{static.key} {address} (user specified IP address is supported only when connecting to "
                "networks with user configured subnets)"
            )
        containing = [s for s in subnets if s.subnet.version == address.version and address in s.subnet]
        if not containing:
            listed = ", ".join(str(s.subnet) for s in subnets)
            return (
                f"{static.key} {address} is outside the subnets of network {static.network} ({listed}): the "
                "engine refuses it"
            )
        if any(s.gateway == address for s in containing):
            return f"{static.key} {address} is the gateway of network {static.network}, which already uses it"
        return None

    @staticmethod
    def _violation(static: _StaticAddress, message: str) -> Violation:
        return Violation(static.span, f"service {static.service.name}: {message}", static.service.name)
