"""Tests for composelint.compose.specs: short port/volume syntax → Compose's long syntax.

Every expected value below was printed by Docker Compose 2.40.3 (compose-go v2.9.1, go-connections
v0.6.0) with ``docker compose config --format json``; the ``*_binary_*`` tests rerun the binary on
the same inputs when it is installed.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from composelint.compose.specs import (
    SpecError,
    clean_path,
    is_loopback,
    is_valid_ip,
    is_wildcard,
    parse_port,
    parse_port_range,
    parse_volume,
    port_key,
    volume_key,
)


def _port(
    target: int, published: str | None = None, host_ip: str | None = None, protocol: str = "tcp"
) -> dict[str, object]:
    # Key order as Compose prints it: mode, host_ip, target, published, protocol.
    port: dict[str, object] = {"mode": "ingress"}
    if host_ip is not None:
        port["host_ip"] = host_ip
    port["target"] = target
    if published is not None:
        port["published"] = published
    port["protocol"] = protocol
    return port


# Confirmed on docker compose 2.40.3.
PORT_CASES: list[tuple[str | int, list[dict[str, object]]]] = [
    ("80", [_port(80)]),
    ("8080:80", [_port(80, "8080")]),
    ("127.0.0.1:8080:80", [_port(80, "8080", "127.0.0.1")]),
    ("127.0.0.1::80", [_port(80, host_ip="127.0.0.1")]),
    ("[::1]:80:80", [_port(80, "80", "::1")]),
    ("[2001:db8::1]::333", [_port(333, host_ip="2001:db8::1")]),
    ("[::1]::80", [_port(80, host_ip="::1")]),
    ("[1.2.3.4]:80:80", [_port(80, "80", "1.2.3.4")]),
    ("[]:80:80", [_port(80, "80")]),  # empty brackets: no host IP at all
    # Unbracketed IPv6 works in go-connections v0.6.0: the IP is everything but the last 2 fields.
    ("::1:6000:6000", [_port(6000, "6000", "::1")]),
    ("fe80::1:80:80", [_port(80, "80", "fe80::1")]),
    ("::ffff:1.2.3.4:80:80", [_port(80, "80", "::ffff:1.2.3.4")]),
    ("[::ffff:1.2.3.4]:80:80", [_port(80, "80", "::ffff:1.2.3.4")]),
    ("0:0:0:0:0:0:0:0:80:80", [_port(80, "80", "0:0:0:0:0:0:0:0")]),  # printed as written
    ("::1.2.3.4:80:80", [_port(80, "80", "::1.2.3.4")]),
    ("1:2:3:4:5:6:7:::80:80", [_port(80, "80", "1:2:3:4:5:6:7::")]),
    ("1:2:3:4:5:6:7:8:80:80", [_port(80, "80", "1:2:3:4:5:6:7:8")]),
    ("0.0.0.0:80:80", [_port(80, "80", "0.0.0.0")]),
    (":80", [_port(80)]),
    ("8000-8002:80-82", [_port(80, "8000"), _port(81, "8001"), _port(82, "8002")]),
    ("8080-8082:80-82/udp", [_port(p, str(p + 8000), protocol="udp") for p in (80, 81, 82)]),
    ("[::1]:8000-8001:80-81/udp", [_port(80, "8000", "::1", "udp"), _port(81, "8001", "::1", "udp")]),
    ("8000-9000:80", [_port(80, "8000-9000")]),  # ONE mapping; the engine picks a free host port
    ("8000-9000:80-80", [_port(80, "8000-9000")]),
    ("80-80:8080", [_port(8080, "80")]),
    ("80-82:80-82", [_port(80, "80"), _port(81, "81"), _port(82, "82")]),
    ("3000-3005", [_port(p) for p in range(3000, 3006)]),
    ("1.2.3.4::80-81", [_port(80, host_ip="1.2.3.4"), _port(81, host_ip="1.2.3.4")]),
    ("53:53/udp", [_port(53, "53", protocol="udp")]),
    ("9090:9090/SCTP", [_port(9090, "9090", protocol="sctp")]),
    ("80:80/Udp", [_port(80, "80", protocol="udp")]),
    ("80/TCP", [_port(80)]),
    ("80/", [_port(80)]),  # an empty protocol means tcp
    ("080", [_port(80)]),  # leading zeros are fine (ParseUint)
    ("080:080", [_port(80, "80")]),  # and published is re-formatted
    ("65535", [_port(65535)]),
    ("80-80", [_port(80)]),
    ("1-2-3", [_port(1), _port(2)]),  # only the first two "-" fields count
    (8080, [_port(8080)]),  # int entries are parsed as their decimal text
    # Within ONE entry, mappings are sorted by "<port>/<proto>" as strings.
    ("8-10:8-10", [_port(10, "10"), _port(8, "8"), _port(9, "9")]),
    ("9-11", [_port(10), _port(11), _port(9)]),
    ("98-101:98-101/udp", [_port(p, str(p), protocol="udp") for p in (100, 101, 98, 99)]),
]

# Confirmed on docker compose 2.40.3 (the whole stderr line).
PORT_ERRORS: list[tuple[str | int, str]] = [
    ("127.0.1:8080:80", "invalid IP address: 127.0.1"),
    ("localhost:80:80", "invalid IP address: localhost"),
    ("a:b:c:d:80", "invalid IP address: a:b:c"),
    ("1.2.3.04:80:80", "invalid IP address: 1.2.3.04"),
    ("1::2::3:80:80", "invalid IP address: 1::2::3"),
    ("12345:::80:80", "invalid IP address: 12345::"),
    ("::ffff:01.2.3.4:80:80", "invalid IP address: ::ffff:01.2.3.4"),
    ("[fe80::1%eth0]:80:80", "invalid IP address: fe80::1%eth0"),
    ("[::1]:80", "invalid IP address [:: address [::: missing ']' in address"),
    ("[::1", "invalid IP address [: address [:: missing ']' in address"),
    ("[::1:80:80", "invalid IP address [::1: address [::1:: missing ']' in address"),
    ("[::1]x:80:80", "invalid IP address [::1]x: address [::1]x:: missing port in address"),
    ("[::1]]:80:80", "invalid IP address [::1]]: address [::1]]:: missing port in address"),
    ("[[::1]:80:80", "invalid IP address [[::1]: address [[::1]:: unexpected '[' in address"),
    ("[::1]:5:80:80", "invalid IP address [::1]:5: address [::1]:5:: too many colons in address"),
    ("80/foo", "invalid proto: foo"),
    ("80/udp/x", "invalid proto: udp/x"),
    ("/udp", "invalid proto: "),  # no port: go-connections drops the protocol too
    ("", "invalid proto: "),
    ("80:", "invalid proto: "),
    ("+80", "invalid containerPort: +80"),
    ("65536", "invalid containerPort: 65536"),
    ("-1", "invalid containerPort: -1"),
    ("80-", "invalid containerPort: 80-"),
    ("-80", "invalid containerPort: -80"),
    ("82-80", "invalid containerPort: 82-80"),
    (" 80", "invalid containerPort:  80"),
    ("8080:80-", "invalid containerPort: 80-"),
    ("\u0668\u0660", "invalid containerPort: \u0668\u0660"),  # Arabic-Indic digits: not ASCII
    (70000, "invalid containerPort: 70000"),
    (-1, "invalid containerPort: -1"),
    ("1.2.3.4:80", "invalid hostPort: 1.2.3.4"),
    ("100000-1:80", "invalid hostPort: 100000-1"),
    ("1-100000:80", "invalid hostPort: 1-100000"),
    ("80-82:8080-8083", "invalid ranges specified for container and host Ports: 8080-8083 and 80-82"),
    ("8000:80-82", "invalid ranges specified for container and host Ports: 80-82 and 8000"),
]

# Port 0 parses, but Compose's canonical map then has no target and its unicity pass rejects it.
PORT_MISSING_TARGET = ["0", "0-1", 0]


def _bind(source: str, target: str, *, read_only: bool = False, **bind: str) -> dict[str, object]:
    volume: dict[str, object] = {"type": "bind", "source": source, "target": target}
    if read_only:
        volume["read_only"] = True
    volume["bind"] = {**bind, "create_host_path": True}
    return volume


def _named(source: str | None, target: str, **extra: object) -> dict[str, object]:
    volume: dict[str, object] = {"type": "volume"}
    if source is not None:
        volume["source"] = source
    volume["target"] = target
    volume.update(extra)
    volume.setdefault("volume", {})
    return volume


# Confirmed on docker compose 2.40.3 (bind sources before Compose resolves them).
VOLUME_CASES: list[tuple[str, dict[str, object]]] = [
    ("/data", _named(None, "/data")),  # anonymous volume
    ("data:/data", _named("data", "/data")),
    ("data:/data/", _named("data", "/data")),  # target cleaned
    ("/a/../b/./c//", _named(None, "/b/c")),
    ("./src:/app", _bind("./src", "/app")),
    ("/host:/c:ro", _bind("/host", "/c", read_only=True)),
    ("/host:/c:rw", _bind("/host", "/c")),
    ("/host:/c:ro,rw", _bind("/host", "/c")),  # options apply left to right
    ("/host:/c:rw,ro", _bind("/host", "/c", read_only=True)),
    ("/a:/b:ro,,rw", _bind("/a", "/b")),
    ("/a:/b:RO", _bind("/a", "/b")),  # options are case-sensitive; unknown ones are ignored
    ("/h:/c:bogus", _bind("/h", "/c")),
    ("/h:/c:ro,bogus", _bind("/h", "/c", read_only=True)),
    ("data:/c:nocopy", _named("data", "/c", volume={"nocopy": True})),
    ("data:/c:nocopy,ro", _named("data", "/c", read_only=True, volume={"nocopy": True})),
    ("./x:/c:nocopy", {**_bind("./x", "/c"), "volume": {"nocopy": True}}),
    ("data:/c:z", _named("data", "/c", bind={"selinux": "z"})),
    (
        "data:/c:ro,z,nocopy,slave",
        _named(
            "data",
            "/c",
            read_only=True,
            bind={"selinux": "z", "propagation": "slave"},
            volume={"nocopy": True},
        ),
    ),
    ("/h:/c:Z", _bind("/h", "/c", selinux="Z")),
    ("/h:/c:rshared", _bind("/h", "/c", propagation="rshared")),
    ("/h:/c:z,shared", _bind("/h", "/c", selinux="z", propagation="shared")),
    ("/a:/b:private,rprivate", _bind("/a", "/b", propagation="rprivate")),
    ("~/x:/c", _bind("~/x", "/c")),
    ("~:/c", _bind("~", "/c")),
    ("\\\\.\\pipe\\x:/c", _bind("\\\\.\\pipe\\x", "/c")),
    ("C:\\x:/c", _bind("C:\\x", "/c")),  # a drive letter's colon does not split
    ("c:/x:/c", _bind("c:/x", "/c")),
    ("a:b:c:d", _bind("a:b", "c:d")),  # ... in any field
    ("a:/data", _named(None, "a:/data")),  # "a:" is a drive: one field, an anonymous volume
    ("ab:/data", _named("ab", "/data")),
    ("1:/x", _named("1", "/x")),
    ("foo/bar:/x", _named("foo/bar", "/x")),  # not a bind: a volume named foo/bar
    ("/h:relative", _bind("/h", "relative")),  # Compose does not check that the target is absolute
    ("/h:./rel", _bind("/h", "rel")),
    ("/h:.", _bind("/h", ".")),
    ("/\u00e9", _named(None, "/\u00e9")),
    # Specs of 1 or 2 bytes are a bare target, without a "volume" map.
    ("ab", {"type": "volume", "target": "ab"}),
    ("x", {"type": "volume", "target": "x"}),
    ("/", {"type": "volume", "target": "/"}),
    ("//", {"type": "volume", "target": "/"}),
    ("./", {"type": "volume", "target": "."}),
    ("a/", {"type": "volume", "target": "a"}),
    ("\u00e9", {"type": "volume", "target": "\u00e9"}),  # 2 bytes in UTF-8
    ("ab/", _named(None, "ab")),
    # Colons inside ${...} (what survives interpolation of $${...}) do not split.
    ("/p/${A:-x:y}:/c", _bind("/p/${A:-x:y}", "/c")),
    ("/p:/c/${A:-x:y}:ro", _bind("/p", "/c/${A:-x:y}", read_only=True)),
    ("/p:/c/${A:-${B:-x:y}}:ro", _bind("/p", "/c/${A:-${B:-x:y}}", read_only=True)),
    ("x:${A}", _named(None, "x:${A}")),
    ("${A:-/x:y}", _named(None, "${A:-/x:y}")),
    ("/a:/b:${x:y}", _bind("/a", "/b")),
    ("a:${b:c}:d", _bind("a:${b:c}", "d")),
    ("/p/$:/c", _bind("/p/$", "/c")),
    # compose-go's end-of-spec sentinel is NUL, so a NUL inside the spec ends a field too.
    ("/a\0/b:/c", _bind("/b", "/a")),
]

# Confirmed on docker compose 2.40.3 (the whole stderr line).
VOLUME_ERRORS: list[tuple[str, str]] = [
    ("", "invalid empty volume spec"),
    ("/a:/b:ro:x", "invalid spec: /a:/b:ro:x: too many colons"),
    ("/a::/b", "invalid spec: /a::/b: empty section between colons"),
    (":/b", "invalid spec: :/b: empty section between colons"),
    ("/a:", "invalid spec: /a:: empty section between colons"),
    ("data:/c:", "invalid spec: data:/c:: empty section between colons"),
]

# An unterminated ${ swallows the rest: no target, and Compose's unicity pass rejects it.
VOLUME_MISSING_TARGET = ["${A:b", "data:/c/${A:b"]

# Checked on the binary as "<ip>:80:80" (valid) or its "invalid IP address" error (invalid).
VALID_IPS = [
    "127.0.0.1", "0.0.0.0", "255.255.255.255", "::", "::1", "fe80::1", "::ffff:1.2.3.4",
    "::1.2.3.4", "1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:8", "0:0:0:0:0:0:0:0", "2001:DB8::1",
    "1:2:3:4:5:6:1.2.3.4", "::ffff:127.0.0.1", "0001::",
]  # fmt: skip
INVALID_IPS = [
    "127.0.1", "1.2.3.04", "256.1.1.1", "1.2.3.4.5", "1::2::3", "12345::", "::ffff:01.2.3.4",
    "fe80::1%eth0", "localhost", "1.2.3.4::", "1:2:3:4:5:6:7:8:9", ":1:2", "00001::", "g::1",
]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Table tests
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), PORT_CASES, ids=repr)
def test_parse_port(value: str | int, expected: list[dict[str, object]]) -> None:
    result = parse_port(value)
    assert result == expected
    assert [list(port) for port in result] == [list(port) for port in expected]  # key order too


@pytest.mark.parametrize(("value", "message"), PORT_ERRORS, ids=repr)
def test_parse_port_errors(value: str | int, message: str) -> None:
    with pytest.raises(SpecError) as info:
        parse_port(value)
    assert str(info.value) == message


@pytest.mark.parametrize("value", PORT_MISSING_TARGET, ids=repr)
def test_port_zero_has_no_target(value: str | int) -> None:
    first = parse_port(value)[0]
    assert first == {"mode": "ingress", "protocol": "tcp"}
    with pytest.raises(SpecError) as info:
        port_key(first, "services.a.ports.[0]")
    assert str(info.value) == "service ports services.a.ports.[0] is missing a target port"


@pytest.mark.parametrize("value", [True, 80.0, None, [80]], ids=repr)
def test_parse_port_wrong_type(value: object) -> None:
    with pytest.raises(SpecError, match=r"invalid type .* for port"):
        parse_port(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(("value", "expected"), VOLUME_CASES, ids=repr)
def test_parse_volume(value: str, expected: dict[str, object]) -> None:
    result = parse_volume(value)
    assert result == expected
    assert json.dumps(result) == json.dumps(expected)  # key order too, nested maps included


@pytest.mark.parametrize(("value", "message"), VOLUME_ERRORS, ids=repr)
def test_parse_volume_errors(value: str, message: str) -> None:
    with pytest.raises(SpecError) as info:
        parse_volume(value)
    assert str(info.value) == message


@pytest.mark.parametrize("value", VOLUME_MISSING_TARGET, ids=repr)
def test_volume_without_target(value: str) -> None:
    volume = parse_volume(value)
    assert "target" not in volume
    with pytest.raises(SpecError) as info:
        volume_key(volume, "services.a.volumes.[0]")
    assert str(info.value) == "service volume services.a.volumes.[0] is missing a mount target"


def test_volume_key() -> None:
    assert volume_key(parse_volume("/h:/data/")) == "/data"
    assert volume_key({"type": "volume", "target": ""}) == ""
    with pytest.raises(SpecError):
        volume_key({"type": "bind", "source": "/h", "target": 5})


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("", "."),
        ("/", "/"),
        ("//", "/"),
        ("//a", "/a"),  # posixpath.normpath would keep the double slash
        ("/data/", "/data"),
        ("/a/./b/../c", "/a/c"),
        ("/../a", "/a"),
        ("a/../..", ".."),
        ("../a/..", ".."),
        ("a/..", "."),
        ("./", "."),
        ("a//b/", "a/b"),
        ("C:\\x", "C:\\x"),
    ],
)
def test_clean_path(path: str, expected: str) -> None:
    assert clean_path(path) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("80", (80, 80)), ("8000-9000", (8000, 9000)), ("0", (0, 0)), ("080-090", (80, 90)), ("1-2-3", (1, 2))],
)
def test_parse_port_range(text: str, expected: tuple[int, int]) -> None:
    assert parse_port_range(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty string specified for ports"),
        ("82-80", "invalid range specified for port: 82-80"),
        ("65536", 'strconv.ParseUint: parsing "65536": value out of range'),
        ("+1", 'strconv.ParseUint: parsing "+1": invalid syntax'),
        ("1_0", 'strconv.ParseUint: parsing "1_0": invalid syntax'),
        ("80-", 'strconv.ParseUint: parsing "": invalid syntax'),
        ("\u0668", 'strconv.ParseUint: parsing "\u0668": invalid syntax'),
    ],
)
def test_parse_port_range_errors(text: str, message: str) -> None:
    with pytest.raises(SpecError) as info:
        parse_port_range(text)
    assert str(info.value) == message


@pytest.mark.parametrize("ip", VALID_IPS)
def test_valid_ips(ip: str) -> None:
    assert is_valid_ip(ip)


@pytest.mark.parametrize("ip", [*INVALID_IPS, "", "[::1]"])
def test_invalid_ips(ip: str) -> None:
    assert not is_valid_ip(ip)


@pytest.mark.parametrize(
    ("ip", "loopback", "wildcard"),
    [
        ("", False, True),
        ("0.0.0.0", False, True),
        ("::", False, True),
        ("0:0:0:0:0:0:0:0", False, True),
        ("::ffff:0.0.0.0", False, True),
        ("127.0.0.1", True, False),
        ("127.255.0.9", True, False),
        ("::1", True, False),
        ("::ffff:127.0.0.1", True, False),
        ("::ffff:7f00:1", True, False),
        ("::127.0.0.1", False, False),  # IPv4-compatible, not mapped: Go does not see 127.0.0.1
        ("192.168.1.10", False, False),
        ("fe80::1", False, False),
        ("localhost", False, False),  # not an IP at all
        ("[::1]", False, False),
    ],
)
def test_loopback_and_wildcard(ip: str, loopback: bool, wildcard: bool) -> None:
    assert is_loopback(ip) is loopback
    assert is_wildcard(ip) is wildcard


@pytest.mark.parametrize(
    ("port", "key"),
    [
        (parse_port("80")[0], "0.0.0.0:%!s(<nil>):80/tcp"),
        (parse_port("8080:80")[0], "0.0.0.0:8080:80/tcp"),
        (parse_port("0.0.0.0:8080:80")[0], "0.0.0.0:8080:80/tcp"),
        (parse_port("[::1]:8080:80/udp")[0], "::1:8080:80/udp"),
        (parse_port("8000-9000:80")[0], "0.0.0.0:8000-9000:80/tcp"),
        ({"target": 80}, "0.0.0.0:%!s(<nil>):80/tcp"),
        ({"target": 80, "published": 8080}, "0.0.0.0:%!s(int=8080):80/tcp"),
        ({"target": 80, "published": "8080", "host_ip": ""}, ":8080:80/tcp"),
        ({"target": "80", "published": None}, "0.0.0.0:%!s(<nil>):%!d(string=80)/tcp"),
    ],
    ids=repr,
)
def test_port_key(port: dict[str, object], key: str) -> None:
    assert port_key(port) == key


def _dedupe_ports(entries: list[object]) -> list[dict[str, object]]:
    """Compose's canonicalization + unicity for a ports list, as a caller would write it."""
    canonical: list[dict[str, object]] = []
    for entry in entries:
        if isinstance(entry, dict):
            canonical.append(entry)
        else:
            assert isinstance(entry, (str, int))
            canonical.extend(parse_port(entry))
    result: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    for port in canonical:
        key = port_key(port)
        if key in seen:
            result[seen[key]] = port  # first position, last value
        else:
            seen[key] = len(result)
            result.append(port)
    return [{"mode": "ingress", **port} if "mode" not in port else port for port in result]


# Confirmed on docker compose 2.40.3: entries with the same key collapse in place.
DEDUPE_INPUT: list[object] = [
    "8080:80",
    "0.0.0.0:8080:80",
    "80",
    {"target": 80, "mode": "host"},
    {"target": 80, "published": 8080, "mode": "host"},
    {"target": 80, "published": "8080", "protocol": "tcp", "mode": "host"},
    "8081:81",
    {"target": 81, "published": "8081"},
]
DEDUPE_OUTPUT = [
    {"mode": "host", "target": 80, "published": "8080", "protocol": "tcp"},
    {"mode": "host", "target": 80},
    {"mode": "host", "target": 80, "published": 8080},
    {"mode": "ingress", "target": 81, "published": "8081"},
]


def test_port_dedupe() -> None:
    assert _dedupe_ports(DEDUPE_INPUT) == DEDUPE_OUTPUT


# ---------------------------------------------------------------------------------------------
# The binary itself
# ---------------------------------------------------------------------------------------------


def _compose_binary() -> str | None:
    found = shutil.which("docker-compose")
    if found:
        return found
    beside = Path(sys.executable).parent / "docker-compose"
    return str(beside) if beside.exists() else None


class Compose:
    """Runs `docker-compose config --format json` on a document, each time in a fresh directory."""

    def __init__(self, binary: str, factory: pytest.TempPathFactory) -> None:
        self.binary = binary
        self.factory = factory
        self.home = factory.mktemp("home")

    def __call__(self, document: Mapping[str, object]) -> tuple[Path, dict[str, object] | str]:
        """Return (project directory, parsed JSON) or (project directory, stderr)."""
        directory = self.factory.mktemp("proj")
        (directory / "compose.yaml").write_text(json.dumps(document), encoding="utf-8")
        completed = subprocess.run(
            [self.binary, "-p", "specs", "-f", str(directory / "compose.yaml"), "config", "--format", "json"],
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self.home)},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        # The PyPI wrapper drops the exit status, so an empty stdout is the error signal too.
        if completed.returncode != 0 or not completed.stdout.strip():
            return directory, completed.stderr.rstrip("\n")
        parsed: dict[str, object] = json.loads(completed.stdout)
        return directory, parsed


@pytest.fixture(scope="module")
def compose(tmp_path_factory: pytest.TempPathFactory) -> Compose:
    binary = _compose_binary()
    if binary is None:
        pytest.skip("docker-compose is not installed")
    return Compose(binary, tmp_path_factory)


def _escape(value: str | int) -> str | int:
    # Compose interpolates the file: "$$" is how a literal "$" reaches the short-syntax parser.
    return value.replace("$", "$$") if isinstance(value, str) else value


def _unescape(value: object) -> object:
    # ... and `config` prints every "$" back as "$$".
    if isinstance(value, str):
        return value.replace("$$", "$")
    if isinstance(value, list):
        return [_unescape(item) for item in value]
    if isinstance(value, dict):
        return {key: _unescape(item) for key, item in value.items()}
    return value


_WINDOWS_ABS = re.compile(r"^([A-Za-z]:[\\/]|\\\\)")


def _resolve_source(volume: dict[str, object], directory: Path, home: Path) -> dict[str, object]:
    # What Compose does after parsing (the caller's job, not specs.py's): expand "~" and make
    # relative bind sources absolute against the project directory. Windows absolute paths stay.
    if volume["type"] != "bind":
        return volume
    source = str(volume["source"])
    if source.startswith("~"):
        source = posixpath.normpath(posixpath.join(str(home), source[1:].lstrip("/")))
    if not source.startswith("/") and not _WINDOWS_ABS.match(source):
        source = posixpath.normpath(posixpath.join(str(directory), source))
    return {**volume, "source": source}


def _services(run_result: tuple[Path, dict[str, object] | str]) -> dict[str, dict[str, object]]:
    _, output = run_result
    assert isinstance(output, dict), output
    services = _unescape(output["services"])
    assert isinstance(services, dict)
    return services


@pytest.mark.slow
def test_binary_ports(compose: Compose) -> None:
    document = {
        "services": {
            f"s{index}": {"image": "x", "ports": [_escape(value)]}
            for index, (value, _) in enumerate(PORT_CASES)
        }
    }
    services = _services(compose(document))
    for index, (value, _) in enumerate(PORT_CASES):
        assert services[f"s{index}"]["ports"] == parse_port(value), value


@pytest.mark.slow
def test_binary_volumes(compose: Compose) -> None:
    declared: dict[str, object] = {"data": {}, "ab": {}, "1": {}}
    # A named volume must be declared, and foo/bar cannot be: that case has its own test below.
    cases = [value for value, expected in VOLUME_CASES if expected.get("source") != "foo/bar"]
    document = {
        "services": {
            f"s{index}": {"image": "x", "volumes": [_escape(value)]} for index, value in enumerate(cases)
        },
        "volumes": declared,
    }
    directory, _ = result = compose(document)
    services = _services(result)
    for index, value in enumerate(cases):
        expected = _resolve_source(parse_volume(value), directory, compose.home)
        assert services[f"s{index}"]["volumes"] == [expected], value


@pytest.mark.slow
def test_binary_named_volume_with_slash(compose: Compose) -> None:
    # foo/bar cannot even be declared (top-level volume names are [a-zA-Z0-9._-]+).
    _, output = compose({"services": {"a": {"image": "x", "volumes": ["foo/bar:/x"]}}})
    assert output == 'service "a" refers to undefined volume foo/bar: invalid compose project'


@pytest.mark.slow
@pytest.mark.parametrize(("value", "message"), PORT_ERRORS, ids=repr)
def test_binary_port_errors(compose: Compose, value: str | int, message: str) -> None:
    _, output = compose({"services": {"a": {"image": "x", "ports": [_escape(value)]}}})
    assert output == message


@pytest.mark.slow
@pytest.mark.parametrize("value", PORT_MISSING_TARGET, ids=repr)
def test_binary_port_missing_target(compose: Compose, value: str | int) -> None:
    _, output = compose({"services": {"a": {"image": "x", "ports": [value]}}})
    with pytest.raises(SpecError) as info:
        port_key(parse_port(value)[0], "services.a.ports.[0]")
    assert output == str(info.value)


@pytest.mark.slow
@pytest.mark.parametrize(("value", "message"), VOLUME_ERRORS, ids=repr)
def test_binary_volume_errors(compose: Compose, value: str, message: str) -> None:
    _, output = compose({"services": {"a": {"image": "x", "volumes": [_escape(value)]}}})
    assert output == message


@pytest.mark.slow
@pytest.mark.parametrize("value", VOLUME_MISSING_TARGET, ids=repr)
def test_binary_volume_missing_target(compose: Compose, value: str) -> None:
    document = {"services": {"a": {"image": "x", "volumes": [_escape(value)]}}, "volumes": {"data": {}}}
    _, output = compose(document)
    with pytest.raises(SpecError) as info:
        volume_key(parse_volume(value), "services.a.volumes.[0]")
    assert output == str(info.value)


@pytest.mark.slow
def test_binary_ips(compose: Compose) -> None:
    document = {
        "services": {
            f"s{index}": {"image": "x", "ports": [f"{ip}:80:80"]} for index, ip in enumerate(VALID_IPS)
        }
    }
    services = _services(compose(document))
    for index, ip in enumerate(VALID_IPS):
        assert services[f"s{index}"]["ports"] == [_port(80, "80", ip)], ip
    for ip in INVALID_IPS:
        _, output = compose({"services": {"a": {"image": "x", "ports": [f"{ip}:80:80"]}}})
        assert isinstance(output, str), ip
        assert output.startswith("invalid IP address"), (ip, output)


@pytest.mark.slow
def test_binary_port_dedupe(compose: Compose) -> None:
    services = _services(compose({"services": {"a": {"image": "x", "ports": DEDUPE_INPUT}}}))
    # `config` adds the defaults and stringifies published after the unicity pass.
    expected = []
    for port in DEDUPE_OUTPUT:
        printed: dict[str, object] = {"mode": port["mode"], "target": port["target"]}
        if "published" in port:
            printed["published"] = str(port["published"])
        expected.append({**printed, "protocol": "tcp"})
    assert services["a"]["ports"] == expected
