"""CL402 engine-socket-mount: a service mounts a container engine's API socket."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.security.common import engine_socket, host_paths, subject


class EngineSocketMount(Rule):
    """A service mounts a container engine's API socket, or a directory holding one.

    ## What it does
    Reports bind mounts (short or long syntax) and `local` volumes bound to a host directory whose
    host path is a container engine's API socket (`docker.sock`, `containerd.sock`, `podman.sock`,
    `crio.sock`, `cri-dockerd.sock`, `dockershim.sock`, wherever they are), or a directory that holds
    one of the usual sockets: `/`, `/run`, `/var/run`, `/var`, `/run/containerd`, `/run/podman`,
    `/run/user/<uid>`... Read-only (`:ro`) does not help: a socket is used by connecting to it, which
    a read-only mount allows.

    ## Why is this bad?
    Whoever can talk to the engine's API can start a privileged container that mounts the host's
    root filesystem: the socket is root on the host (CIS Docker Benchmark 5.31). Reverse proxies,
    dashboards and updaters (Traefik, Portainer, Watchtower) mount it on purpose: give them a
    filtering socket proxy, or suppress the finding with a reason.

    ## Example
    ```yaml
    services:
      proxy:
        image: traefik:v3.1
        volumes:
          - /var/run/docker.sock:/var/run/docker.sock:ro
    ```

    ## Use instead
    ```yaml
    services:
      socket-proxy:
        image: tecnativa/docker-socket-proxy:0.3
        environment:
          CONTAINERS: 1
        volumes:
          - /var/run/docker.sock:/var/run/docker.sock:ro  # composelint: disable=CL402 -- filtering proxy
      proxy:
        image: traefik:v3.1
        command: ["--providers.docker.endpoint=tcp://socket-proxy:2375"]
    ```
    """

    id = "CL402"
    name = "engine-socket-mount"
    fix_summary = (
        "what the service does with the socket decides the replacement (a filtering proxy, or nothing)"
    )
    severity = Severity.ERROR
    summary = "A service mounts a container engine's API socket"
    security_severity = 9.5

    def check(self, ctx: Context) -> Iterator[Violation]:
        for host in host_paths(ctx):
            exposed = engine_socket(host.path)
            if exposed is not None:
                yield Violation(
                    host.span,
                    f"{subject(host)} {host.shown}, {exposed}: control of the engine is root on "
                    "the host, read-only or not. Use a filtering socket proxy, or drop the mount",
                    host.service,
                )
