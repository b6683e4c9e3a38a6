"""CL408 dangerous-capability: a service adds a dangerous Linux capability."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.security.common import capabilities

_DANGEROUS_CAPABILITIES = {
    # What each grants beyond Docker's default set, worst first.
    "ALL": "every capability, nearly what privileged gives",
    "SYS_ADMIN": "mounts, namespaces and most of root's power: the classic escape route",
    "SYS_MODULE": "loading modules into the host's kernel",
    "SYS_RAWIO": "raw I/O on host devices and memory",
    "DAC_READ_SEARCH": "reading any host file by handle (the Shocker escape)",
    "BPF": "loading eBPF programs into the host's kernel",
    "SYS_PTRACE": "tracing and injecting code into other processes",
    "PERFMON": "observing every process on the host",
    "NET_ADMIN": "reconfiguring interfaces, routes and firewall rules",
    "SYS_BOOT": "rebooting the host or loading a new kernel",
    "SYS_TIME": "setting the host's clock",
    "SYSLOG": "reading the host's kernel log (kernel addresses)",
    "MAC_ADMIN": "changing the host's AppArmor or SELinux policy",
    "MAC_OVERRIDE": "bypassing AppArmor or SELinux",
    "AUDIT_CONTROL": "changing or turning off the host's kernel auditing",
    "LINUX_IMMUTABLE": "changing immutable and append-only files",
}


# Enough on their own to take over the host's kernel or read any of its files: errors; the rest of
# the table weakens the host or its other processes: warnings.
_ESCAPE_CAPABILITIES = frozenset({"ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_RAWIO", "DAC_READ_SEARCH", "BPF"})


class DangerousCapability(Rule):
    """A service adds a dangerous Linux capability.

    ## What it does
    Reports `cap_add` entries that give a container power over the host, at the entry: `ALL`,
    `SYS_ADMIN`, `SYS_MODULE`, `SYS_RAWIO`, `DAC_READ_SEARCH`, `BPF` (host code execution or escape:
    errors), then `SYS_PTRACE`, `PERFMON`, `NET_ADMIN`, `SYS_BOOT`, `SYS_TIME`, `SYSLOG`, `MAC_ADMIN`,
    `MAC_OVERRIDE`, `AUDIT_CONTROL` and `LINUX_IMMUTABLE` (warnings). Names are compared as Docker
    does, whatever their case and with or without `CAP_` (but `CAP_ALL` is no capability: Docker
    refuses it). Capabilities in Docker's default set (`NET_BIND_SERVICE`, `CHOWN`...) and ones that
    only affect resources (`IPC_LOCK`, `SYS_NICE`...) are not reported; `cap-add-present` reports
    every added capability.

    ## Why is this bad?
    Capabilities split root's power; these pieces are enough to take over the host, or to weaken it
    (CIS Docker Benchmark 5.3). VPN and network tools need `NET_ADMIN`: suppress the finding with a
    reason there.

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.0
        cap_add: [SYS_ADMIN]
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.0
        cap_drop: [ALL]
        cap_add: [NET_BIND_SERVICE]
    ```
    """

    id = "CL408"
    name = "dangerous-capability"
    severity = Severity.ERROR
    summary = "A service adds a dangerous Linux capability"
    security_severity = 8.0

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            for capability, entry, span in capabilities(service, "cap_add"):
                what = _DANGEROUS_CAPABILITIES.get(capability)
                if what is not None:
                    yield Violation(
                        span,
                        f"service {service.name} adds capability {entry}: {what}; add only what it needs",
                        service.name,
                        None if capability in _ESCAPE_CAPABILITIES else Severity.WARNING,
                    )
