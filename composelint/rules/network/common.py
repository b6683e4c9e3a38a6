"""What several network rules share."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from composelint.compose.span import Span
from composelint.compose.tree import IStr, YMap, YSeq
from composelint.finding import Edit, Fix
from composelint.project.model import Network, PortMapping, Service
from composelint.rule import Context
from composelint.rules.edits import (
    INTERPOLATED,
    add_entry,
    no_fix,
    raw_service,
    scalar_content,
    why_not_editable,
)


def run_together(a: Service, b: Service) -> bool:
    """False for services that can never run at the same time: both have profiles, none in common."""
    return not (a.profiles and b.profiles and not set(a.profiles) & set(b.profiles))


IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def as_written(port: PortMapping) -> str:
    """Where an interpolated port came from, so the user sees which variable decides it."""
    if port.template is None:
        return ""
    unset = ", ".join("${" + v + "}" for v in port.unset)
    return f" (written {port.template!r}" + (f"; {unset} is unset" if unset else "") + ")"


def ports_ignored(service: Service) -> bool:
    """Docker ignores (host) or refuses (service:, container:) published ports: ports-with-network-mode."""
    mode = service.network_mode or ""
    return mode == "host" or mode.startswith(("service:", "container:"))


class Entry(NamedTuple):
    """One `ports` entry as written: a range like "8000-8001:80-81" expands to several mappings,
    from ``first`` (the lowest target) to ``last``."""

    first: PortMapping
    last: PortMapping

    def describe(self) -> str:
        port = self.first
        host = f"[{port.host_ip}]:" if ":" in port.host_ip else f"{port.host_ip}:" if port.host_ip else ""
        published = span_text(port.published, self.last.published)
        published = f"{published}:" if published else ""
        target = span_text(str(port.target), str(self.last.target))
        return f"{host}{published}{target}/{port.protocol}"


def span_text(first: str, last: str) -> str:
    return first if first == last else f"{first}-{last}"


def port_entries(ports: tuple[PortMapping, ...]) -> Iterator[Entry]:
    by_span: dict[Span, list[PortMapping]] = {}
    for port in ports:
        if port.target is not None:  # an invalid entry: invalid-port-spec reports it
            by_span.setdefault(port.span, []).append(port)
    for group in by_span.values():
        # Compose orders a range's mappings by "<target>/<protocol>" as text (8-10 gives 10, 8, 9).
        by_target = sorted(group, key=lambda port: port.target or 0)
        yield Entry(by_target[0], by_target[-1])


class Subnet(NamedTuple):
    network: Network
    subnet: IPNetwork
    span: Span
    gateway: IPAddress | None


def ipam_subnets(network: Network) -> list[Subnet] | None:
    """The network's IPAM subnets as written; None when one is unknown (an unset variable)."""
    ipam = network.config.get("ipam")
    configs = ipam.get("config") if isinstance(ipam, YMap) else None
    found: list[Subnet] = []
    if not isinstance(configs, YSeq):
        return found
    for index, entry in enumerate(configs):
        if not isinstance(entry, YMap) or not isinstance(entry.get("subnet"), str):
            continue
        text = entry["subnet"]
        if isinstance(text, IStr) and text.unset:
            return None
        try:
            subnet = ipaddress.ip_network(text, strict=False)
        except ValueError:
            continue  # the engine refuses it with its own message
        gateway = entry.get("gateway")
        try:
            gateway_ip = ipaddress.ip_address(gateway) if isinstance(gateway, str) else None
        except ValueError:
            gateway_ip = None
        span = entry.value_span("subnet") if "subnet" in entry else configs.item_span(index)
        found.append(Subnet(network, subnet, span, gateway_ip))
    return found


LOOPBACK_FIX = "bind the port to 127.0.0.1"


def bind_to_loopback(ctx: Context, service: Service, port: PortMapping) -> Fix | None:
    """Bind a published port to 127.0.0.1 where it is written: `"8080:80"` -> `"127.0.0.1:8080:80"`,
    `"0.0.0.0:8080:80"` -> `"127.0.0.1:8080:80"`, `"80"` -> `"127.0.0.1::80"`, and `host_ip:
    127.0.0.1` in long syntax. Unsafe: other hosts lose access. None where the port is not written
    in the service's own mapping (an anchor, a merge) or comes from a variable."""
    if port.template is not None:
        return no_fix(INTERPOLATED, safe=False)
    reason = why_not_editable(ctx, service, port.span)
    if reason is not None:
        return no_fix(reason, safe=False)
    own = raw_service(ctx, service, port.span.path)
    ports = own.get("ports") if own is not None else None
    if not isinstance(ports, YSeq):
        return None
    fields = (f"services.{service.name}.ports",)
    for entry, item_span in ports.items_with_spans():
        if isinstance(entry, str) and item_span == port.span:
            edit = _short_syntax_host(ctx, item_span)
        elif isinstance(entry, YMap) and port.span in (
            entry.value_spans.get("published"),
            entry.value_spans.get("target"),
        ):
            edit = _long_syntax_host(ctx, entry)
        else:
            continue
        return Fix(LOOPBACK_FIX, (edit,), safe=False, fields=fields) if edit is not None else None
    return None


def _short_syntax_host(ctx: Context, item: Span) -> Edit | None:
    content = scalar_content(ctx, item)
    if content is None:
        return None
    span, text = content
    if text.startswith("["):  # "[::]:8444:443"
        close = text.find("]")
        host, rest = text[: close + 1], text[close + 2 :]
        if close < 0 or text[close + 1 : close + 2] != ":" or rest.count(":") != 1:
            return None
        return Edit(Span(span.path, span.line, span.column, span.line, span.column + len(host)), "127.0.0.1")
    parts = text.split(":")
    start = Span.point(span.path, span.line, span.column)
    if len(parts) == 3:
        return Edit(
            Span(span.path, span.line, span.column, span.line, span.column + len(parts[0])), "127.0.0.1"
        )
    if len(parts) == 2:
        return Edit(start, "127.0.0.1:")
    if len(parts) == 1:
        return Edit(start, "127.0.0.1::")
    return None


def _long_syntax_host(ctx: Context, entry: YMap) -> Edit | None:
    if "host_ip" in entry:
        current = scalar_content(ctx, entry.value_span("host_ip"))
        return Edit(current[0], "127.0.0.1") if current is not None else None
    return add_entry(ctx, entry, "host_ip: 127.0.0.1")


def only_internal_networks(service: Service, networks: Mapping[str, Network]) -> list[str]:
    """The networks of a service when every one of them is `internal: true` (then Docker publishes
    none of its ports), else an empty list."""
    if service.network_mode or not service.networks:
        return []
    keys = [attachment.network for attachment in service.networks]
    if all(key in networks and networks[key].internal for key in keys):
        return keys
    return []
