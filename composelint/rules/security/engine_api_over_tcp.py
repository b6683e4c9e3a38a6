"""CL422 engine-api-over-tcp: the Docker Engine API is published on a TCP port."""

from __future__ import annotations

import re
from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.project.dataservices import repository
from composelint.project.model import PortMapping, Service
from composelint.rule import Context, Rule

# The Engine API's registered ports: 2375 in clear, 2376 with TLS.
_PLAIN, _TLS = 2375, 2376
# `dockerd -H tcp://0.0.0.0:2375`, `--host=tcp://:2376`: the daemon's own TCP listeners.
_LISTEN = re.compile(r"(?:-H|--host)(?:=|\s+)['\"]?tcp://[^\s:'\"]*:(\d{1,5})")
# Socket proxies: they forward the API from a mounted socket, filtered by their environment.
_PROXIES = frozenset({"docker-socket-proxy", "socket-proxy", "docker-proxy", "dockerproxy"})
_WRITE_SWITCHES = ("POST", "ALLOW_START", "ALLOW_RESTARTS", "EXEC", "BUILD", "VOLUMES", "SWARM", "SERVICES")


def _listen_ports(service: Service) -> dict[int, bool]:
    """The container ports the service serves the Engine API on, each with whether it is TLS."""
    ports = {_PLAIN: False, _TLS: True}
    text = " ".join(service.command_strings())  # list items: "-H", "tcp://0.0.0.0:4243"
    for match in _LISTEN.finditer(text):
        port = int(match.group(1))
        ports.setdefault(port, port == _TLS or "--tls" in text)
    return ports


def _what(service: Service) -> str:
    """What serves the API, for the message: a privileged dind, a socket proxy and what it allows."""
    repo = repository(service.image) if service.image else ""
    last = repo.rsplit("/", 1)[-1]
    if last in _PROXIES:
        allowed = [k for k in _WRITE_SWITCHES if (service.environment.get(k) or "0").strip() not in ("0", "")]
        if allowed:
            return f"the socket proxy {service.name} (it allows {', '.join(f'{k}=1' for k in allowed)})"
        return f"the socket proxy {service.name} (read-only: it still shows every container's environment)"
    privileged = service.config.get("privileged") is True
    if last == "docker" or any("dockerd" in text for text in service.command_strings()):
        return f"the {'privileged ' if privileged else ''}Docker daemon {service.name}"
    return f"service {service.name}"


def _read_only_proxy(service: Service) -> bool:
    repo = repository(service.image) if service.image else ""
    return repo.rsplit("/", 1)[-1] in _PROXIES and "it allows" not in _what(service)


class EngineApiOverTcp(Rule):
    """The Docker Engine API is published on a TCP port.

    ## What it does
    Reports published ports whose container port serves the Docker Engine API: 2375 (no TLS), 2376
    (TLS), and the ports a `dockerd -H tcp://...` command line listens on — a `docker:dind`, a
    socket proxy (`tecnativa/docker-socket-proxy`, `linuxserver/socket-proxy`), or anything else
    on those ports. A daemon started with `network_mode: host` and a TCP listener is reported at
    `network_mode`, since it listens on the host's interfaces.

    Graded: an error when the clear-text API is published beyond loopback (no host IP, `0.0.0.0`, a
    LAN address), or a socket proxy that allows writes (`POST=1`); a warning when the TLS port is
    published beyond loopback, when the clear-text API is published on loopback (every local user
    and process gets it), and for a read-only socket proxy beyond loopback. Ports of services on
    `network_mode: service:`/`container:` are left to `ports-with-network-mode`.

    ## Why is this bad?
    The Engine API creates containers: whoever reaches it starts a privileged container that mounts
    the host's root filesystem. A published 2375 is remote root for anyone who can open a TCP
    connection, and scanners look for it constantly; it is the same exposure as mounting the socket
    (`engine-socket-mount`), handed to the network.

    ## Example
    ```yaml
    services:
      dind:
        image: docker:27-dind
        privileged: true
        environment:
          DOCKER_TLS_CERTDIR: ""
        ports: ["2375:2375"]
    ```

    ## Use instead
    ```yaml
    services:
      dind:
        image: docker:27-dind
        privileged: true
        environment:
          DOCKER_TLS_CERTDIR: /certs
        expose: ["2376"]
    ```
    """

    id = "CL422"
    name = "engine-api-over-tcp"
    severity = Severity.ERROR
    summary = "The Docker Engine API is published on a TCP port"
    security_severity = 9.8

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            listens = _listen_ports(service)
            mode = service.network_mode or ""
            if mode == "host":
                if len(listens) > 2 or _is_dind(service):
                    yield Violation(
                        service.value_span("network_mode") or service.span,
                        f"{_what(service)} serves the Engine API over TCP with network_mode: host, so it "
                        "listens on the host's interfaces: whoever connects is root on the host",
                        service.name,
                    )
                continue
            if mode.startswith(("service:", "container:")):
                continue  # Docker refuses its ports: ports-with-network-mode
            for port in service.ports:
                found = _judged(service, port, listens[port.target]) if port.target in listens else None
                if found is not None:
                    yield found


def _is_dind(service: Service) -> bool:
    """`docker:*-dind` without a command of its own starts dockerd listening on 2375 or 2376."""
    image = (service.image or "").lower()
    return repository(image).rsplit("/", 1)[-1] == "docker" and "dind" in image.rsplit(":", 1)[-1]


def _judged(service: Service, port: PortMapping, tls: bool) -> Violation | None:
    """The finding for one published API port, graded by where and how it is served; None for TLS
    or a read-only proxy on loopback."""
    if port.is_loopback or (port.host_ip and not port.on_all_interfaces):
        where = f"on {port.host_ip}"
    else:
        where = "on all interfaces" + (f" ({port.host_ip})" if port.host_ip else "")
    host = f"host port {port.published}" if port.published else "a random host port"
    api = f"the Engine API ({'TLS' if tls else 'no TLS'}, container port {port.target})"
    read_only = _read_only_proxy(service)
    if port.is_loopback:
        if tls or read_only:
            return None
        severity = Severity.WARNING
        consequence = "every local user and process that connects is root on the host"
    elif tls or read_only:
        severity = Severity.WARNING
        consequence = (
            "only clients with its certificate get in, but it is remote root for them"
            if tls
            else "it hands out every container's configuration, secrets included"
        )
    else:
        severity = Severity.ERROR
        consequence = "whoever reaches it is root on the host"
    return Violation(
        port.span,
        f"{_what(service)} publishes {api} {where} ({host}): {consequence}; keep it on an internal "
        "network (expose) or a unix socket",
        service.name,
        severity,
    )
