"""CL404 host-namespace: a service shares a namespace with the host."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.compose.tree import IStr
from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule

_NAMESPACES = {
    "pid": "the host's process namespace: it sees and can signal every host process, and trace them "
    "with SYS_PTRACE",
    "ipc": "the host's IPC namespace: it can read and write host processes' shared memory",
    "network_mode": "the host's network stack: it can bind any host port and reach services "
    "listening only on 127.0.0.1",
    "uts": "the host's UTS namespace: it sees the host name, and can change it with SYS_ADMIN",
    "userns_mode": "the host's user namespace: root in it is the host's root even when the daemon "
    "remaps users",
    "cgroup": "the host's cgroup namespace: it sees the host's whole cgroup tree",
}


class HostNamespace(Rule):
    """A service shares a namespace with the host.

    ## What it does
    Reports `pid: host`, `ipc: host`, `network_mode: host`, `uts: host`, `userns_mode: host` and
    `cgroup: host`, at the value. Sharing with another service (`pid: service:db`,
    `ipc: shareable`, `network_mode: service:vpn`) is not reported. The process and IPC namespaces
    are the most dangerous; host networking is common for monitoring agents and DHCP or mDNS
    services, which may suppress the finding with a reason.

    ## Why is this bad?
    Namespaces are what separates a container from the host. Sharing one lets the container see and
    act on the host's processes, memory, network or users (CIS Docker Benchmark 5.9, 5.15, 5.16,
    5.20, 5.30).

    ## Example
    ```yaml
    services:
      monitor:
        image: example/monitor:3.0
        pid: host
        network_mode: host
    ```

    ## Use instead
    ```yaml
    services:
      monitor:
        image: example/monitor:3.0
        ports: ["127.0.0.1:9100:9100"]
    ```
    """

    id = "CL404"
    name = "host-namespace"
    severity = Severity.WARNING
    summary = "A service shares a namespace with the host"
    security_severity = 7.0

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            for key, what in _NAMESPACES.items():
                value = service.config.get(key)
                if value == "host":
                    written = value.template if isinstance(value, IStr) and value.variables else "host"
                    yield Violation(
                        service.value_span(key) or service.span,
                        f"service {service.name} uses {what} ({key}: {written})",
                        service.name,
                    )
