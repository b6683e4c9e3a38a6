"""CL412 host-devices: a service gets raw access to host disks or kernel memory."""

from __future__ import annotations

import re
from collections.abc import Iterator

from composelint.compose.specs import clean_path
from composelint.compose.tree import YMap, YSeq
from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.security.common import DANGEROUS_DEVICE, INPUT_DEVICE, HostPath, as_written, host_paths

_CGROUP_RULE = re.compile(r"([abc])\s+(\*|\d+):(\*|\d+)\s+([rwm]+)")


# Minors of major 1 that are memory or kernel devices (1:3 is /dev/null, 1:9 /dev/urandom...).
_MEMORY_MINORS = {"*": "", "1": " (/dev/mem)", "2": " (/dev/kmem)", "4": " (/dev/port)", "11": " (/dev/kmsg)"}


def _cgroup_rule_danger(rule: str) -> str | None:
    """What a `device_cgroup_rules` entry opens that matters: all devices, block devices, or the
    memory devices (major 1, minors 1, 2, 4, 11: /dev/mem, /dev/kmem, /dev/port, /dev/kmsg)."""
    matched = _CGROUP_RULE.fullmatch(rule.strip())
    if matched is None or not set(matched.group(4)) & {"r", "w"}:
        return None
    kind, major, minor = matched.group(1), matched.group(2), matched.group(3)
    if kind == "a":
        return "every host device, raw disks and kernel memory included"
    if kind == "b":
        return "host block devices: raw disks, bypassing file permissions"
    if major == "*":
        return "every host character device, /dev/mem and /dev/kmsg included"
    if major == "1" and minor in _MEMORY_MINORS:
        return f"the host's memory devices{_MEMORY_MINORS[minor]}: kernel memory is the kernel"
    return None


def _graded(path: str) -> Severity | None:
    """Input and console devices are a warning: kiosks and emulators pass them on purpose."""
    return Severity.WARNING if INPUT_DEVICE.fullmatch(path) else None


def _device_what(path: str) -> str:
    """What a dangerous host device gives the container."""
    if INPUT_DEVICE.fullmatch(path):
        return "every keystroke typed on the host and a way to type into it (keyboards, mice, consoles)"
    if path == "/dev":
        return "every device of the host, raw disks and kernel memory included"
    if path in ("/dev/mem", "/dev/kmem", "/dev/port"):
        return "the host's physical or kernel memory, which is the kernel"
    if path == "/dev/kmsg":
        return "the host's kernel log, to read and to write"
    if path.startswith("/dev/cpu/"):
        return "the model-specific registers of the host's CPUs"
    return "raw access to a host disk: every file on it, bypassing permissions"


class HostDevices(Rule):
    """A service gets raw access to host disks or kernel memory.

    ## What it does
    Reports `devices` entries for block devices (`/dev/sda`, `/dev/nvme0n1`, `/dev/mapper/*`,
    `/dev/loop*`, `/dev/disk/*`...), memory and kernel devices (`/dev/mem`, `/dev/kmem`, `/dev/port`,
    `/dev/kmsg`) or the whole `/dev`, at the entry (at `source` in long syntax), and
    `device_cgroup_rules` that allow reading or writing every device (`a *:* rwm`), block devices
    (`b ...`) or the memory devices (`c 1:* ...`, `c 1:1 ...`, `c *:* ...`; `c 1:3` is `/dev/null`
    and fine). Keyboards, mice and consoles (`/dev/input`, `/dev/uinput`, `/dev/hidraw*`,
    `/dev/tty*`, `/dev/console`, `/dev/vcs*`, `/dev/fb*`) are reported as warnings. Bind mounts of
    the same devices (`- /dev/sda:/dev/sda`, `- /dev/input:/dev/input`) are judged the same way,
    since they bypass `devices:`. GPUs, serial ports, USB, sound, `/dev/kvm`, `/dev/fuse` and
    `/dev/net/tun` are what `devices` is for and are not reported.

    ## Why is this bad?
    Raw access to a disk reads and writes every file of the host, bypassing permissions; kernel memory
    is the kernel (CIS Docker Benchmark 5.17). Disk health tools need it: suppress with a reason.

    ## Example
    ```yaml
    services:
      smart:
        image: example/smart:1.0
        devices: ["/dev/sda:/dev/sda"]
        device_cgroup_rules: ["a *:* rwm"]
    ```

    ## Use instead
    ```yaml
    services:
      media:
        image: example/media:4.2
        devices: ["/dev/dri:/dev/dri"]
    ```
    """

    id = "CL412"
    name = "host-devices"
    severity = Severity.ERROR
    summary = "A service gets raw access to host disks or kernel memory"
    security_severity = 8.5

    def check(self, ctx: Context) -> Iterator[Violation]:
        binds: dict[str, list[HostPath]] = {}
        for host in host_paths(ctx):
            if host.service and (DANGEROUS_DEVICE.fullmatch(host.path) or INPUT_DEVICE.fullmatch(host.path)):
                binds.setdefault(host.service, []).append(host)
        for service in ctx.project.services.values():
            devices = service.config.get("devices")
            if isinstance(devices, YSeq):
                for device in devices:
                    source = device.get("source") if isinstance(device, YMap) else None
                    if not isinstance(source, str):
                        continue
                    path = clean_path(source)
                    if path == "/dev" or DANGEROUS_DEVICE.fullmatch(path) or INPUT_DEVICE.fullmatch(path):
                        yield Violation(
                            device.value_span("source"),
                            f"service {service.name} gets host device {source}{as_written(source)}: "
                            f"{_device_what(path)}",
                            service.name,
                            _graded(path),
                        )
            for host in binds.get(service.name, ()):
                yield Violation(
                    host.span,
                    f"service {service.name} bind-mounts host device {host.shown}, outside the `devices:` "
                    f"checks: {_device_what(host.path)}",
                    service.name,
                    _graded(host.path),
                )
            rules = service.config.get("device_cgroup_rules")
            if isinstance(rules, YSeq):
                for rule, span in rules.items_with_spans():
                    opened = _cgroup_rule_danger(rule) if isinstance(rule, str) else None
                    if opened is not None:
                        yield Violation(
                            span,
                            f"device cgroup rule {rule!r} of service {service.name} allows {opened}",
                            service.name,
                        )
