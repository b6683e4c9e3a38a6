"""Family 4: security hardening — privileges, host namespaces, sockets, secrets.

The rules read the canonical model (booleans already cast, short syntax already parsed), and judge
host paths by the path as written: a path written relative to the project (``./data``, ``../files``)
is the project's own, wherever the project happens to live on the host.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from itertools import pairwise
from typing import Any, ClassVar, NamedTuple

from composelint.finding import Severity, Violation
from composelint.model import Mount, Project, Service
from composelint.rule import Context, Option, Rule
from composelint.span import Span
from composelint.specs import SpecError, clean_path, parse_volume
from composelint.tree import IStr, YMap, YSeq

# ---------------------------------------------------------------------------------------------
# Values as written
# ---------------------------------------------------------------------------------------------


def _written(value: Any) -> str:
    """How an interpolated value was written, so the user sees which variable decided it."""
    if isinstance(value, IStr) and value.variables:
        return f" (written {value.template!r})"
    return ""


def _raw_nodes(ctx: Context, path: str) -> dict[tuple[int, int], Any]:
    """Every sequence item and mapping value of a compose file as written (before interpolation and
    path resolution), by the position where it starts; built once per file and run."""
    return ctx.shared(f"security:raw:{path}", lambda: _index_raw_nodes(ctx.documents.get(path) or ()))


def _index_raw_nodes(documents: Sequence[YMap | None]) -> dict[tuple[int, int], Any]:
    nodes: dict[tuple[int, int], Any] = {}
    stack: list[Any] = [doc for doc in documents if isinstance(doc, (YMap, YSeq))]
    while stack:
        node = stack.pop()
        entries = (
            ((value, node.value_span(key)) for key, value in node.items())
            if isinstance(node, YMap)
            else zip(node, node.item_spans, strict=False)
        )
        for value, span in entries:
            nodes.setdefault((span.line, span.column), value)
            if isinstance(value, (YMap, YSeq)):
                stack.append(value)
    return nodes


def _raw_at(ctx: Context, span: Span) -> Any:
    return _raw_nodes(ctx, span.path).get((span.line, span.column))


def _written_bool(ctx: Context, span: Span) -> str:
    """How a boolean that a variable decided was written (the model holds the cast value only)."""
    raw = _raw_at(ctx, span) if span.path in ctx.documents else None
    return f" (written {raw!r})" if isinstance(raw, str) and "$" in raw else ""


# ---------------------------------------------------------------------------------------------
# Host paths
# ---------------------------------------------------------------------------------------------


def _within(path: str, directory: str) -> bool:
    """Path-segment containment: /etc/x is within /etc, /etcetera is not; ``*`` matches one segment."""
    if directory == "/":
        return path.startswith("/")
    parts, base = path.split("/"), directory.split("/")
    return len(parts) >= len(base) and all(p == b or "*" in (p, b) for p, b in zip(parts, base, strict=False))


def _same(path: str, directory: str) -> bool:
    return path.count("/") == directory.count("/") and _within(path, directory)


class _HostPath(NamedTuple):
    """A host path a service mounts (or a top-level volume binds), as the rules judge it."""

    path: str  # absolute and clean; "~/..." when written relative to the home directory
    shown: str  # how the message shows it
    read_only: bool
    span: Span  # the source as written (the `source:` value, the short-syntax entry, the `device:`)
    service: str | None
    what: str  # "bind mount" or "volume <name>"


def _judged_path(written: Any, resolved: str, project: Project) -> str | None:
    """The absolute host path to judge, ``~/...`` for one in the home directory; None for a path the
    project owns (written relative to it)."""
    text = written if isinstance(written, str) else resolved
    if text.startswith("~"):
        return "~" + clean_path(text[1:] or "/").rstrip("/") if text not in ("~", "~/") else "~"
    if text.startswith("/"):
        return clean_path(resolved)
    if text.startswith("$"):
        # A variable (or its default) decides: judge where it points, unless that is inside the
        # project, and judge a path in the home directory as such, whoever runs the linter.
        path = clean_path(resolved)
        home = project.environment.get("HOME")
        if home and home != "/" and _within(path, clean_path(home)):
            return "~" + path[len(clean_path(home)) :]
        return None if _within(path, clean_path(project.working_dir)) else path
    return None  # ./data, ../files, data/x, C:\\... : the project's own files


def _written_mount_source(ctx: Context, mount: Mount) -> Any:
    raw = _raw_at(ctx, mount.span)
    if isinstance(raw, YMap):
        return raw.get("source")
    if isinstance(raw, str):
        try:
            return parse_volume(raw).get("source")
        except SpecError:
            return None
    return None


def _host_paths(ctx: Context) -> list[_HostPath]:
    """Bind mounts of every service and `local` volumes bound to a host directory, once per run."""
    return ctx.shared("security:host-paths", lambda: _find_host_paths(ctx))


def _find_host_paths(ctx: Context) -> list[_HostPath]:
    found: list[_HostPath] = []
    project = ctx.project
    for service in project.services.values():
        for mount in service.mounts:
            if mount.type != "bind" or not mount.source or mount.unset:
                continue
            path = _judged_path(_written_mount_source(ctx, mount), mount.source, project)
            if path is not None:
                span = mount.config.value_span("source")
                shown = path + _written(mount.source)
                found.append(_HostPath(path, shown, mount.read_only, span, service.name, "bind mount"))
    for volume in project.volumes.values():
        options = volume.config.get("driver_opts")
        if not isinstance(options, YMap):
            continue
        flags = str(options.get("o") or "").split(",")
        for key in ("device", "mountpoint"):
            value = options.get(key)
            if not isinstance(value, str) or not value or (key == "device" and "bind" not in flags):
                continue
            span = options.value_span(key)
            path = _judged_path(_raw_at(ctx, span), value, project)
            if path is not None:
                what = f"volume {volume.name}"
                found.append(_HostPath(path, path + _written(value), "ro" in flags, span, None, what))
    return found


def _subject(host: _HostPath) -> str:
    return f"service {host.service} mounts" if host.service else f"{host.what} is bound to"


# Where container engines put their API sockets; `*` is a user id (rootless engines).
_ENGINE_SOCKETS = (
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/run/user/*/docker.sock",
    "/run/containerd/containerd.sock",
    "/var/run/containerd/containerd.sock",
    "/run/k3s/containerd/containerd.sock",
    "/run/podman/podman.sock",
    "/var/run/podman/podman.sock",
    "/run/user/*/podman/podman.sock",
    "/run/crio/crio.sock",
    "/var/run/crio/crio.sock",
    "/run/cri-dockerd.sock",
    "/var/run/cri-dockerd.sock",
)
_SOCKET_NAMES = frozenset(
    {"docker.sock", "containerd.sock", "podman.sock", "crio.sock", "cri-dockerd.sock", "dockershim.sock"}
)


def _engine_socket(path: str) -> str | None:
    """What a host path exposes of a container engine's API: the socket itself, or a directory that
    holds one (``/``, ``/run``, ``/var/run``, ``/var``...); None when neither."""
    if path.rsplit("/", 1)[-1] in _SOCKET_NAMES:
        return "a container engine's API socket"
    held = next((socket for socket in _ENGINE_SOCKETS if _within(socket, path)), None)
    if held is None:
        return None
    where = "the host's whole filesystem" if path == "/" else "a host directory"
    return f"{where}, which holds the engine socket {held.replace('*', '<uid>')}"


class _Sensitivity(NamedTuple):
    critical: bool  # root-equivalent when writable
    what: str
    exposed_read_only: bool = False  # a read-only mount still exposes secrets (or a socket)


def _critical(what: str, exposed_read_only: bool) -> _Sensitivity:
    return _Sensitivity(True, what, exposed_read_only)


_SCHEDULED = _critical("scheduled jobs, which run as root", False)
_PROGRAMS = _critical("programs and libraries the host runs as root", False)
_TREES_CRITICAL = {
    # Mounting any part of these gives the container the host, or a way to it. Read-only still
    # matters where root-only secrets live (container root reads them) or where sockets are.
    "/proc": _critical("the host's processes and kernel settings", True),
    "/sys": _critical("the host's kernel and device settings", True),
    "/boot": _critical("the host's kernel and boot loader", True),
    "/lib/modules": _critical("the host's kernel modules", False),
    "/usr/lib/modules": _critical("the host's kernel modules", False),
    "/var/lib/docker": _critical("Docker's data (every container's files and environment)", True),
    "/var/lib/containerd": _critical("containerd's data (every container's files)", True),
    "/var/lib/kubelet": _critical("the kubelet's data (pod secrets)", True),
    "/etc/docker": _critical("the Docker daemon's configuration and keys", True),
    "/etc/kubernetes": _critical("Kubernetes credentials", True),
    "/etc/ssh": _critical("the host's SSH keys and configuration", True),
    "/etc/sudoers.d": _critical("sudo rules", False),
    "/etc/pam.d": _critical("the host's login rules", False),
    "/etc/systemd": _critical("systemd units, which run as root", False),
    "/etc/init.d": _critical("init scripts, which run as root", False),
    "/etc/cron.d": _SCHEDULED,
    "/etc/cron.hourly": _SCHEDULED,
    "/etc/cron.daily": _SCHEDULED,
    "/etc/cron.weekly": _SCHEDULED,
    "/etc/cron.monthly": _SCHEDULED,
    "/var/spool/cron": _SCHEDULED,
    "/run/systemd": _critical("systemd's control sockets", True),
    "/var/run/systemd": _critical("systemd's control sockets", True),
    "/run/dbus": _critical("the system D-Bus socket, which controls systemd", True),
    "/var/run/dbus": _critical("the system D-Bus socket, which controls systemd", True),
}
_PROGRAM_DIRS = (
    *("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/usr/bin", "/usr/sbin", "/usr/lib"),
    *("/usr/lib64", "/usr/libexec", "/usr/local", "/usr/local/bin", "/usr/local/sbin", "/usr/local/lib"),
)
_EXACT_CRITICAL = {
    # These directories and files themselves; what lies below the directories is less critical.
    "/etc": _critical("the host's configuration, with its keys and password hashes", True),
    "/etc/shadow": _critical("the host's password hashes", True),
    "/etc/gshadow": _critical("the host's group passwords", True),
    "/etc/sudoers": _critical("sudo rules", True),
    "/etc/passwd": _critical("the host's accounts", False),
    "/etc/group": _critical("the host's groups", False),
    "/etc/crontab": _SCHEDULED,
    "/etc/ld.so.preload": _critical("libraries loaded into every host program", False),
    "/etc/ld.so.conf": _critical("where host programs load libraries from", False),
    "/etc/profile": _critical("every login shell's startup script", False),
    "/etc/environment": _critical("every login's environment", False),
    "/root": _critical("root's home directory, with its keys", True),
    "/home": _critical("every user's home directory, with their keys", True),
    "/dev": _critical("every device of the host, raw disks included", True),
    "/var/lib": _critical("the data of every host service", True),
    **dict.fromkeys(_PROGRAM_DIRS, _PROGRAMS),
}
_TREES_SYSTEM = {
    # Below these, a writable mount lets the container change what the host reads or runs.
    "/etc": "host configuration",
    "/usr": "host programs and data",
    "/bin": "host programs",
    "/sbin": "host programs",
    "/lib": "host libraries",
    "/lib32": "host libraries",
    "/lib64": "host libraries",
    "/libx32": "host libraries",
    "/var/log": "host logs",
}
# Secrets of a user's tools, wherever the home directory is.
_CREDENTIALS = frozenset(
    {".ssh", ".gnupg", ".aws", ".azure", ".kube", ".docker", ".netrc", ".pgpass", ".git-credentials"}
)
_DANGEROUS_DEVICE = re.compile(
    r"/dev/(?:mem|kmem|port|kmsg|(?:sd|hd|vd|xvd)[a-z]+\d*|nvme\d+(?:n\d+(?:p\d+)?)?|mmcblk\d+(?:p\d+)?"
    r"|md\d*|md/.+|dm-\d+|mapper/.+|loop\d*|loop-control|disk/.+|block/.+|sr\d+|zfs|nbd\d+|rbd\d+"
    r"|bcache\d+|cpu/.+|mtd\d*|raw/.+)"
)
_DEVICE_WHAT = "raw access to host disks or kernel memory"


def _sensitivity(path: str, extra: Mapping[str, str]) -> _Sensitivity | None:
    """How sensitive a host path is (None: not at all). ``path`` is absolute or starts with ``~``."""
    if any(part in _CREDENTIALS for part in path.split("/")) or "/.config/gcloud" in path:
        return _Sensitivity(False, "credentials of a user's tools", True)
    if path == "~" or _same(path, "/home/*"):
        return _Sensitivity(False, "a user's home directory")
    if path.startswith("~"):
        return None
    if path in _EXACT_CRITICAL:
        return _EXACT_CRITICAL[path]
    for tree, sensitivity in _TREES_CRITICAL.items():
        if _within(path, tree):
            return sensitivity
    if _DANGEROUS_DEVICE.fullmatch(path):
        return _critical(_DEVICE_WHAT, True)
    for tree, what in {**_TREES_SYSTEM, **extra}.items():
        if _within(path, tree):
            return _Sensitivity(False, what)
    return None


# ---------------------------------------------------------------------------------------------
# Rules: privileges and engine access
# ---------------------------------------------------------------------------------------------


class Privileged(Rule):
    """A service runs in privileged mode.

    ## What it does
    Reports `privileged: true`, including the string forms Compose accepts (`"true"`, `yes`, `on`),
    at the value.

    ## Why is this bad?
    A privileged container gets every capability, every host device and no seccomp, AppArmor or
    SELinux confinement: root in it is root on the host, one `mount` away (CIS Docker Benchmark 5.5).
    Docker-in-Docker and CI runners need it; suppress the finding on them with a reason.

    ## Example
    ```yaml
    services:
      agent:
        image: example/agent:1.4
        privileged: true
    ```

    ## Use instead
    ```yaml
    services:
      agent:
        image: example/agent:1.4
        cap_add: [NET_ADMIN]  # only what it needs
    ```
    """

    id = "CL401"
    name = "privileged"
    severity = Severity.ERROR
    summary = "A service runs in privileged mode"
    security_severity = 9.5

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            if service.config.get("privileged") is True:
                span = service.value_span("privileged") or service.span
                yield Violation(
                    span,
                    f"service {service.name} runs privileged{_written_bool(ctx, span)}: every capability "
                    "and host device, no seccomp or AppArmor; root in it is root on the host. Grant the "
                    "capabilities it needs",
                    service.name,
                )


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
    severity = Severity.ERROR
    summary = "A service mounts a container engine's API socket"
    security_severity = 9.5

    def check(self, ctx: Context) -> Iterator[Violation]:
        for host in _host_paths(ctx):
            exposed = _engine_socket(host.path)
            if exposed is not None:
                yield Violation(
                    host.span,
                    f"{_subject(host)} {host.shown}, {exposed}: control of the engine is root on "
                    "the host, read-only or not. Use a filtering socket proxy, or drop the mount",
                    host.service,
                )


class ApiSocket(Rule):
    """A service asks Compose to mount the Docker API socket (`use_api_socket: true`).

    ## What it does
    Reports `use_api_socket: true`, at the value.

    ## Why is this bad?
    Compose then bind-mounts the engine's API socket into the container and hands it the user's
    registry credentials: the same exposure as mounting `/var/run/docker.sock` (see
    `engine-socket-mount`), plus the credentials.

    ## Example
    ```yaml
    services:
      builder:
        image: example/builder:2.0
        use_api_socket: true
    ```

    ## Use instead
    ```yaml
    services:
      builder:
        image: example/builder:2.0
        environment:
          DOCKER_HOST: tcp://socket-proxy:2375
    ```
    """

    id = "CL417"
    name = "api-socket"
    severity = Severity.ERROR
    summary = "A service mounts the Docker API socket with use_api_socket"
    security_severity = 9.0

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            if service.config.get("use_api_socket") is True:
                yield Violation(
                    service.value_span("use_api_socket") or service.span,
                    f"service {service.name} sets use_api_socket: Compose mounts the Docker API socket "
                    "and the registry credentials into it, which is root on the host",
                    service.name,
                )


class SensitiveHostMount(Rule):
    """A service mounts a sensitive host path.

    ## What it does
    Reports bind mounts (short or long syntax) and `local` volumes bound to a host directory
    (`driver_opts` with `o: bind` and `device`, or a `mountpoint`) whose host path is sensitive,
    matched by path segment (`/etc/x` is inside `/etc`, `/etcetera` is not), after `..` is resolved:

    - **root-equivalent** paths: `/etc`, `/usr`, `/bin`, `/sbin`, `/lib*`, `/dev`, `/home`, `/root`,
      `/var/lib` themselves; `/proc`, `/sys`, `/boot`, `/lib/modules`, `/var/lib/docker`,
      `/var/lib/containerd`, `/etc/docker`, `/etc/ssh`, `/etc/systemd`, cron, sudo and PAM
      directories and everything in them; `/etc/passwd`, `/etc/shadow` and similar files; raw disk and
      memory devices. Reported as errors when writable, and read-only too where reading is enough
      (secrets and keys, sockets, `/proc`, `/sys`, `/dev`, `/boot`, disks): not `/usr:ro`, `/etc/passwd:ro`;
    - **less critical** system paths: anything else below `/etc`, `/usr`, `/bin`, `/sbin`, `/lib*` and
      `/var/log`, a user's home directory (`/home/<user>`, `~`), and the directories listed in the
      option `extra-paths`: reported as warnings when writable. A read-only `/etc/localtime`,
      `/etc/timezone` or `/etc/ssl/certs` is fine;
    - **credentials**: `.ssh`, `.aws`, `.kube`, `.docker`, `.gnupg`... directories anywhere, even
      read-only, as errors.

    Paths written relative to the project (`./data`, `../files`) are the project's own, wherever it
    lives, and named or anonymous volumes are not host paths. The root filesystem, `/run` and
    `/var/run` are left to `engine-socket-mount`, since they hold the engine's socket. The message
    says how critical each mount is.

    ## Why is this bad?
    A writable mount of host configuration or programs lets the container change what the host runs
    as root; a read-only one still shows it the host's secrets and internals (CIS Docker Benchmark 5.5).

    ## Example
    ```yaml
    services:
      backup:
        image: example/backup:1.2
        volumes:
          - /etc:/host-etc
          - ~/.ssh:/root/.ssh
    ```

    ## Use instead
    ```yaml
    services:
      backup:
        image: example/backup:1.2
        volumes:
          - /etc/localtime:/etc/localtime:ro
        secrets: [ssh-key]
    secrets:
      ssh-key:
        file: ./backup_key
    ```
    """

    id = "CL403"
    name = "sensitive-host-mount"
    severity = Severity.ERROR
    summary = "A service mounts a sensitive host path"
    security_severity = 8.5
    options: ClassVar[Mapping[str, Option]] = {
        "allowed": Option(list, [], "host paths never reported, with everything below them"),
        "extra-paths": Option(
            list, [], "more host directories reported when mounted writable (KICS also reports /var, /srv)"
        ),
    }

    def check(self, ctx: Context) -> Iterator[Violation]:
        allowed = [clean_path(str(p)) for p in ctx.options.get("allowed", ())]
        extra = {
            clean_path(str(p)): f"the host directory {clean_path(str(p))}"
            for p in ctx.options.get("extra-paths", ())
        }
        for host in _host_paths(ctx):
            if _engine_socket(host.path) is not None or any(_within(host.path, a) for a in allowed):
                continue
            found = _sensitivity(host.path, extra)
            if found is None:
                continue
            if not host.read_only:
                how = (
                    "writable: root-equivalent on the host"
                    if found.critical
                    else "writable; mount it :ro if it only reads, or keep the service's own data in a "
                    "project directory or a named volume"
                )
            elif found.exposed_read_only:
                how = "read-only, which does not protect it"
            else:
                continue
            yield Violation(
                host.span,
                f"{_subject(host)} {host.shown}, {found.what} ({how})",
                host.service,
                # A writable system directory that is not root-equivalent is a lesser risk.
                None if found.critical or found.exposed_read_only else Severity.WARNING,
            )


# ---------------------------------------------------------------------------------------------
# Rules: namespaces and confinement
# ---------------------------------------------------------------------------------------------

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


_GO_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_GO_FALSE = frozenset({"0", "f", "F", "FALSE", "false", "False"})


def _security_options(service: Service) -> Iterator[tuple[str, str, str, Span]]:
    """(key, value, entry as written, span) of each `security_opt` entry, split as Compose and Docker
    split them: at the first `=`, else at the first `:` (the legacy form). Compose refuses any other
    entry (a bare `disable` too) when it creates the container."""
    node = service.config.get("security_opt")
    if not isinstance(node, YSeq):
        return
    for entry, span in node.items_with_spans():
        if not isinstance(entry, str):
            continue
        if entry == "no-new-privileges":
            yield "no-new-privileges", "true", entry, span
        elif "=" in entry or ":" in entry:
            key, _, value = entry.partition("=" if "=" in entry else ":")
            yield key, value, entry, span


# (what the entry turns off, what to do instead)
_CONFINEMENT_OFF = {
    ("seccomp", "unconfined"): (
        "seccomp, which blocks the system calls containers never need",
        "write a seccomp profile that allows the calls it needs",
    ),
    ("apparmor", "unconfined"): (
        "AppArmor, which confines what the container may touch",
        "write an AppArmor profile that allows what it needs",
    ),
    ("label", "disable"): (
        "SELinux separation from the host and other containers",
        "relabel its volumes (:z) or give it an SELinux type that allows what it needs",
    ),
    ("label", "type:spc_t"): (
        "SELinux separation (spc_t is the super-privileged container type)",
        "give it an SELinux type that allows only what it needs",
    ),
    ("systempaths", "unconfined"): (
        "the masking of /proc and /sys paths that expose the host kernel",
        "remove it unless the service must read or change those kernel settings",
    ),
}


class SecurityProfileDisabled(Rule):
    """A service turns off seccomp, AppArmor or SELinux confinement.

    ## What it does
    Reports `security_opt` entries that disable a protection, in both the `key=value` and the
    legacy `key:value` form: `seccomp=unconfined`, `apparmor=unconfined`, `label=disable`,
    `label=type:spc_t`, and `systempaths=unconfined` (only this spelling: Compose handles it itself
    and passes `systempaths:unconfined` to Docker, which refuses it). A custom profile
    (`seccomp=profile.json`, `apparmor=my-profile`) is fine.

    Entries are split as Docker splits them: `label:seccomp:unconfined` is an SELinux label option,
    which Docker refuses on SELinux hosts and ignores elsewhere, so it does not disable seccomp and is
    not reported (KICS reports it).

    ## Why is this bad?
    These profiles stop a compromised process from using the kernel interfaces that container
    escapes rely on (CIS Docker Benchmark 5.1, 5.2, 5.21). Write a profile that allows what the
    service needs instead of switching the protection off.

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.0
        security_opt: ["seccomp=unconfined", "apparmor:unconfined"]
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.0
        security_opt: ["seccomp=./seccomp-app.json"]
    ```
    """

    id = "CL405"
    name = "security-profile-disabled"
    severity = Severity.ERROR
    summary = "A service disables seccomp, AppArmor or SELinux confinement"
    security_severity = 7.5

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            for key, value, entry, span in _security_options(service):
                found = _CONFINEMENT_OFF.get((key, value))
                if found is not None and (key != "systempaths" or entry == "systempaths=unconfined"):
                    what, instead = found
                    yield Violation(
                        span,
                        f"service {service.name} turns off {what} (security_opt {entry}); {instead}",
                        service.name,
                    )


def _no_new_privileges(service: Service) -> tuple[bool | None, Span | None, str]:
    """Whether `security_opt` sets no-new-privileges (None: it does not say), where, and the entry."""
    setting: tuple[bool | None, Span | None, str] = (None, None, "")
    for key, value, entry, span in _security_options(service):
        if key == "no-new-privileges" and (value in _GO_TRUE or value in _GO_FALSE):
            setting = (value in _GO_TRUE, span, entry)  # Docker keeps the last one
    return setting


class NoNewPrivilegesDisabled(Rule):
    """A service explicitly allows privilege escalation (`no-new-privileges:false`).

    ## What it does
    Reports a `security_opt` entry that sets no-new-privileges to false (`no-new-privileges:false`,
    `no-new-privileges=false`, `=0`...), at the entry. Services that do not mention it are left to
    the opt-in `no-new-privileges-missing`.

    ## Why is this bad?
    With no-new-privileges, setuid and setgid programs cannot raise a process's privileges. Turning
    it off explicitly also overrides a daemon that enables it for every container (CIS Docker
    Benchmark 5.25).

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.0
        security_opt: ["no-new-privileges:false"]
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.0
        security_opt: ["no-new-privileges:true"]
    ```
    """

    id = "CL406"
    name = "no-new-privileges-disabled"
    severity = Severity.WARNING
    summary = "A service explicitly allows privilege escalation"
    security_severity = 5.5

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            enabled, span, entry = _no_new_privileges(service)
            if enabled is False and span is not None:
                yield Violation(
                    span,
                    f"service {service.name} turns no-new-privileges off (security_opt {entry}), so setuid "
                    "programs can raise privileges inside it; set no-new-privileges:true",
                    service.name,
                )


class NoNewPrivilegesMissing(Rule):
    """A service does not set no-new-privileges (off by default).

    ## What it does
    Reports services whose `security_opt` does not enable no-new-privileges (`no-new-privileges`,
    `no-new-privileges:true` and `no-new-privileges=true` all do), at `security_opt` when it exists,
    else at the service. An explicit `false` is left to `no-new-privileges-disabled`. Off by default:
    most images never rely on setuid programs, and the daemon can enable it for every container
    (`"no-new-privileges": true` in `daemon.json`).

    ## Why is this bad?
    Without it, a setuid or setgid program in the image lets a compromised process gain privileges
    (CIS Docker Benchmark 5.25).

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.0
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.0
        security_opt: ["no-new-privileges:true"]
    ```
    """

    id = "CL407"
    name = "no-new-privileges-missing"
    severity = Severity.WARNING
    summary = "A service does not set no-new-privileges"
    enabled_by_default = False
    security_severity = 5.5

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            enabled, _, _ = _no_new_privileges(service)
            if enabled is None:
                yield Violation(
                    service.key_span("security_opt") or service.span,
                    f"service {service.name} does not set no-new-privileges; add no-new-privileges:true "
                    "to security_opt",
                    service.name,
                )


class MissingSecurityOpt(Rule):
    """A service has no `security_opt` at all (off by default; KICS parity).

    ## What it does
    Reports services without a `security_opt` list, at the service, and with an empty one, at its
    key. This is KICS's "Security Opt Not Set"; the options that matter are checked by
    `no-new-privileges-missing` and `security-profile-disabled`, so this rule is only useful to match
    a KICS-based policy.

    ## Why is this bad?
    A service with no `security_opt` runs with Docker's defaults: no no-new-privileges, and the
    default seccomp and AppArmor profiles.

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.0
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.0
        security_opt: ["no-new-privileges:true"]
    ```
    """

    id = "CL420"
    name = "missing-security-opt"
    severity = Severity.INFO
    summary = "A service sets no security_opt"
    enabled_by_default = False
    security_severity = 2.0

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            if not service.config.get("security_opt"):
                yield Violation(
                    service.key_span("security_opt") or service.span,
                    f"service {service.name} sets no security_opt; consider no-new-privileges:true",
                    service.name,
                )


# ---------------------------------------------------------------------------------------------
# Rules: capabilities, user, filesystem
# ---------------------------------------------------------------------------------------------

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


def _capability(name: str) -> str:
    """`cap_sys_admin`, `CAP_SYS_ADMIN` and `SYS_ADMIN` are the same capability to Docker; only `ALL`
    means all of them (Docker refuses `CAP_ALL` as an unknown capability)."""
    upper = name.strip().upper()
    return upper if upper == "CAP_ALL" else upper.removeprefix("CAP_")


def _capabilities(service: Service, key: str) -> Iterator[tuple[str, str, Span]]:
    node = service.config.get(key)
    if isinstance(node, YSeq):
        for entry, span in node.items_with_spans():
            if isinstance(entry, str):
                yield _capability(entry), entry, span


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
            for capability, entry, span in _capabilities(service, "cap_add"):
                what = _DANGEROUS_CAPABILITIES.get(capability)
                if what is not None:
                    yield Violation(
                        span,
                        f"service {service.name} adds capability {entry}: {what}; add only what it needs",
                        service.name,
                        None if capability in _ESCAPE_CAPABILITIES else Severity.WARNING,
                    )


class CapAddPresent(Rule):
    """A service adds Linux capabilities (off by default; KICS parity).

    ## What it does
    Reports every non-empty `cap_add`, once per service, at its list. This is KICS's "Container
    Capabilities Unrestricted" (first half; KICS points at the `cap_add:` key);
    `dangerous-capability` reports the capabilities that matter.

    ## Why is this bad?
    Each added capability widens what a compromised process can do; a policy may want every one
    reviewed.

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.0
        cap_add: [NET_BIND_SERVICE]
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.0
        ports: ["8080:8080"]  # an unprivileged port needs no capability
    ```
    """

    id = "CL419"
    name = "cap-add-present"
    severity = Severity.INFO
    summary = "A service adds Linux capabilities"
    enabled_by_default = False
    security_severity = 2.0

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            added = [entry for _, entry, _ in _capabilities(service, "cap_add")]
            if added:
                yield Violation(
                    service.value_span("cap_add") or service.span,
                    f"service {service.name} adds capabilit{'y' if len(added) == 1 else 'ies'} "
                    f"{', '.join(added)}; keep only what it needs",
                    service.name,
                )


class MissingCapDropAll(Rule):
    """A service keeps Docker's default capabilities (off by default).

    ## What it does
    Reports services whose `cap_drop` does not include `ALL`, at `cap_drop` when it exists, else at
    the service; a `CAP_ALL`, which Docker refuses as an unknown capability, at the entry. Off by
    default: it applies to nearly every service of every file, and many images need a few default
    capabilities back (`cap_add`), which takes testing.

    ## Why is this bad?
    Docker's default set (`CHOWN`, `DAC_OVERRIDE`, `SETUID`, `NET_RAW`...) is more than most
    services need; dropping everything and adding back the few required ones shrinks what a
    compromised process can do (CIS Docker Benchmark 5.3).

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.0
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.0
        cap_drop: [ALL]
    ```
    """

    id = "CL409"
    name = "missing-cap-drop-all"
    severity = Severity.WARNING
    summary = "A service does not drop all capabilities"
    enabled_by_default = False
    security_severity = 5.0

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            dropped = list(_capabilities(service, "cap_drop"))
            if any(capability == "ALL" for capability, _, _ in dropped):
                continue
            misspelt = next(
                ((entry, span) for capability, entry, span in dropped if capability == "CAP_ALL"), None
            )
            if misspelt is not None:
                yield Violation(
                    misspelt[1],
                    f"service {service.name} drops {misspelt[0]}, which Docker refuses as an unknown "
                    "capability; write ALL",
                    service.name,
                )
            else:
                yield Violation(
                    service.key_span("cap_drop") or service.span,
                    f"service {service.name} keeps Docker's default capabilities; add cap_drop: [ALL] "
                    "and add back only what it needs",
                    service.name,
                )


def _runs_as_root(user: str) -> bool:
    name = user.split(":", 1)[0]
    return name == "root" or (name.isdigit() and int(name) == 0)


class RootUser(Rule):
    """A service explicitly runs as root.

    ## What it does
    Reports `user: root`, `user: "0"` and the same with any group (`root:root`, `0:1000`), at the
    value. A non-root user in the root group (`app:root`) is fine. A user chosen by a variable is
    judged by its value in the linted environment: `${UID:-0}` is root unless `UID` is set, and the
    message shows how it was written. A service without `user` runs as whatever the image says and
    is not reported, and so is a one-shot job that other services wait for
    (`condition: service_completed_successfully`): running such a job as root to prepare volumes for
    unprivileged services is the usual pattern.

    ## Why is this bad?
    Root in a container is root on the host's kernel: any escape, and any writable host mount, gives
    host root (CIS Docker Benchmark 4.1). Setting it explicitly often overrides an image that was
    built to run unprivileged.

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.0
        user: root
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.0
        user: "1000:1000"
    ```
    """

    id = "CL410"
    name = "root-user"
    severity = Severity.WARNING
    summary = "A service explicitly runs as root"
    security_severity = 5.5

    def check(self, ctx: Context) -> Iterator[Violation]:
        # Jobs that others wait for run once, before them, and exit.
        jobs = {
            dependency.service
            for service in ctx.project.services.values()
            for dependency in service.depends_on
            if dependency.condition == "service_completed_successfully"
        }
        for service in ctx.project.services.values():
            user = service.config.get("user")
            if service.name in jobs or not isinstance(user, str) or not _runs_as_root(user):
                continue
            written = user.template if isinstance(user, IStr) and user.variables else user
            yield Violation(
                service.value_span("user") or service.span,
                f"service {service.name} runs as root (user: {written}); run it as an unprivileged user",
                service.name,
            )


class WritableRootFilesystem(Rule):
    """A service's root filesystem is writable (off by default).

    ## What it does
    Reports services without `read_only: true` (the strings `"true"`, `yes` count), at `read_only`
    when it is set to false, else at the service. Off by default: most images write somewhere, and
    making them read-only takes `tmpfs` or volumes for those paths.

    ## Why is this bad?
    A writable root filesystem lets an intruder change the container's programs and keep a foothold
    (CIS Docker Benchmark 5.12).

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.0
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.0
        read_only: true
        tmpfs: [/tmp]
    ```
    """

    id = "CL411"
    name = "writable-root-filesystem"
    severity = Severity.INFO
    summary = "A service's root filesystem is writable"
    enabled_by_default = False
    security_severity = 3.0

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            if service.config.get("read_only") is not True:
                yield Violation(
                    service.value_span("read_only") or service.span,
                    f"service {service.name} has a writable root filesystem; set read_only: true and "
                    "mount tmpfs or volumes where it writes",
                    service.name,
                )


_TMPFS_RISK = {
    "exec": "programs written there can run",
    "suid": "setuid programs written there keep their privileges",
}


class TmpfsExecSuid(Rule):
    """A tmpfs mount allows executables or setuid programs.

    ## What it does
    Reports `tmpfs` entries with the `exec` or `suid` option (`/tmp:exec,mode=1777`), at the entry;
    as with `mount`, the last of `exec` and `noexec` (`suid`, `nosuid`) wins. Docker mounts tmpfs
    `noexec,nosuid` unless told otherwise; long-syntax `type: tmpfs` volumes only take a size and a
    mode, so they are always safe.

    ## Why is this bad?
    A writable place where downloaded programs can run, or where setuid programs keep their power,
    is what an intruder looks for, and defeats `read_only: true`.

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.0
        read_only: true
        tmpfs: ["/tmp:exec,mode=1777"]
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.0
        read_only: true
        tmpfs: ["/tmp:mode=1777"]
    ```
    """

    id = "CL414"
    name = "tmpfs-exec-suid"
    severity = Severity.INFO
    summary = "A tmpfs mount allows executables or setuid programs"
    security_severity = 3.0

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            node = service.config.get("tmpfs")
            if not isinstance(node, YSeq):
                continue
            for entry, span in node.items_with_spans():
                if not isinstance(entry, str) or ":" not in entry:
                    continue
                target, _, options = entry.partition(":")
                # Mount options: the last of `exec` and `noexec` (`suid`, `nosuid`) wins.
                last = {
                    o.removeprefix("no"): o for o in options.split(",") if o.removeprefix("no") in _TMPFS_RISK
                }
                allowed = [o for o in _TMPFS_RISK if last.get(o) == o]
                if allowed:
                    yield Violation(
                        span,
                        f"tmpfs {target} of service {service.name} allows {' and '.join(allowed)}: "
                        f"{'; '.join(_TMPFS_RISK[o] for o in allowed)}. Drop {' and '.join(allowed)} unless "
                        "the service needs it",
                        service.name,
                    )


# ---------------------------------------------------------------------------------------------
# Rules: devices and mounts
# ---------------------------------------------------------------------------------------------

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


def _device_what(path: str) -> str:
    """What a dangerous host device gives the container."""
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
    and fine). GPUs, serial ports, USB, sound, `/dev/kvm`, `/dev/fuse` and `/dev/net/tun` are what
    `devices` is for and are not reported.

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
        for service in ctx.project.services.values():
            devices = service.config.get("devices")
            if isinstance(devices, YSeq):
                for device in devices:
                    source = device.get("source") if isinstance(device, YMap) else None
                    if not isinstance(source, str):
                        continue
                    path = clean_path(source)
                    if path == "/dev" or _DANGEROUS_DEVICE.fullmatch(path):
                        yield Violation(
                            device.value_span("source"),
                            f"service {service.name} gets host device {source}{_written(source)}: "
                            f"{_device_what(path)}",
                            service.name,
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


_PROPAGATION = {
    "shared": "mounts made in the container appear on the host, and the host's in it",
    "rshared": "mounts made in the container appear on the host, and the host's in it",
    "slave": "mounts made on the host appear in it",
    "rslave": "mounts made on the host appear in it",
}


class SharedMountPropagation(Rule):
    """A bind mount propagates mounts between the container and the host.

    ## What it does
    Reports bind mounts with `shared` or `rshared` propagation (short syntax `./x:/x:rshared`, long
    syntax `bind.propagation`), at the propagation. `slave` and `rslave` only carry the host's
    mounts into the container, which node and storage agents need; they are reported with the option
    `include-slave` (KICS reports them).

    ## Why is this bad?
    With shared propagation, a mount made inside the container (over `/etc` of the mounted tree, for
    instance) appears on the host: the container can change what the host sees (CIS Docker Benchmark
    5.19).

    ## Example
    ```yaml
    services:
      agent:
        image: example/agent:1.0
        volumes:
          - type: bind
            source: /mnt/data
            target: /data
            bind:
              propagation: rshared
    ```

    ## Use instead
    ```yaml
    services:
      agent:
        image: example/agent:1.0
        volumes:
          - /mnt/data:/data
    ```
    """

    id = "CL413"
    name = "shared-mount-propagation"
    severity = Severity.WARNING
    summary = "A bind mount propagates mounts between container and host"
    security_severity = 5.0
    options: ClassVar[Mapping[str, Option]] = {
        "include-slave": Option(bool, False, "also report slave and rslave propagation (as KICS does)"),
    }

    def check(self, ctx: Context) -> Iterator[Violation]:
        reported = {"shared", "rshared"} | (
            {"slave", "rslave"} if ctx.options.get("include-slave") else set()
        )
        for service in ctx.project.services.values():
            for mount in service.mounts:
                bind = mount.config.get("bind")
                if mount.propagation in reported and isinstance(bind, YMap):
                    yield Violation(
                        bind.value_span("propagation"),
                        f"mount {mount.target} of service {service.name} uses {mount.propagation} "
                        f"propagation: {_PROPAGATION[mount.propagation]}; use the default (rprivate)",
                        service.name,
                    )


class SharedVolume(Rule):
    """Several services mount the same volume or host path (off by default; KICS parity).

    ## What it does
    Reports a named volume or host path that two or more services mount writable, at each writable
    mount. Read-only mounts (`:ro`, `read_only: true`) are never reported: one writer and any number
    of readers is the safe way to share. This is KICS's "Shared Volumes Between Containers" (which
    reports every shared mount); an application and its sidecar often share a volume on purpose.

    ## Why is this bad?
    A writable volume shared between containers is a path from one to the other: a compromised
    service can plant files the other one reads or runs, and two writers can corrupt the data.

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.0
        volumes: ["uploads:/app/uploads"]
      scanner:
        image: example/scanner:1.1
        volumes: ["uploads:/scan"]
    volumes:
      uploads: {}
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.0
        volumes: ["uploads:/app/uploads"]
      scanner:
        image: example/scanner:1.1
        volumes: ["uploads:/scan:ro"]
    volumes:
      uploads: {}
    ```
    """

    id = "CL421"
    name = "shared-volume"
    severity = Severity.INFO
    summary = "Several services mount the same volume or host path"
    enabled_by_default = False
    security_severity = 2.0

    def check(self, ctx: Context) -> Iterator[Violation]:
        writers: dict[tuple[str, str], list[tuple[Service, Mount]]] = {}
        for service in ctx.project.services.values():
            for mount in service.mounts:
                if mount.type in ("bind", "volume") and mount.source and not mount.read_only:
                    writers.setdefault((mount.type, mount.source), []).append((service, mount))
        for (kind, source), mounts in writers.items():
            names = sorted({service.name for service, _ in mounts})
            if len(names) < 2:
                continue
            for service, mount in mounts:
                others = [name for name in names if name != service.name]
                also = f"{'does' if len(others) == 1 else 'do'} {', '.join(others)}"
                written = _written_mount_source(ctx, mount) if kind == "bind" else None
                shared = f"volume {source}" if kind == "volume" else f"host path {written or source}"
                yield Violation(
                    mount.config.value_span("source"),
                    f"service {service.name} mounts {shared} writable, and so {also}: each can plant files "
                    "the others read; mount it read-only (:ro) where a service only reads it",
                    service.name,
                )


class CgroupParent(Rule):
    """A service sets its cgroup parent (off by default; KICS parity).

    ## What it does
    Reports `cgroup_parent`, at the value. This is KICS's "Cgroup Not Default".

    ## Why is this bad?
    The cgroup parent decides which resource limits apply to the container; placing it under a host
    cgroup can escape the limits Docker would give it (CIS Docker Benchmark 5.24).

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.0
        cgroup_parent: system.slice
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.0
        mem_limit: 512m
    ```
    """

    id = "CL418"
    name = "cgroup-parent"
    severity = Severity.INFO
    summary = "A service sets its cgroup parent"
    enabled_by_default = False
    security_severity = 2.0

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            parent = service.config.get("cgroup_parent")
            if isinstance(parent, str) and parent:
                yield Violation(
                    service.value_span("cgroup_parent") or service.span,
                    f"service {service.name} runs under cgroup {parent} instead of Docker's own; check "
                    "that its limits still apply",
                    service.name,
                )


# ---------------------------------------------------------------------------------------------
# Rules: secrets
# ---------------------------------------------------------------------------------------------

# Words of a variable name that mark a credential (DB_PASSWORD, GITHUB_TOKEN, SMTP_PASS...).
_SECRET_WORD_ENDS = ("PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "APIKEY")
_SECRET_WORDS = frozenset({"PASS", "PWD", "SALT", "SECRETS", "TOKENS", "CREDENTIAL", "CREDENTIALS"})
_SECRET_PAIRS = frozenset(
    {
        ("API", "KEY"),
        ("ACCESS", "KEY"),
        ("PRIVATE", "KEY"),
        ("SECRET", "KEY"),
        ("ENCRYPTION", "KEY"),
        ("SIGNING", "KEY"),
        ("AUTH", "KEY"),
        ("MASTER", "KEY"),
        ("APP", "KEY"),
        ("JWT", "KEY"),
        ("SESSION", "KEY"),
    }
)
# A last word that makes the variable a setting about a secret, not the secret (TOKEN_TTL, PASSWORD_FILE).
_SETTING_WORDS = frozenset(
    {
        *("FILE", "PATH", "DIR", "URL", "URI", "HOST", "PORT", "USER", "USERNAME", "NAME", "ID", "TYPE"),
        *("LENGTH", "LEN", "SIZE", "TTL", "EXPIRY", "EXPIRE", "EXPIRES", "EXPIRATION", "LIFETIME"),
        *("TIMEOUT", "SECONDS", "MINUTES", "HOURS", "DAYS", "MIN", "MAX", "ROUNDS", "ITERATIONS"),
        *("ENABLED", "ENABLE", "DISABLED", "DISABLE", "REQUIRED", "ALGORITHM", "HEADER", "ENDPOINT"),
        *("POLICY", "STRENGTH", "PROVIDER", "MODE", "METHOD", "FORMAT", "TIME", "PERIOD", "INTERVAL"),
        *("DURATION", "AGE", "COUNT", "LIMIT", "RATE", "SCOPE", "SCOPES", "REALM", "ISSUER", "AUDIENCE"),
        *("PREFIX", "ATTEMPTS", "RETRIES", "CACHE", "STORE", "BACKEND", "DRIVER", "VERSION", "STDIN"),
    }
)
_SWITCHES = frozenset({"true", "false", "yes", "no", "on", "off", "none", "null", "0", "1"})
_ONLY_DEFAULT = re.compile(r"\$\{(?P<name>[_A-Za-z][_A-Za-z0-9]*):?-(?P<default>.*)\}")
_VARIABLE = re.compile(r"\$(?:\{|[_A-Za-z])")
_ESCAPED_REFERENCE = re.compile(r"\$\$(?:[_A-Za-z][_A-Za-z0-9]*|\{[^}]*\})")


@functools.lru_cache(maxsize=4096)  # names repeat: every service, every token of a command line
def _is_secret_name(name: str) -> bool:
    words = name.upper().split("_")
    if name.upper() in ("PWD", "OLDPWD") or words[-1] in _SETTING_WORDS:
        return False  # the shell's working directory; a setting about a secret
    return any(word.endswith(_SECRET_WORD_ENDS) or word in _SECRET_WORDS for word in words) or any(
        pair in _SECRET_PAIRS for pair in pairwise(words)
    )


def _literal_secret(supplied: str) -> bool:
    """Whether the part of a value the file supplies is a credential: not empty, not an on/off switch,
    not a path to a secret file, not an escaped reference (``$$VAR``: the container gets the text
    ``$VAR``, for its shell or application to expand)."""
    text = supplied.strip()
    return (
        bool(text)
        and text.lower() not in _SWITCHES
        and not text.startswith("/run/secrets/")
        and not _ESCAPED_REFERENCE.fullmatch(text)
    )


def _source_line(ctx: Context, span: Span) -> str:
    # Split once per file: a file can have 60,000 values on one line.
    lines = ctx.shared(f"lines:{span.path}", lambda: (ctx.sources.get(span.path) or "").splitlines())
    return lines[span.line - 1] if 0 < span.line <= len(lines) else ""


def _written_value(ctx: Context, key: str, value: str, span: Span, key_span: Span) -> tuple[str, Span]:
    """An environment value as the user wrote it (before interpolation), and where: the YAML value,
    the part after ``KEY=`` of a list item (``key_span == span`` there), or the value of an env_file
    line, whose span the loader puts at the key."""
    line = _source_line(ctx, span)
    if span.path not in ctx.documents:
        return _env_file_value(line, key, span) or (value, span)
    raw = _raw_at(ctx, span)
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        return value, span
    text, prefix = str(raw), f"{key}="
    if key_span != span or not text.startswith(prefix):
        return text, span
    # A list item on one line: point at what follows `KEY=`, inside the quotes if it is quoted.
    start = span.column - 1
    quoted = 1 if line[start : start + 1] in ("'", '"') else 0
    if span.end_line != span.line or not line.startswith(prefix, start + quoted):
        return text[len(prefix) :], span
    column = span.column + quoted + len(prefix)
    return text[len(prefix) :], Span(span.path, span.line, column, span.line, span.end_column - quoted)


_ENV_FILE_ASSIGNMENT = re.compile(r"\s*[=:][ \t]*")


def _env_file_value(line: str, key: str, span: Span) -> tuple[str, Span] | None:
    """The value of an env_file line as written (quotes removed, a trailing comment cut) and its span.
    A single-quoted value is taken literally, so its ``$`` is returned escaped."""
    start = span.column - 1 + len(key)
    separator = _ENV_FILE_ASSIGNMENT.match(line, start)
    if line[span.column - 1 : start] != key or separator is None:
        return None
    begin = separator.end()
    rest = line[begin:]
    if rest[:1] in ("'", '"'):
        close = re.compile(r"'" if rest[0] == "'" else r'(?<!\\)"').search(rest, 1)
        end = close.end() if close is not None else len(rest)
        text = rest[1 : end - 1 if close is not None else end]
        text = text.replace("$", "$$") if rest[0] == "'" else text
    else:
        comment = re.search(r"\s#", rest)
        text = (rest[: comment.start()] if comment is not None else rest).rstrip()
        end = len(text)
    return text, Span(span.path, span.line, begin + 1, span.line, begin + 1 + end)


def _from_file(written: str) -> str | None:
    """The part of a value that the file itself supplies: all of it when it uses no variable (``$$``
    is an escaped dollar), the default of a lone ``${VAR:-default}`` (nested defaults followed); None
    when variables supply it."""
    if not _VARIABLE.search(written.replace("$$", "")):
        return written
    matched = _ONLY_DEFAULT.fullmatch(written)
    return _from_file(matched.group("default")) if matched is not None else None


def _may_hold_url(ctx: Context, key: str, value: str, span: Span) -> bool:
    """False when the variable's written text surely has no ``://``: it is the value itself, its
    template when interpolated, or ``KEY=`` and one of these; env file lines are always read."""
    template = value.template if isinstance(value, IStr) else ""
    return "://" in value or "://" in template or "://" in key or span.path not in ctx.documents


def _environment(service: Service) -> Iterator[tuple[str, str, Span, Span]]:
    """(name, value, value span, key span) of each variable of a service's environment that has a value."""
    node = service.config.get("environment")
    if isinstance(node, YMap):
        for key, value, key_span, span in node.items_with_spans():
            if isinstance(value, str) and value:
                yield key, value, span, key_span


def _services(names: list[str]) -> str:
    if len(names) == 1:
        return f"service {names[0]}"
    return f"services {', '.join(names[:-1])} and {names[-1]}"


def _where(ctx: Context, span: Span, names: list[str]) -> str:
    """Who sets a value written once (an anchor, an `extends` base and env files serve several)."""
    if span.path in ctx.documents:
        return _services(names)
    return f"env file {span.path.rsplit('/', 1)[-1]} of {_services(names)}"


class PlaintextSecret(Rule):
    """A credential is written in plain text in a service's environment.

    ## What it does
    Reports environment variables whose name marks a credential (`PASSWORD`, `SECRET`, `TOKEN`,
    `API_KEY`, `PRIVATE_KEY`, `*_PASS`...) and whose value is written literally, in `environment`
    (mapping or `KEY=value` list) or in a file named by `env_file`, at the value itself (after the
    `=` of a list item). Also reports credentials passed on the command line of `command`,
    `entrypoint` and `healthcheck.test`: `--password x`, `--requirepass=x`, `PGPASSWORD=x psql`.
    The value is never printed. A value written once (an anchor, an `extends` base, a shared env
    file) is reported once, naming every service that gets it.

    Weak and well-known values (`POSTGRES_PASSWORD: postgres`) are reported like any other: they
    are the password of every deployment that does not change them.

    Not reported: values taken from variables (`${DB_PASSWORD}`), which are kept out of the file;
    empty values; on/off switches (`true`, `no`); paths to a secret file (`/run/secrets/...`);
    settings about a secret rather than the secret (`TOKEN_TTL`, `PASSWORD_MIN_LENGTH`,
    `POSTGRES_PASSWORD_FILE`); an escaped reference (`$${API_TOKEN}`, `$$REDIS_PASSWORD` in a
    command), which the container's shell or application expands. A lone `${VAR:-default}` with a
    literal default is reported, since the default is written in the file; `$$` is an escaped `$`,
    so `pa$$word` is a literal.

    ## Why is this bad?
    Secrets in compose files end up in version control, in `docker inspect` and in every log of the
    deployment. Compose `secrets:` mount them as files instead (CIS Docker Benchmark 4.10).

    ## Example
    ```yaml
    services:
      db:
        image: postgres:16.4
        environment:
          POSTGRES_PASSWORD: hunter2
    ```

    ## Use instead
    ```yaml
    services:
      db:
        image: postgres:16.4
        environment:
          POSTGRES_PASSWORD_FILE: /run/secrets/db_password
        secrets: [db_password]
    secrets:
      db_password:
        environment: DB_PASSWORD
    ```
    """

    id = "CL415"
    name = "plaintext-secret"
    severity = Severity.WARNING
    summary = "A credential is written in plain text in the environment"
    security_severity = 7.0

    def check(self, ctx: Context) -> Iterator[Violation]:
        # One finding per written value, naming every service that gets it (anchors, `extends`):
        # span -> (verb for one service, verb for several, what, services).
        found: dict[Span, tuple[str, str, str, list[str]]] = {}
        for service in ctx.project.services.values():
            for key, value, value_span, key_span in _environment(service):
                if not _is_secret_name(key):
                    continue
                written, span = _written_value(ctx, key, value, value_span, key_span)
                supplied = _from_file(written)
                if supplied is None or not _literal_secret(supplied):
                    continue
                default = _ONLY_DEFAULT.fullmatch(written)
                how = (
                    f"a literal default (${{{default.group('name')}:-...}})" if default else "a literal value"
                )
                found.setdefault(span, ("sets", "set", f"{key} to {how}", []))[3].append(service.name)
            for name, where, span in _command_credentials(ctx, _command_texts(ctx, service)):
                what = f"a literal value to {name} in {where}"
                found.setdefault(span, ("passes", "pass", what, []))[3].append(service.name)
        for span, (verb, verbs, what, names) in found.items():
            yield Violation(
                span,
                f"{_where(ctx, span, names)} {verb if len(names) == 1 else verbs} {what}; pass it with "
                "secrets: or a variable kept out of the file",
                names[0],
            )


# Flags that take a password without a credential word of their own (redis-server, valkey, keydb).
_PASSWORD_FLAGS = frozenset({"REQUIREPASS", "MASTERAUTH"})
# `$$VAR`, `$${VAR}`, `$$(cat file)`, `$(cat file)`, backquotes in a command: its shell computes
# the value when it runs.
_RUNTIME_EXPANSION = re.compile(r"\$\$[({_A-Za-z]|\$\(|`")
_ASSIGNED_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FLAG_NAME = re.compile(r"--?[A-Za-z][A-Za-z0-9_-]*")
# A "value" holding these is a piece of an inline script (`KEY="+JSON.stringify(k)`), not a literal.
_CODE = re.compile(r"[()<>|&+\[\]{}]")
_TOKEN = re.compile(r"\S+")


def _command_texts(ctx: Context, service: Service) -> list[tuple[str, str, Span]]:
    """(key, string as written, span) of a service's `command`, `entrypoint` and `healthcheck.test`;
    found once per project for the rules that read them (which do not change the list)."""
    return ctx.shared(f"security:commands:{service.name}", lambda: _find_command_texts(ctx, service))


def _find_command_texts(ctx: Context, service: Service) -> list[tuple[str, str, Span]]:
    texts = [
        (key, text, span)
        for key in ("command", "entrypoint")
        for text, span in _written_strings(ctx, service.config, key)
    ]
    healthcheck = service.config.get("healthcheck")
    if isinstance(healthcheck, YMap):
        texts.extend(
            ("healthcheck test", text, span) for text, span in _written_strings(ctx, healthcheck, "test")
        )
    return texts


_Token = tuple[str, str, Span, int, str]  # key, token, span of its scalar, offset in it, the scalar


def _tokens(texts: list[tuple[str, str, Span]]) -> Iterator[_Token]:
    # A generator: a 4 MB command line holds millions of tokens, never all in memory at once.
    for key, text, span in texts:
        for match in _TOKEN.finditer(text):
            yield key, match.group(), span, match.start(), text


def _command_credentials(ctx: Context, texts: list[tuple[str, str, Span]]) -> Iterator[tuple[str, str, Span]]:
    """(name as written, key, span of the value) of each literal credential on a command line:
    `--password x`, `--requirepass=x`, `PGPASSWORD=x psql`. A list item is one token; a string is
    split at spaces."""
    tokens = _tokens(texts)
    current = next(tokens, None)
    while current is not None:
        following = next(tokens, None)
        found = _token_credential(ctx, current, following)
        if found is not None:
            yield found
        current = following


def _token_credential(
    ctx: Context, current: _Token, following: _Token | None
) -> tuple[str, str, Span] | None:
    key, token, span, offset, text = current
    name, equals, value = token.partition("=")
    flag = name.startswith("-")
    variable = name.lstrip("-").replace("-", "_")
    if not (_FLAG_NAME if flag else _ASSIGNED_NAME).fullmatch(name):
        return None
    if not (_is_secret_name(variable) or variable.upper() in _PASSWORD_FLAGS):
        return None
    start = offset + len(name) + 1
    if flag and not equals:
        if following is None or following[0] != key or following[1].startswith("-"):
            return None
        _, value, span, start, text = following
    start += len(value) - len(value.lstrip("'\";"))
    value = value.strip("'\";")
    supplied = None if _RUNTIME_EXPANSION.search(value) else _from_file(value)
    if supplied is not None and _literal_secret(supplied) and not _CODE.search(supplied):
        return name, key, _within_scalar(ctx, span, text, start, len(value))
    return None


def _within_scalar(ctx: Context, span: Span, text: str, start: int, length: int) -> Span:
    """The span of ``text[start:start + length]`` when the one-line scalar at ``span`` holds ``text``
    verbatim (plain, or quoted without escapes); else the scalar's span."""
    line = _source_line(ctx, span)
    column = span.column - 1
    column += 1 if line[column : column + 1] in ("'", '"') else 0
    if span.end_line != span.line or not line.startswith(text, column):
        return span
    return Span(span.path, span.line, column + start + 1, span.line, column + start + 1 + length)


# The password runs to the last `@` of the authority, so a password holding an `@` is never shown;
# `/`, `?` and `#` end the authority (outside `${...}`), so `http://host:80/path?x=a@b` is no password.
# The look-behind and the bounded scheme keep the scan linear: otherwise a long run of letters is
# scanned again from each of its characters (quadratic on a 4 MB command).
_URL_CREDENTIALS = re.compile(
    r"(?<![A-Za-z0-9+.])(?P<scheme>[A-Za-z][A-Za-z0-9+.-]{0,31})://"
    r"(?P<user>[^/\s:@]*):(?P<password>(?:\$\{[^}\s]*\}|[^\s/?#])*?)"
    r"@(?P<host>[^\s/?#@,;'\"]*)(?=[\s/?#,;'\"]|$)"
)


def _literal_password(password: str) -> bool:
    """Whether the password part of a URL is written in the file (not supplied by a variable)."""
    supplied = _from_file(password)
    return supplied is not None and bool(supplied) and not _ESCAPED_REFERENCE.fullmatch(supplied)


def _written_strings(ctx: Context, node: YMap, key: str) -> Iterator[tuple[str, Span]]:
    """The strings of a command-like value (a string or a list) as written, with their spans."""
    if key not in node:
        return
    span = node.value_span(key)
    raw = _raw_at(ctx, span) if span.path in ctx.documents else None
    if isinstance(raw, str):
        yield raw, span
    elif isinstance(raw, YSeq):
        for item, item_span in raw.items_with_spans():
            if isinstance(item, str):
                yield item, item_span


class CredentialsInUrl(Rule):
    """A URL with a user and password is written in a service's configuration.

    ## What it does
    Reports `scheme://user:password@host` URLs whose password is written in the file, in environment
    values (including `env_file` files), `command`, `entrypoint` and `healthcheck.test`, at the value.
    A password supplied by a variable without a default (`postgres://app:${DB_PASSWORD}@db/app`) is
    fine; one with a literal default (`${PW:-hunter2}`, or a whole URL as a default) is reported. An
    `@` after the path (`https://host/notify?to=ops@example.com`) is no password. The password is
    never printed, not even in part. A URL written once (an anchor, an `extends` base) is reported
    once, naming every service that gets it.

    ## Why is this bad?
    Connection strings travel: into logs, error pages, `docker inspect` and version control. A
    password inside one is as exposed as a plain-text secret (CIS Docker Benchmark 4.10).

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.0
        environment:
          DATABASE_URL: postgres://app:hunter2@db:5432/app
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.0
        environment:
          DATABASE_URL: postgres://app:${DB_PASSWORD:?}@db:5432/app
    ```
    """

    id = "CL416"
    name = "credentials-in-url"
    severity = Severity.WARNING
    summary = "A URL with a password is written in the configuration"
    security_severity = 7.0

    def check(self, ctx: Context) -> Iterator[Violation]:
        # One finding per URL as written, naming every service that gets it (anchors, `extends`).
        found: dict[tuple[Span, int], tuple[str, str, list[str]]] = {}
        for service in ctx.project.services.values():
            texts = [
                (f"variable {key}", *_written_value(ctx, key, value, value_span, key_span))
                for key, value, value_span, key_span in _environment(service)
                if _may_hold_url(ctx, key, value, value_span)
            ]
            texts.extend(_command_texts(ctx, service))
            for where, text, span in texts:
                if "://" not in text:
                    continue
                for url in _URL_CREDENTIALS.finditer(text):
                    password = url.group("password")
                    if _literal_password(password):
                        how = (
                            "a literal default password"
                            if _ONLY_DEFAULT.fullmatch(password)
                            else "a password"
                        )
                        shown = f"{url.group('scheme')}://{url.group('user')}:***@{url.group('host')}"
                        entry = found.setdefault((span, url.start()), (where, f"{how} ({shown})", []))
                        entry[2].append(service.name)
        for (span, _), (where, what, names) in found.items():
            yield Violation(
                span,
                f"{_where(ctx, span, names)}: {where} holds a URL with {what}; take the password from a "
                "variable or a secret",
                names[0],
            )


RULES: tuple[type[Rule], ...] = (
    Privileged,
    EngineSocketMount,
    SensitiveHostMount,
    HostNamespace,
    SecurityProfileDisabled,
    NoNewPrivilegesDisabled,
    NoNewPrivilegesMissing,
    DangerousCapability,
    MissingCapDropAll,
    RootUser,
    WritableRootFilesystem,
    HostDevices,
    SharedMountPropagation,
    TmpfsExecSuid,
    PlaintextSecret,
    CredentialsInUrl,
    ApiSocket,
    CgroupParent,
    CapAddPresent,
    MissingSecurityOpt,
    SharedVolume,
)
