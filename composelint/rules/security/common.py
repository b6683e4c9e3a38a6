"""What several security rules share."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from composelint.compose.span import Span
from composelint.compose.specs import SpecError, clean_path, parse_volume
from composelint.compose.tree import IStr, YMap, YSeq
from composelint.project.model import Mount, Project, Service
from composelint.rule import Context

# ---------------------------------------------------------------------------------------------
# Values as written


def as_written(value: Any) -> str:
    """How an interpolated value was written, so the user sees which variable decided it."""
    if isinstance(value, IStr) and value.variables:
        return f" (written {value.template!r})"
    return ""


def raw_nodes(ctx: Context, path: str) -> dict[tuple[int, int], Any]:
    """Every sequence item and mapping value of a compose file as written (before interpolation and
    path resolution), by the position where it starts; built once per file and run."""
    return ctx.shared(f"security:raw:{path}", lambda: index_raw_nodes(ctx.documents.get(path) or ()))


def index_raw_nodes(documents: Sequence[YMap | None]) -> dict[tuple[int, int], Any]:
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


def raw_at(ctx: Context, span: Span) -> Any:
    return raw_nodes(ctx, span.path).get((span.line, span.column))


# ---------------------------------------------------------------------------------------------
# Host paths


def within(path: str, directory: str) -> bool:
    """Path-segment containment: /etc/x is within /etc, /etcetera is not; ``*`` matches one segment."""
    if directory == "/":
        return path.startswith("/")
    parts, base = path.split("/"), directory.split("/")
    return len(parts) >= len(base) and all(p == b or "*" in (p, b) for p, b in zip(parts, base, strict=False))


class HostPath(NamedTuple):
    """A host path a service mounts (or a top-level volume binds), as the rules judge it."""

    path: str  # absolute and clean; "~/..." when written relative to the home directory
    shown: str  # how the message shows it
    read_only: bool
    span: Span  # the source as written (the `source:` value, the short-syntax entry, the `device:`)
    service: str | None
    what: str  # "bind mount" or "volume <name>"


def judged_path(written: Any, resolved: str, project: Project) -> str | None:
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
        if home and home != "/" and within(path, clean_path(home)):
            return "~" + path[len(clean_path(home)) :]
        return None if within(path, clean_path(project.working_dir)) else path
    return None  # ./data, ../files, data/x, C:\\... : the project's own files


def written_mount_source(ctx: Context, mount: Mount) -> Any:
    raw = raw_at(ctx, mount.span)
    if isinstance(raw, YMap):
        return raw.get("source")
    if isinstance(raw, str):
        try:
            return parse_volume(raw).get("source")
        except SpecError:
            return None
    return None


def host_paths(ctx: Context) -> list[HostPath]:
    """Bind mounts of every service and `local` volumes bound to a host directory, once per run."""
    return ctx.shared("security:host-paths", lambda: find_host_paths(ctx))


def find_host_paths(ctx: Context) -> list[HostPath]:
    found: list[HostPath] = []
    project = ctx.project
    for service in project.services.values():
        for mount in service.mounts:
            if mount.type != "bind" or not mount.source or mount.unset:
                continue
            path = judged_path(written_mount_source(ctx, mount), mount.source, project)
            if path is not None:
                span = mount.config.value_span("source")
                shown = path + as_written(mount.source)
                found.append(HostPath(path, shown, mount.read_only, span, service.name, "bind mount"))
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
            path = judged_path(raw_at(ctx, span), value, project)
            if path is not None:
                what = f"volume {volume.name}"
                found.append(HostPath(path, path + as_written(value), "ro" in flags, span, None, what))
    return found


def subject(host: HostPath) -> str:
    return f"service {host.service} mounts" if host.service else f"{host.what} is bound to"


# Where container engines put their API sockets; `*` is a user id (rootless engines).
ENGINE_SOCKETS = (
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
    "/run/libvirt/libvirt-sock",
    "/var/run/libvirt/libvirt-sock",
)


SOCKET_NAMES = frozenset(
    {"docker.sock", "containerd.sock", "podman.sock", "crio.sock", "cri-dockerd.sock", "dockershim.sock"}
    | {"libvirt-sock"}  # libvirt starts virtual machines with any host disk or device attached
)


def engine_socket(path: str) -> str | None:
    """What a host path exposes of a container engine's API: the socket itself, or a directory that
    holds one (``/``, ``/run``, ``/var/run``, ``/var``...); None when neither."""
    name = path.rsplit("/", 1)[-1]
    if name == "libvirt-sock":
        return "libvirt's API socket, which starts virtual machines with host disks and devices"
    if name in SOCKET_NAMES:
        return "a container engine's API socket"
    held = next((socket for socket in ENGINE_SOCKETS if within(socket, path)), None)
    if held is None:
        return None
    where = "the host's whole filesystem" if path == "/" else "a host directory"
    return f"{where}, which holds the engine socket {held.replace('*', '<uid>')}"


# Devices that carry what is typed on and shown by the host: keyboards and mice, input injection,
# virtual consoles and their screens, the frame buffer.
INPUT_DEVICE = re.compile(r"/dev/(?:input(?:/.*)?|uinput|hidraw\d+|tty\d*|console|vcsa?\d*|fb\d+)")


DANGEROUS_DEVICE = re.compile(
    r"/dev/(?:mem|kmem|port|kmsg|(?:sd|hd|vd|xvd)[a-z]+\d*|nvme\d+(?:n\d+(?:p\d+)?)?|mmcblk\d+(?:p\d+)?"
    r"|md\d*|md/.+|dm-\d+|mapper/.+|loop\d*|loop-control|disk/.+|block/.+|sr\d+|zfs|nbd\d+|rbd\d+"
    r"|bcache\d+|cpu/.+|mtd\d*|raw/.+)"
)


GO_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})


GO_FALSE = frozenset({"0", "f", "F", "FALSE", "false", "False"})


def security_options(service: Service) -> Iterator[tuple[str, str, str, Span]]:
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


def no_new_privileges(service: Service) -> tuple[bool | None, Span | None, str]:
    """Whether `security_opt` sets no-new-privileges (None: it does not say), where, and the entry."""
    setting: tuple[bool | None, Span | None, str] = (None, None, "")
    for key, value, entry, span in security_options(service):
        if key == "no-new-privileges" and (value in GO_TRUE or value in GO_FALSE):
            setting = (value in GO_TRUE, span, entry)  # Docker keeps the last one
    return setting


def capability_name(name: str) -> str:
    """`cap_sys_admin`, `CAP_SYS_ADMIN` and `SYS_ADMIN` are the same capability to Docker; only `ALL`
    means all of them (Docker refuses `CAP_ALL` as an unknown capability)."""
    upper = name.strip().upper()
    return upper if upper == "CAP_ALL" else upper.removeprefix("CAP_")


def capabilities(service: Service, key: str) -> Iterator[tuple[str, str, Span]]:
    node = service.config.get(key)
    if isinstance(node, YSeq):
        for entry, span in node.items_with_spans():
            if isinstance(entry, str):
                yield capability_name(entry), entry, span


ONLY_DEFAULT = re.compile(r"\$\{(?P<name>[_A-Za-z][_A-Za-z0-9]*):?-(?P<default>.*)\}")


VARIABLE = re.compile(r"\$(?:\{|[_A-Za-z])")


ESCAPED_REFERENCE = re.compile(r"\$\$(?:[_A-Za-z][_A-Za-z0-9]*|\{[^}]*\})")


def source_lines(ctx: Context, path: str) -> list[str]:
    # Split once per file: a file can have 60,000 values on one line.
    lines: list[str] = ctx.shared(f"lines:{path}", lambda: (ctx.sources.get(path) or "").splitlines())
    return lines


def source_line(ctx: Context, span: Span) -> str:
    lines = source_lines(ctx, span.path)
    return lines[span.line - 1] if 0 < span.line <= len(lines) else ""


def written_value(ctx: Context, key: str, value: str, span: Span, key_span: Span) -> tuple[str, Span]:
    """An environment value as the user wrote it (before interpolation), and where: the YAML value,
    the part after ``KEY=`` of a list item (``key_span == span`` there), or the value of an env_file
    line, whose span the loader puts at the key."""
    line = source_line(ctx, span)
    if span.path not in ctx.documents:
        return env_file_value(line, key, span) or (value, span)
    raw = raw_at(ctx, span)
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


ENV_FILE_ASSIGNMENT = re.compile(r"\s*[=:][ \t]*")


def env_file_value(line: str, key: str, span: Span) -> tuple[str, Span] | None:
    """The value of an env_file line as written (quotes removed, a trailing comment cut) and its span.
    A single-quoted value is taken literally, so its ``$`` is returned escaped."""
    start = span.column - 1 + len(key)
    separator = ENV_FILE_ASSIGNMENT.match(line, start)
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


def from_file(written: str) -> str | None:
    """The part of a value that the file itself supplies: all of it when it uses no variable (``$$``
    is an escaped dollar), the default of a lone ``${VAR:-default}`` (nested defaults followed); None
    when variables supply it."""
    if not VARIABLE.search(written.replace("$$", "")):
        return written
    matched = ONLY_DEFAULT.fullmatch(written)
    return from_file(matched.group("default")) if matched is not None else None


def environment(service: Service) -> Iterator[tuple[str, str, Span, Span]]:
    """(name, value, value span, key span) of each variable of a service's environment that has a value."""
    node = service.config.get("environment")
    if isinstance(node, YMap):
        for key, value, key_span, span in node.items_with_spans():
            if isinstance(value, str) and value:
                yield key, value, span, key_span


def naming_services(names: list[str]) -> str:
    if len(names) == 1:
        return f"service {names[0]}"
    return f"services {', '.join(names[:-1])} and {names[-1]}"


def who_sets(ctx: Context, span: Span, names: list[str]) -> str:
    """Who sets a value written once (an anchor, an `extends` base and env files serve several)."""
    if span.path in ctx.documents:
        return naming_services(names)
    return f"env file {span.path.rsplit('/', 1)[-1]} of {naming_services(names)}"


def command_texts(ctx: Context, service: Service) -> list[tuple[str, str, Span]]:
    """(key, string as written, span) of a service's `command`, `entrypoint` and `healthcheck.test`;
    found once per project for the rules that read them (which do not change the list)."""
    return ctx.shared(f"security:commands:{service.name}", lambda: find_command_texts(ctx, service))


def find_command_texts(ctx: Context, service: Service) -> list[tuple[str, str, Span]]:
    texts = [
        (key, text, span)
        for key in ("command", "entrypoint")
        for text, span in written_strings(ctx, service.config, key)
    ]
    healthcheck = service.config.get("healthcheck")
    if isinstance(healthcheck, YMap):
        texts.extend(
            ("healthcheck test", text, span) for text, span in written_strings(ctx, healthcheck, "test")
        )
    return texts


def written_strings(ctx: Context, node: YMap, key: str) -> Iterator[tuple[str, Span]]:
    """The strings of a command-like value (a string or a list) as written, with their spans."""
    if key not in node:
        return
    span = node.value_span(key)
    raw = raw_at(ctx, span) if span.path in ctx.documents else None
    if isinstance(raw, str):
        yield raw, span
    elif isinstance(raw, YSeq):
        for item, item_span in raw.items_with_spans():
            if isinstance(item, str):
                yield item, item_span
