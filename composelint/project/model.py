"""The normalized project model rules read: named tuples, each element with its span.

Built from the loader's canonical tree. The builder is defensive: an entry of the wrong type (already
reported by the schema) is skipped, never trusted, so rules can rely on the types declared here.
Each service also keeps its full canonical definition (``config``) for rules that read other keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from composelint.compose.loader import LoadedProject
from composelint.compose.span import Span
from composelint.compose.specs import SpecError, is_loopback, is_wildcard, parse_port_range
from composelint.compose.tree import IStr, YMap, YSeq


def _variables(value: Any) -> tuple[tuple[str, ...], tuple[str, ...], str | None]:
    if isinstance(value, IStr):
        return value.variables, value.unset, value.template
    return (), (), None


class PortMapping(NamedTuple):
    """One published or exposed port mapping, after short syntax and interpolation are resolved."""

    target: int | None
    published: str  # "" when Docker picks a host port; may be a range "8000-9000"
    host_ip: str  # "" means every interface
    protocol: str
    mode: str
    span: Span
    template: str | None  # the text as written, when it used variables
    variables: tuple[str, ...]
    unset: tuple[str, ...]

    @property
    def published_range(self) -> tuple[int, int] | None:
        if not self.published:
            return None
        try:
            return parse_port_range(self.published)
        except SpecError:
            return None

    @property
    def is_loopback(self) -> bool:
        return bool(self.host_ip) and is_loopback(self.host_ip)

    @property
    def on_all_interfaces(self) -> bool:
        return is_wildcard(self.host_ip)

    def describe(self) -> str:
        host = f"{self.host_ip}:" if self.host_ip else ""
        published = f"{self.published}:" if self.published else ""
        return f"{host}{published}{self.target}/{self.protocol}"


class Mount(NamedTuple):
    type: str  # bind, volume, tmpfs, npipe, cluster, image
    source: str | None
    target: str
    read_only: bool
    propagation: str | None
    span: Span
    template: str | None
    variables: tuple[str, ...]
    unset: tuple[str, ...]
    config: YMap


class NetworkAttachment(NamedTuple):
    network: str
    aliases: tuple[str, ...]
    ipv4_address: str | None
    ipv6_address: str | None
    span: Span
    implicit: bool = False  # the `default` network Compose attached on its own (span: the service)


class Dependency(NamedTuple):
    service: str
    condition: str
    required: bool
    restart: bool
    kind: str  # depends_on, links, network_mode, volumes_from, ipc, pid, uts, cgroup
    span: Span


class Service(NamedTuple):
    name: str
    span: Span  # the service's key
    image: str | None
    has_build: bool
    profiles: tuple[str, ...]
    ports: tuple[PortMapping, ...]
    mounts: tuple[Mount, ...]
    networks: tuple[NetworkAttachment, ...]
    network_mode: str | None
    depends_on: tuple[Dependency, ...]
    environment: Mapping[str, str | None]
    container_name: str | None
    config: YMap

    def value_span(self, *path: str | int) -> Span | None:
        """The span of the value at ``path`` inside this service's definition, if present."""
        node: Any = self.config
        span: Span | None = None
        for part in path:
            if isinstance(node, YMap) and isinstance(part, str) and part in node:
                span = node.value_span(part)
                node = node[part]
            elif isinstance(node, YSeq) and isinstance(part, int) and 0 <= part < len(node):
                span = node.item_span(part)
                node = node[part]
            else:
                return None
        return span

    def key_span(self, key: str) -> Span | None:
        return self.config.key_span(key) if key in self.config else None

    def command_strings(self) -> list[str]:
        """The strings of ``entrypoint`` then ``command``, each given as one string or as a list."""
        strings: list[str] = []
        for key in ("entrypoint", "command"):
            value = self.config.get(key)
            if isinstance(value, str):
                strings.append(value)
            elif isinstance(value, list):
                strings.extend(v for v in value if isinstance(v, str))
        return strings


class Network(NamedTuple):
    name: str  # the key under `networks:`
    effective_name: str  # the name Docker sees (external networks: their own name)
    external: bool
    internal: bool
    driver: str | None
    subnets: tuple[str, ...]
    span: Span
    config: YMap
    declared: bool = True  # False for the `default` network Compose adds on its own


class Volume(NamedTuple):
    name: str
    effective_name: str
    external: bool
    driver: str | None
    span: Span
    config: YMap


class FileObject(NamedTuple):
    """A top-level secret or config."""

    name: str
    external: bool
    file: str | None
    span: Span
    config: YMap


class Project(NamedTuple):
    name: str
    working_dir: str
    config_files: tuple[str, ...]
    services: Mapping[str, Service]
    networks: Mapping[str, Network]
    volumes: Mapping[str, Volume]
    secrets: Mapping[str, FileObject]
    configs: Mapping[str, FileObject]
    environment: Mapping[str, str]
    active_profiles: tuple[str, ...] | None
    disabled_services: tuple[str, ...]
    model: YMap
    extensions: Mapping[str, Any] = MappingProxyType({})


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def _bool(value: Any) -> bool:
    return value is True


def build_project(loaded: LoadedProject) -> Project | None:
    model = loaded.model
    if model is None:
        return None
    services_node = model.get("services")
    services: dict[str, Service] = {}
    if isinstance(services_node, YMap):
        for name, config, key_span, _ in services_node.items_with_spans():
            if isinstance(config, YMap):
                services[name] = _service(name, config, key_span)
    return Project(
        name=loaded.name,
        working_dir=loaded.working_dir,
        config_files=loaded.config_files,
        services=services,
        networks=_networks(model),
        volumes=_resources(model, "volumes", _volume),
        secrets=_resources(model, "secrets", _file_object),
        configs=_resources(model, "configs", _file_object),
        environment=loaded.environment,
        active_profiles=loaded.active_profiles,
        disabled_services=loaded.disabled_services,
        model=model,
        extensions={k: v for k, v in model.items() if k.startswith("x-")},
    )


def _resources(model: YMap, kind: str, build: Any) -> dict[str, Any]:
    node = model.get(kind)
    out: dict[str, Any] = {}
    if isinstance(node, YMap):
        for name, config, key_span, _ in node.items_with_spans():
            if config is None:
                config = YMap(key_span)
            if isinstance(config, YMap):
                out[name] = build(name, config, key_span)
    return out


def _networks(model: YMap) -> dict[str, Network]:
    networks: dict[str, Network] = _resources(model, "networks", _network)
    node = model.get("networks")
    implicit = isinstance(node, YMap) and "default" in node and node.key_span("default") == model.span
    if implicit:
        networks["default"] = networks["default"]._replace(declared=False)
    return networks


def _network(name: str, config: YMap, span: Span) -> Network:
    subnets: list[str] = []
    ipam = config.get("ipam")
    if isinstance(ipam, YMap) and isinstance(ipam.get("config"), YSeq):
        for entry in ipam["config"]:
            if isinstance(entry, YMap) and isinstance(entry.get("subnet"), str):
                subnets.append(entry["subnet"])
    external = _bool(config.get("external"))
    return Network(
        name=name,
        effective_name=_str(config.get("name")) or name,
        external=external,
        internal=_bool(config.get("internal")),
        driver=_str(config.get("driver")),
        subnets=tuple(subnets),
        span=span,
        config=config,
    )


def _volume(name: str, config: YMap, span: Span) -> Volume:
    return Volume(
        name=name,
        effective_name=_str(config.get("name")) or name,
        external=_bool(config.get("external")),
        driver=_str(config.get("driver")),
        span=span,
        config=config,
    )


def _file_object(name: str, config: YMap, span: Span) -> FileObject:
    return FileObject(
        name=name,
        external=_bool(config.get("external")),
        file=_str(config.get("file")),
        span=span,
        config=config,
    )


def _service(name: str, config: YMap, span: Span) -> Service:
    return Service(
        name=name,
        span=span,
        image=_str(config.get("image")),
        has_build="build" in config,
        profiles=_strings(config.get("profiles")),
        ports=_ports(config.get("ports")),
        mounts=_mounts(config.get("volumes")),
        networks=_attachments(config.get("networks"), config.span),
        network_mode=_str(config.get("network_mode")),
        depends_on=_dependencies(config),
        environment=_environment(config.get("environment")),
        container_name=_str(config.get("container_name")),
        config=config,
    )


def _ports(node: Any) -> tuple[PortMapping, ...]:
    if not isinstance(node, YSeq):
        return ()
    ports = []
    for entry, span in node.items_with_spans():
        if not isinstance(entry, YMap):
            continue
        target = entry.get("target")
        if isinstance(target, str) and target.isdigit():
            target = int(target)
        if not isinstance(target, int) or isinstance(target, bool):
            target = None
        published = entry.get("published")
        published_text = (
            published
            if isinstance(published, str)
            else str(published)
            if isinstance(published, int) and not isinstance(published, bool)
            else ""
        )
        host_ip = _str(entry.get("host_ip")) or ""
        if entry.value_spans.get("target", span) != span:
            # Long syntax: the finding is about the published port (or the target, without one),
            # not about the mapping's first key.
            span = entry.value_spans.get("published") or entry.value_spans["target"]
        variables, unset, template = _variables(published)
        host_vars, host_unset, host_template = _variables(entry.get("host_ip"))
        ports.append(
            PortMapping(
                target=target,
                published=published_text,
                host_ip=host_ip,
                protocol=(_str(entry.get("protocol")) or "tcp").lower(),
                mode=_str(entry.get("mode")) or "ingress",
                span=span,
                template=template or host_template,
                variables=tuple(dict.fromkeys(variables + host_vars)),
                unset=tuple(dict.fromkeys(unset + host_unset)),
            )
        )
    return tuple(ports)


def _mounts(node: Any) -> tuple[Mount, ...]:
    if not isinstance(node, YSeq):
        return ()
    mounts = []
    for entry, span in node.items_with_spans():
        if not isinstance(entry, YMap) or not isinstance(entry.get("target"), str):
            continue
        bind = entry.get("bind")
        propagation = _str(bind.get("propagation")) if isinstance(bind, YMap) else None
        variables, unset, template = _variables(entry.get("source"))
        mounts.append(
            Mount(
                type=_str(entry.get("type")) or "volume",
                source=_str(entry.get("source")),
                target=entry["target"],
                read_only=_bool(entry.get("read_only")),
                propagation=propagation,
                span=span,
                template=template,
                variables=variables,
                unset=unset,
                config=entry,
            )
        )
    return tuple(mounts)


def _attachments(node: Any, service_span: Span) -> tuple[NetworkAttachment, ...]:
    if not isinstance(node, YMap):
        return ()
    out = []
    for network, entry, key_span, _ in node.items_with_spans():
        aliases: tuple[str, ...] = ()
        ipv4 = ipv6 = None
        if isinstance(entry, YMap):
            aliases = _strings(entry.get("aliases"))
            ipv4 = _str(entry.get("ipv4_address"))
            ipv6 = _str(entry.get("ipv6_address"))
        out.append(
            NetworkAttachment(network, aliases, ipv4, ipv6, key_span, implicit=key_span == service_span)
        )
    return tuple(out)


def _dependency_kind(config: YMap, span: Span) -> str:
    """Implicit dependencies carry the span of what implied them (see canonical.normalize)."""
    links = config.get("links")
    if isinstance(links, YSeq) and span in links.item_spans:
        return "links"
    for namespace in ("network_mode", "ipc", "pid", "uts", "cgroup"):
        if namespace in config and config.value_span(namespace) == span:
            return namespace
    volumes_from = config.get("volumes_from")
    if isinstance(volumes_from, YSeq) and span in volumes_from.item_spans:
        return "volumes_from"
    return "depends_on"


def _dependencies(config: YMap) -> tuple[Dependency, ...]:
    node = config.get("depends_on")
    if not isinstance(node, YMap):
        return ()
    out = []
    for target, entry, key_span, _ in node.items_with_spans():
        entry = entry if isinstance(entry, YMap) else YMap(key_span)
        kind = _dependency_kind(config, key_span)
        out.append(
            Dependency(
                service=target,
                condition=_str(entry.get("condition")) or "service_started",
                required=entry.get("required", True) is not False,
                restart=_bool(entry.get("restart")),
                kind=kind,
                span=key_span,
            )
        )
    return tuple(out)


def _environment(node: Any) -> dict[str, str | None]:
    if not isinstance(node, YMap):
        return {}
    return {key: value if isinstance(value, str) else None for key, value in node.items()}
