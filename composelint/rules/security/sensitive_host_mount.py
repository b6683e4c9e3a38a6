"""CL403 sensitive-host-mount: a service mounts a sensitive host path."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import ClassVar, NamedTuple

from composelint.compose.specs import clean_path
from composelint.finding import Severity, Violation
from composelint.rule import Context, Option, Rule
from composelint.rules.security.common import (
    DANGEROUS_DEVICE,
    INPUT_DEVICE,
    engine_socket,
    host_paths,
    subject,
    within,
)


def _same(path: str, directory: str) -> bool:
    return path.count("/") == directory.count("/") and within(path, directory)


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


_SHARED_TEMPORARY = {
    # Shared by every user and program of the host: a writable mount plants files and links that
    # host programs trust, and reads other users' temporary files.
    "/tmp": _Sensitivity(False, "the host's shared temporary directory, with other users' files and sockets"),
    "/var/tmp": _Sensitivity(False, "the host's shared temporary directory, with other users' files"),
    "/tmp/.X11-unix": _Sensitivity(False, "the host's X server sockets: every window and keystroke", True),
}


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
        if within(path, tree):
            return sensitivity
    if path in _SHARED_TEMPORARY:
        return _SHARED_TEMPORARY[path]
    for tree, what in {**_TREES_SYSTEM, **extra}.items():
        if within(path, tree):
            return _Sensitivity(False, what)
    return None


class SensitiveHostMount(Rule):
    """A service mounts a sensitive host path.

    ## What it does
    Reports bind mounts (short or long syntax) and `local` volumes bound to a host directory
    (`driver_opts` with `o: bind` and `device`, or a `mountpoint`) whose host path is sensitive,
    matched by path segment (`/etc/x` is inside `/etc`, `/etcetera` is not), after `..` is resolved:

    - **root-equivalent** paths: `/etc`, `/usr`, `/bin`, `/sbin`, `/lib*`, `/dev`, `/home`, `/root`,
      `/var/lib` themselves; `/proc`, `/sys`, `/boot`, `/lib/modules`, `/var/lib/docker`,
      `/var/lib/containerd`, `/etc/docker`, `/etc/ssh`, `/etc/systemd`, cron, sudo and PAM
      directories and everything in them; `/etc/passwd`, `/etc/shadow` and similar files. Reported as
      errors when writable, and read-only too where reading is enough (secrets and keys, sockets,
      `/proc`, `/sys`, `/dev`, `/boot`): not `/usr:ro`, `/etc/passwd:ro`. Single devices (`/dev/sda`,
      `/dev/input`) are `host-devices`' (CL412), as in `devices:`;
    - **less critical** system paths: anything else below `/etc`, `/usr`, `/bin`, `/sbin`, `/lib*` and
      `/var/log`, the shared temporary directories `/tmp` and `/var/tmp`, a user's home directory
      (`/home/<user>`, `~`), and the directories listed in the
      option `extra-paths`: reported as warnings when writable. A read-only `/etc/localtime`,
      `/etc/timezone` or `/etc/ssl/certs` is fine;
    - **credentials**: `.ssh`, `.aws`, `.kube`, `.docker`, `.gnupg`... directories anywhere, even
      read-only, as errors; the host's X server sockets (`/tmp/.X11-unix`: every window and
      keystroke of the desktop), even read-only, as errors.

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
        for host in host_paths(ctx):
            if engine_socket(host.path) is not None or any(within(host.path, a) for a in allowed):
                continue
            if DANGEROUS_DEVICE.fullmatch(host.path) or INPUT_DEVICE.fullmatch(host.path):
                continue  # a device node: host-devices judges it as it judges `devices:`
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
                f"{subject(host)} {host.shown}, {found.what} ({how})",
                host.service,
                # A writable system directory that is not root-equivalent is a lesser risk.
                None if found.critical or found.exposed_read_only else Severity.WARNING,
            )
