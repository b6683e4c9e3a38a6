"""Short port and volume syntax turned into the long syntax Docker Compose prints.

Everything here is a pure function over strings. The behaviour follows Docker Compose 2.40.3, which
bundles compose-go v2.9.1 (``format/volume.go``, ``types.ParsePortConfig``, ``override/uncity.go``)
and go-connections v0.6.0 (``nat.ParsePortSpec``). Each quirk kept below was checked against the
binary: ``docker compose config --format json`` prints exactly the dicts these functions return.

Sources of bind mounts are returned as written: Compose resolves ``~`` and relative paths later,
against the project directory, and that is the caller's job.
"""

from __future__ import annotations

import ipaddress
import re

__all__ = [
    "SpecError",
    "clean_path",
    "is_loopback",
    "is_valid_ip",
    "is_wildcard",
    "parse_port",
    "parse_port_range",
    "parse_volume",
    "port_key",
    "volume_key",
]


class SpecError(ValueError):
    """A short-syntax value Compose rejects; the message is worded as Compose words it."""


# ---------------------------------------------------------------------------------------------
# Ports
# ---------------------------------------------------------------------------------------------

_PROTOCOLS = frozenset({"tcp", "udp", "sctp"})
_UINT16_MAX = 65535
_ASCII_DIGITS = frozenset("0123456789")


def _parse_uint16(text: str) -> int:
    # Go's strconv.ParseUint(text, 10, 16): ASCII digits only (no sign, no "_", no Unicode digits,
    # which Python's int() would accept), leading zeros allowed.
    if not text or not _ASCII_DIGITS.issuperset(text):
        raise SpecError(f'strconv.ParseUint: parsing "{text}": invalid syntax')
    number = int(text)
    if number > _UINT16_MAX:
        raise SpecError(f'strconv.ParseUint: parsing "{text}": value out of range')
    return number


def parse_port_range(text: str) -> tuple[int, int]:
    """Parse ``"8000-9000"`` or ``"80"`` into ``(start, end)`` as go-connections ``ParsePortRange`` does.

    Only the first two ``-`` fields count: ``"1-2-3"`` is ``(1, 2)``, as in Compose.
    """
    if text == "":
        raise SpecError("empty string specified for ports")
    if "-" not in text:
        port = _parse_uint16(text)
        return port, port
    fields = text.split("-")
    start = _parse_uint16(fields[0])
    end = _parse_uint16(fields[1])
    if end < start:
        raise SpecError(f"invalid range specified for port: {text}")
    return start, end


def _ip_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    # Go's net.ParseIP refuses zones ("fe80::1%eth0") but Python's IPv6Address accepts them. Both
    # refuse IPv4 octets with leading zeros and hextets longer than 4 digits; the binary test
    # cross-checks the cases that matter.
    if not text or "%" in text:
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def is_valid_ip(text: str) -> bool:
    """Whether Go's ``net.ParseIP`` accepts ``text``: IPv4, IPv6, IPv4-mapped; no brackets, no zone."""
    return _ip_address(text) is not None


def _as_ipv4(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    # Go's IP.To4() view: an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address.
    address = _ip_address(text)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_loopback(host_ip: str) -> bool:
    """Whether a port binds to loopback only: 127.0.0.0/8, ``::1``, ``::ffff:127.x.x.x`` (Go ``IsLoopback``).

    An invalid address is not loopback.
    """
    address = _as_ipv4(host_ip)
    return address is not None and address.is_loopback


def is_wildcard(host_ip: str) -> bool:
    """Whether a port binds to every interface: ``""`` (no host IP), ``0.0.0.0``, ``::``, ``::ffff:0.0.0.0``.

    ``""`` counts because an entry without ``host_ip`` is published on all interfaces.
    """
    if host_ip == "":
        return True
    address = _as_ipv4(host_ip)
    return address is not None and address.is_unspecified


def _split_parts(spec: str) -> tuple[str, str, str]:
    # [[IP:]HOST:]CONTAINER. With more than 3 fields the IP is everything but the last two, which is
    # why unbracketed IPv6 ("::1:6000:6000") works in go-connections v0.6.0.
    fields = spec.split(":")
    if len(fields) == 1:
        return "", "", fields[0]
    if len(fields) == 2:
        return "", fields[0], fields[1]
    return ":".join(fields[:-2]), fields[-2], fields[-1]


def _strip_brackets(ip: str) -> str:
    # go-connections passes "[...]" through net.SplitHostPort(ip + ":"); replicate its checks and its
    # error text ("address <hostport>: <why>") so messages match Compose's.
    hostport = ip + ":"
    last_colon = len(hostport) - 1
    end = hostport.find("]")
    if end < 0:
        why = "missing ']' in address"
    elif end + 1 != last_colon:
        why = "too many colons in address" if hostport[end + 1] == ":" else "missing port in address"
    elif "[" in hostport[1:]:
        why = "unexpected '[' in address"
    elif "]" in hostport[end + 1 :]:
        why = "unexpected ']' in address"
    else:
        return hostport[1:end]
    raise SpecError(f"invalid IP address {ip}: address {hostport}: {why}")


def _go_type_name(value: object) -> str:
    # For "invalid type %T" messages: the Go type go-yaml would have produced.
    if isinstance(value, dict):
        return "map[string]interface {}"
    names = {bool: "bool", int: "int", float: "float64", str: "string", list: "[]interface {}"}
    return names.get(type(value), type(value).__name__)


class RangeTooLarge(Exception):
    """A port range that expands to more mappings than the caller allows (see ``parse_port``)."""


def parse_port(value: str | int, max_mappings: int | None = None) -> list[dict[str, object]]:
    """Expand one short-syntax ``ports`` entry into the long-syntax dicts Compose prints.

    ``[[IP:][HOST[-HOST_END]]:]CONTAINER[-CONTAINER_END][/PROTO]``; an int entry is read as its
    decimal string. Each dict has the keys, in Compose's order, ``mode``, ``host_ip`` (only when
    set), ``target``, ``published`` (only when set; may be a range such as ``"8000-9000"``) and
    ``protocol``.

    The dicts of ONE entry come sorted by ``"<target>/<protocol>"`` compared as strings (so
    ``"8-10"`` gives 10, 8, 9), as compose-go sorts them. Do not sort across entries: Compose keeps
    the list order and then removes duplicates with :func:`port_key`.

    A container port 0 (``"0"``, ``"0-1"``) leaves ``target`` out, as Compose's canonical map does;
    :func:`port_key` then raises Compose's ``is missing a target port`` error.

    A range of more than ``max_mappings`` ports raises ``RangeTooLarge`` before it is expanded.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise SpecError(f"invalid type {_go_type_name(value)} for port")
    spec = str(value)  # compose-go formats an int entry with fmt.Sprint and parses the text
    ip, host_port, container_port = _split_parts(spec)
    container_port, _, protocol = container_port.partition("/")
    if container_port == "":
        protocol = ""  # go-connections: no port means no protocol, so "invalid proto: " below
    elif protocol == "":
        protocol = "tcp"
    protocol = protocol.lower()
    if protocol not in _PROTOCOLS:
        raise SpecError(f"invalid proto: {protocol}")
    if ip.startswith("["):
        ip = _strip_brackets(ip)
    if ip != "" and not is_valid_ip(ip):
        raise SpecError(f"invalid IP address: {ip}")

    try:
        start, end = parse_port_range(container_port)
    except SpecError:
        raise SpecError(f"invalid containerPort: {container_port}") from None
    host_start = host_end = 0
    if host_port != "":
        try:
            host_start, host_end = parse_port_range(host_port)
        except SpecError:
            raise SpecError(f"invalid hostPort: {host_port}") from None
        # A host range with a single container port is allowed: the engine picks one free host
        # port in it. Otherwise both ranges must have the same length.
        if end - start != host_end - host_start and end != start:
            raise SpecError(
                f"invalid ranges specified for container and host Ports: {container_port} and {host_port}"
            )

    count = end - start + 1
    if max_mappings is not None and count > max(max_mappings, 1):
        raise RangeTooLarge(count)
    mappings: list[tuple[str, dict[str, object]]] = []
    for offset in range(count):
        mapping: dict[str, object] = {"mode": "ingress"}
        if ip:
            mapping["host_ip"] = ip
        target = start + offset
        if target:  # Compose drops zero values (omitempty) from its canonical map
            mapping["target"] = target
        if host_port != "":
            published = str(host_start + offset)  # normalized: "080" is published as "80"
            if count == 1 and host_start != host_end:
                published += f"-{host_end}"
            mapping["published"] = published
        mapping["protocol"] = protocol
        mappings.append((f"{target}/{protocol}", mapping))
    mappings.sort(key=lambda item: item[0])
    return [mapping for _, mapping in mappings]


def _go_sprint(value: object, verb: str) -> str:
    # Go's fmt for the two verbs portIndexer uses. A value of the wrong type prints as
    # "%!verb(type=value)", which is part of the key: a long-syntax int `published` (8080) and a
    # string one ("8080") give different keys, so Compose keeps both entries.
    if value is None:
        return f"%!{verb}(<nil>)"
    if verb == "s" and isinstance(value, str):
        return value
    if verb == "d" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, bool):
        rendered = "true" if value else "false"
    elif isinstance(value, float):
        rendered = repr(value)  # close to Go's %v; floats fail the schema before this anyway
    else:
        rendered = str(value)
    return f"%!{verb}({_go_type_name(value)}={rendered})"


def port_key(port: dict[str, object], path: str = "") -> str:
    """Compose's unicity key for a ports entry in long syntax (a dict from :func:`parse_port`, or
    a long-syntax mapping after interpolation, where Compose has already cast ``target`` to int).

    The key is ``"<host_ip>:<published>:<target>/<protocol>"`` formatted with Go's ``%s``/``%d``:
    a missing ``host_ip`` is ``0.0.0.0`` and a missing ``protocol`` is ``tcp``, so ``"8080:80"`` and
    ``"0.0.0.0:8080:80"`` collide; a missing ``published`` prints ``%!s(<nil>)``. A later entry with
    the same key replaces the earlier one in place. ``path`` (``services.web.ports.[0]``) is only
    used in the error for a missing ``target``.
    """
    if "target" not in port:
        raise SpecError(f"service ports {path} is missing a target port")
    host = port.get("host_ip", "0.0.0.0")
    published = port.get("published")
    protocol = port.get("protocol", "tcp")
    return (
        f"{_go_sprint(host, 's')}:{_go_sprint(published, 's')}:"
        f"{_go_sprint(port['target'], 'd')}/{_go_sprint(protocol, 's')}"
    )


# ---------------------------------------------------------------------------------------------
# Volumes
# ---------------------------------------------------------------------------------------------

_END_OF_SPEC = "\0"  # compose-go appends NUL as a sentinel, so a NUL inside the spec ends a field too
_PROPAGATIONS = frozenset({"rprivate", "private", "rshared", "shared", "rslave", "slave"})
_SELINUX = frozenset({"z", "Z"})


def clean_path(p: str) -> str:
    """Go's ``path.Clean``: slash-separated, lexical only (``"/data/"`` → ``"/data"``, ``""`` → ``"."``).

    Unlike ``posixpath.normpath`` it turns a leading ``//`` into ``/``.
    """
    if p == "":
        return "."
    rooted = p.startswith("/")
    kept: list[str] = []
    for element in p.split("/"):
        if element in ("", "."):
            continue
        if element == "..":
            if kept and kept[-1] != "..":
                kept.pop()
            elif not rooted:
                kept.append("..")  # a relative path keeps the ".." it cannot resolve
            continue
        kept.append(element)
    cleaned = "/".join(kept)
    if rooted:
        return "/" + cleaned
    return cleaned or "."


def _is_windows_drive(buffer: list[str], char: str) -> bool:
    # A single letter followed by ":" is a drive ("C:"), not a separator. Python's isalpha() and
    # Go's unicode.IsLetter both mean the Unicode L* categories.
    return char == ":" and len(buffer) == 1 and buffer[0].isalpha()


def _is_file_path(source: str) -> bool:
    # What makes a short-syntax source a bind mount rather than a named volume: ".", "/", "~",
    # "\\" (Windows pipe or UNC) or a drive letter. "foo/bar" is therefore a volume named foo/bar.
    if source == "":
        return False
    if source[0] in "./~" or source.startswith("\\\\"):
        return True
    return len(source) > 1 and source[0].isalpha() and source[1] == ":"


class _Volume:
    """The fields compose-go fills while it scans a short volume spec."""

    def __init__(self) -> None:
        self.source = ""
        self.target = ""
        self.read_only = False
        self.has_bind = False  # a bind option (propagation, SELinux label) was given
        self.selinux = ""
        self.propagation = ""
        self.nocopy = False

    def fill(self, char: str, text: str) -> str | None:
        """Store one field; return the error text, if any."""
        if text == "":
            return "empty section between colons"
        if self.source == "" and char == _END_OF_SPEC:
            self.target = text  # a single field is an anonymous volume's target
        elif self.source == "":
            self.source = text
        elif self.target == "":
            self.target = text
        elif char == ":":
            return "too many colons"
        else:
            self.apply_options(text)
        return None

    def apply_options(self, text: str) -> None:
        # Applied left to right ("ro,rw" is read-write); unknown options are ignored, as in Compose.
        for option in text.split(","):
            if option == "ro":
                self.read_only = True
            elif option == "rw":
                self.read_only = False
            elif option == "nocopy":
                self.nocopy = True
            elif option in _PROPAGATIONS:
                self.has_bind = True
                self.propagation = option
            elif option in _SELINUX:
                self.has_bind = True
                self.selinux = option

    def as_dict(self) -> dict[str, object]:
        is_bind = _is_file_path(self.source)
        result: dict[str, object] = {"type": "bind" if is_bind else "volume"}
        if self.source:
            result["source"] = self.source
        if self.target:
            result["target"] = clean_path(self.target)
        if self.read_only:
            result["read_only"] = True
        # Bind options given on a named volume ("data:/x:z") are kept, without create_host_path,
        # as Compose prints them; short-syntax binds always create a missing host path (legacy
        # docker-compose behaviour).
        if is_bind or self.has_bind:
            bind: dict[str, object] = {}
            if self.selinux:
                bind["selinux"] = self.selinux
            if self.propagation:
                bind["propagation"] = self.propagation
            if is_bind:
                bind["create_host_path"] = True
            result["bind"] = bind
        # compose-go gives every named or anonymous volume a (possibly empty) volume map; a bind
        # only gets one from "nocopy".
        if self.nocopy:
            result["volume"] = {"nocopy": True}
        elif not is_bind:
            result["volume"] = {}
        return result


def parse_volume(value: str) -> dict[str, object]:
    """Turn one short-syntax service ``volumes`` entry into the long-syntax dict Compose prints.

    ``[SOURCE:]TARGET[:OPTIONS]``. Keys, in Compose's order: ``type`` (``bind``/``volume``),
    ``source`` (as written: the caller resolves relative paths and ``~``), ``target`` (cleaned
    with :func:`clean_path`), ``read_only`` (only when true), ``bind`` (``selinux``,
    ``propagation``, ``create_host_path``) and ``volume`` (``{}`` or ``{"nocopy": True}``).

    Colons inside ``${...}`` do not split (such text only survives interpolation as ``$${...}``).
    A spec of 1 or 2 bytes is a bare target and gets no ``volume`` map. An unterminated ``${``
    swallows the rest, which can leave ``target`` out: :func:`volume_key` then raises Compose's
    ``is missing a mount target`` error.
    """
    if not isinstance(value, str):
        raise SpecError(f"invalid type {_go_type_name(value)} for service volume mount")
    size = len(value.encode("utf-8", "surrogatepass"))  # compose-go measures bytes, not characters
    if size == 0:
        raise SpecError("invalid empty volume spec")
    if size <= 2:
        return {"type": "volume", "target": clean_path(value)}

    volume = _Volume()
    if "$" not in value and _END_OF_SPEC not in value:
        return _fill_fields(volume, value)
    buffer: list[str] = []
    depth = 0  # nesting of ${...}
    for index, char in enumerate(value + _END_OF_SPEC):
        if char == "$" and index + 1 < len(value) and value[index + 1] == "{":
            depth += 1
            buffer.append(char)
        elif char == "}" and depth > 0:
            depth -= 1
            buffer.append(char)
        elif _is_windows_drive(buffer, char):
            buffer.append(char)
        elif char in (":", _END_OF_SPEC) and depth == 0:
            error = volume.fill(char, "".join(buffer))
            if error is not None:
                raise SpecError(f"invalid spec: {value}: {error}")
            buffer = []
        else:
            buffer.append(char)
    return volume.as_dict()


def _fill_fields(volume: _Volume, value: str) -> dict[str, object]:
    """``parse_volume`` for a spec without ``${`` or NUL: the same fields, found by splitting at colons."""
    parts = value.split(":")
    last = len(parts) - 1
    index = 0
    while index <= last:
        text = parts[index]
        # A field of one letter before a colon is a drive ("C:"): it and the next part are one field.
        if index < last and len(text) == 1 and text.isalpha():
            index += 1
            text = f"{text}:{parts[index]}"
        error = volume.fill(":" if index < last else _END_OF_SPEC, text)
        if error is not None:
            raise SpecError(f"invalid spec: {value}: {error}")
        index += 1
    return volume.as_dict()


def volume_key(volume: dict[str, object], path: str = "") -> str:
    """Compose's unicity key for a service volume in long syntax: its ``target``.

    Raises Compose's error when ``target`` is missing or not a string; ``path``
    (``services.web.volumes.[0]``) is only used in that message.
    """
    target = volume.get("target")
    if not isinstance(target, str):
        raise SpecError(f"service volume {path} is missing a mount target")
    return target


# ---------------------------------------------------------------------------------------------
# Commands, durations, sizes: the strings compose-go decodes into typed fields
# ---------------------------------------------------------------------------------------------

_SHELL_SPACE = frozenset(" \t\r\n")
_SHELL_STOP = frozenset(";&|<>")


def split_command(line: str) -> list[str]:
    """Split a ``command``/``entrypoint`` string as go-shellwords v1.0.12 ``Parse`` does for Compose.

    Not a shell: quotes and backslashes group words, ``$VAR`` and backticks are kept as text, and
    the first unquoted ``;``, ``&``, ``|``, ``<`` or ``>`` ends the command, silently (``echo a &&
    echo b`` runs ``echo a``). An unbalanced quote or parenthesis raises Compose's error.
    """
    args: list[str] = []
    buf: list[str] = []
    escaped = double = single = backquote = dollar = False
    got = False  # a word has started (possibly empty: "")
    for char in line:
        if escaped:
            buf.append(char)
            escaped = False
            got = True
            continue
        if char == "\\":
            if single:
                buf.append(char)
            else:
                escaped = True
            continue
        if char in _SHELL_SPACE:
            if single or double or backquote or dollar:
                buf.append(char)
            elif got:
                args.append("".join(buf))
                buf = []
                got = False
            continue
        if char == "`" and not (single or double or dollar):
            backquote = not backquote
        elif char == ")" and not (single or double or backquote):
            dollar = not dollar
        elif char == "(" and not (single or double or backquote):
            if dollar or not buf or buf[-1] != "$":
                raise SpecError("invalid command line string")
            dollar = True
        elif char == '"' and not (single or dollar):
            got = got or double
            double = not double
            continue
        elif char == "'" and not (double or dollar):
            got = got or single
            single = not single
            continue
        elif char in _SHELL_STOP and not (single or double or backquote or dollar):
            # go-shellwords stops here; a "2>" redirection also drops the "2" word.
            if char == ">" and buf and buf[0] in _ASCII_DIGITS:
                got = False
            break
        got = True
        buf.append(char)
    if got:
        args.append("".join(buf))
    if escaped or single or double or backquote or dollar:
        raise SpecError("invalid command line string")
    return args


_NANOSECONDS = {
    "ns": 1,
    "us": 10**3,
    "\u00b5s": 10**3,  # micro sign
    "\u03bcs": 10**3,  # Greek mu
    "ms": 10**6,
    "s": 10**9,
    "m": 60 * 10**9,
    "h": 3600 * 10**9,
    "d": 86400 * 10**9,
    "w": 7 * 86400 * 10**9,
}
_DURATION_PART = re.compile(r"([0-9]*)(?:\.([0-9]*))?([^0-9.]*)")
_INT64_MAX = 2**63 - 1


def parse_duration(text: str) -> int:
    """Nanoseconds of a duration (``"1m30s"``, ``"1.5h"``, ``"2d"``), as go-str2duration v2.1.0 parses
    Compose's ``Duration`` fields; raises Go's error text for anything else."""
    rest = text[1:] if text[:1] in ("-", "+") else text
    if rest == "0":
        return 0
    if rest == "":
        raise SpecError(f'time: invalid duration "{text}"')
    total = 0
    while rest:
        match = _DURATION_PART.match(rest)
        assert match is not None  # every group may be empty
        whole, fraction, unit = match.groups()
        if not whole and not fraction:
            raise SpecError(f'time: invalid duration "{text}"')
        if not unit:
            raise SpecError(f'time: missing unit in duration "{text}"')
        if unit not in _NANOSECONDS:
            raise SpecError(f'time: unknown unit "{unit}" in duration "{text}"')
        scale = _NANOSECONDS[unit]
        value = int(whole or "0") * scale
        if fraction:
            value += int(int(fraction[:18]) * (scale / 10 ** len(fraction[:18])))
        total += value
        if total > _INT64_MAX:
            raise SpecError(f'time: invalid duration "{text}"')
        rest = rest[match.end() :]
    return -total if text.startswith("-") else total


def format_duration(nanoseconds: int) -> str:
    """Go's ``time.Duration.String()``: ``1m30s``, ``2m0s``, ``1h0m0s``, ``1.5s``, ``500ms``, ``0s``."""
    sign = "-" if nanoseconds < 0 else ""
    value = abs(nanoseconds)
    if value == 0:
        return "0s"
    if value < 10**9:
        for limit, precision, unit in ((10**3, 0, "ns"), (10**6, 3, "\u00b5s"), (10**9, 6, "ms")):
            if value < limit:
                return f"{sign}{_fraction(value, precision)}{unit}"
    seconds = _fraction(value, 9)
    minutes, whole_seconds = divmod(value // 10**9, 60)
    seconds = str(whole_seconds) + seconds[len(str(value // 10**9)) :]
    if minutes == 0:
        return f"{sign}{seconds}s"
    hours, minutes = divmod(minutes, 60)
    if hours == 0:
        return f"{sign}{minutes}m{seconds}s"
    return f"{sign}{hours}h{minutes}m{seconds}s"


def _fraction(value: int, precision: int) -> str:
    # value / 10**precision, trailing zeros of the fraction (and a bare ".") dropped.
    whole, part = divmod(value, 10**precision)
    digits = str(part).rjust(precision, "0").rstrip("0") if precision else ""
    return f"{whole}.{digits}" if digits else str(whole)


_GO_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_GO_HEX_FLOAT = re.compile(r"[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?[0-9]+")
_GO_SPECIAL_FLOAT = re.compile(r"[+-]?(?:inf|infinity|nan)", re.IGNORECASE)


def go_parse_float(text: str) -> float:
    """Go's ``strconv.ParseFloat(text, 64)``: no spaces or ``_`` (Python's ``float()`` takes both)."""
    if _GO_DECIMAL.fullmatch(text) or _GO_SPECIAL_FLOAT.fullmatch(text):
        return float(text)
    if _GO_HEX_FLOAT.fullmatch(text):
        return float.fromhex(text)
    raise SpecError(f'strconv.ParseFloat: parsing "{text}": invalid syntax')


_BINARY_UNITS = {"k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40, "p": 2**50}


def parse_bytes(text: str) -> int:
    """go-units ``RAMInBytes`` (v0.5.0), as Compose reads memory sizes: ``"512m"``, ``"1.5GiB"``, ``"64 kb"``."""
    separator = max(text.rfind(c) for c in "0123456789. ")
    if separator == -1:
        raise SpecError(f"invalid size: '{text}'")
    number = text[:separator] if text[separator] == " " else text[: separator + 1]
    suffix = text[separator + 1 :]
    size = go_parse_float(number)
    if size < 0:
        raise SpecError(f"invalid size: '{text}'")
    if not suffix:
        return int(size)
    lowered = suffix.lower()
    if len(lowered) <= 3 and lowered == "b":
        return int(size)
    if len(lowered) <= 3 and lowered[0] in _BINARY_UNITS and lowered[1:] in ("", "b", "ib"):
        return int(size * _BINARY_UNITS[lowered[0]])
    raise SpecError(f"invalid suffix: '{lowered if len(suffix) <= 3 else suffix}'")
