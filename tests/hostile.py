"""Hostile and broken inputs: each case builds a project in a directory and says what must happen.

Shared by tests/test_hostile.py (findings and exit codes) and benchmarks/hostile.py (time and peak
memory of each case in its own process).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], None]  # writes compose.yaml (and friends) into the directory
    rules: frozenset[str]  # rule ids that must be reported (others may be too, unless `only`)
    exit_code: int = 1
    only: bool = True  # no finding of any other rule


def _write(directory: Path, text: str | bytes, name: str = "compose.yaml") -> None:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)


SERVICE = "services:\n  app:\n    image: example/app:1.0\n"


def _alias_bomb(directory: Path) -> None:
    lines = ['x-l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"x-l{n}: &l{n} [" + ",".join([f"*l{n - 1}"] * 9) + "]" for n in range(1, 10)]
    _write(directory, "\n".join(lines) + "\n" + SERVICE)


def _merge_bomb(directory: Path) -> None:
    lines = ["x-m0: &m0 {a0: 1, b0: 2, c0: 3, d0: 4}"]
    for n in range(1, 40):
        keys = ", ".join(f"k{n}_{i}: *m{n - 1}" for i in range(4))
        lines.append(f"x-m{n}: &m{n} {{<<: *m{n - 1}, {keys}}}")
    _write(directory, "\n".join(lines) + "\n" + SERVICE)


def _deep(directory: Path) -> None:
    _write(directory, "x-deep: " + "[" * 10_000 + "]" * 10_000 + "\n" + SERVICE)


def _huge_scalar(directory: Path) -> None:
    _write(directory, SERVICE + '    command: ["' + "x" * 4_000_000 + '"]\n')


def _escapes(directory: Path) -> None:
    # Interpolation visits every `$`: a million of them must stay linear.
    _write(directory, SERVICE + '    command: ["' + "$$" * 1_000_000 + '"]\n')


def _many_flags(directory: Path) -> None:
    # Command lines are scanned for `--password x` and URLs with passwords: 300,000 tokens.
    _write(directory, SERVICE + '    command: "' + " -p" * 300_000 + ' --password=hunter2"\n')


def _long_line(directory: Path) -> None:
    environment = ", ".join(f"K{i}: v{i}" for i in range(60_000))
    _write(directory, SERVICE + "    environment: {" + environment + "}\n")


def _fifty_mb(directory: Path) -> None:
    with open(directory / "compose.yaml", "w") as handle:
        handle.write(SERVICE + "    labels:\n")
        line = "      - " + "a" * 1000 + "\n"
        for _ in range(50 * 1024):
            handle.write(line)


def _many_services(directory: Path) -> None:
    body = "".join(
        f"  svc-{i}:\n    image: example/svc:{i}\n    ports: ['{10000 + i}:80']\n    networks: [net-{i % 10}]\n"
        for i in range(3000)
    )
    networks = "".join(f"  net-{i}: {{}}\n" for i in range(10))
    _write(directory, "services:\n" + body + "networks:\n" + networks)


def _extends_loop(directory: Path) -> None:
    _write(directory, "services:\n  a:\n    extends: b\n  b:\n    extends: c\n  c:\n    extends: a\n")


def _extends_chain(directory: Path) -> None:
    body = "".join(f"  s{i}:\n    extends: s{i + 1}\n" for i in range(100))
    _write(directory, "services:\n" + body + "  s100:\n    image: example/app:1.0\n")


def _include_loop(directory: Path) -> None:
    _write(directory, "include: [other.yaml]\n" + SERVICE)
    _write(
        directory,
        "include: [compose.yaml]\nservices:\n  other:\n    image: example/other:1.0\n",
        "other.yaml",
    )


def _escape_root(directory: Path) -> None:
    (directory / ".git").mkdir()
    _write(
        directory, "include: [../../../../../../../etc/passwd]\n" + SERVICE + "    env_file: ../outside.env\n"
    )


def _device(directory: Path) -> None:
    _write(directory, SERVICE + "    env_file: /dev/zero\n")


def _fifo(directory: Path) -> None:
    os.mkfifo(directory / "app.env")
    _write(directory, SERVICE + "    env_file: app.env\n")


def _directory(directory: Path) -> None:
    (directory / "app.env").mkdir()
    _write(directory, SERVICE + "    env_file: app.env\n")


def _symlink_loop(directory: Path) -> None:
    os.symlink("loop-b.yaml", directory / "loop-a.yaml")
    os.symlink("loop-a.yaml", directory / "loop-b.yaml")
    _write(directory, "include: [loop-a.yaml]\n" + SERVICE)


def _python_tag(directory: Path) -> None:
    marker = directory / "pwned"
    _write(
        directory,
        SERVICE + f"    command: !!python/object/apply:os.system ['touch {marker}']\n"
        "    environment: !!python/object:os.Environ {}\n",
    )


def _doubling_env(directory: Path) -> None:
    # Each variable is twice the one before: 2**40 characters if nothing stops it.
    lines = ["V0=abcdefghijklmnop"] + [f"V{i}=${{V{i - 1}}}${{V{i - 1}}}" for i in range(1, 41)]
    _write(directory, "\n".join(lines) + "\n", ".env")
    _write(directory, SERVICE + '    command: ["${V40}"]\n')


def _doubling_env_file(directory: Path) -> None:
    lines = ["V0=abcdefghijklmnop"] + [f"V{i}=${{V{i - 1}}}${{V{i - 1}}}" for i in range(1, 41)]
    _write(directory, "\n".join(lines) + "\n", "app.env")
    _write(directory, SERVICE + "    env_file: app.env\n")


def _many_defaults(directory: Path) -> None:
    # 50,000 defaults on one line (350 KB): each must not copy the rest of the line.
    _write(directory, SERVICE + '    command: ["' + "${A:-x}" * 50_000 + '"]\n')


def _include_diamond(directory: Path) -> None:
    # Each file includes the next one twice: 2**30 inclusions if each is followed.
    _write(directory, "include: [f1.yaml, f1.yaml]\n" + SERVICE)
    for n in range(1, 30):
        _write(directory, f"include: [f{n + 1}.yaml, f{n + 1}.yaml]\n", f"f{n}.yaml")
    _write(directory, "services:\n  last:\n    image: example/last:1.0\n", "f30.yaml")


def _include_fan(directory: Path) -> None:
    _write(directory, "include: [" + ", ".join(f"i{n}.yaml" for n in range(1200)) + "]\n" + SERVICE)
    for n in range(1200):
        _write(directory, f"services:\n  s{n}:\n    image: example/s:{n}\n", f"i{n}.yaml")


def _extends_fan_out(directory: Path) -> None:
    base = "".join(
        f"  b{i}:\n    image: example/b:{i}\n    environment:\n      A: ${{A:-{i}}}\n" for i in range(2000)
    )
    _write(directory, "services:\n" + base, "base.yaml")
    body = "".join(f"  s{i}:\n    extends: {{file: base.yaml, service: b{i}}}\n" for i in range(2000))
    _write(directory, "services:\n" + body)


def _port_ranges(directory: Path) -> None:
    body = "".join(f"  s{i}:\n    image: example/s:1\n    ports: ['1-65535:1-65535']\n" for i in range(5))
    _write(directory, "services:\n" + body)


def _overlapping_ranges(directory: Path) -> None:
    body = "".join(f"  s{i}:\n    image: example/s:1\n    ports: ['8000-8999:8000-8999']\n" for i in range(2))
    _write(directory, "services:\n" + body)


def _databases_reaching_each_other(directory: Path) -> None:
    # 450 databases on one shared network, each the client of the next: 450 x 448 reachable pairs.
    body = "".join(
        f"  db{i}:\n    image: postgres:16\n    environment: [PEER=postgres://db{(i + 1) % 450}:5432/x]\n"
        f"    networks: [shared, n{i}]\n"
        for i in range(450)
    )
    declared = "".join(f"  n{i}: {{}}\n" for i in range(450))
    _write(directory, "services:\n" + body + "networks:\n  shared: {}\n" + declared)


def _outside_without_repository(directory: Path) -> None:
    # No .git above: reading stays in the working directory all the same.
    _write(
        directory,
        SERVICE + "    env_file: /proc/self/environ\n    extends: {file: /etc/passwd, service: x}\n",
    )


def _remote_includes(directory: Path) -> None:
    _write(
        directory,
        "include:\n  - https://example.com/stack/compose.yaml\n  - git@github.com:acme/stack.git\n"
        "  - path: oci://registry.example/stack:1\n" + SERVICE,
    )


CASES: tuple[Case, ...] = (
    Case("alias bomb (nested)", _alias_bomb, frozenset({"CL117"})),
    Case("alias bomb (merge keys)", _merge_bomb, frozenset({"CL117"})),
    Case("10,000 levels of nesting", _deep, frozenset({"CL117"})),
    Case("huge scalar (4 MB)", _huge_scalar, frozenset(), exit_code=0),
    Case("very long line (60,000 keys)", _long_line, frozenset(), exit_code=0),
    Case("a million $$ escapes", _escapes, frozenset(), exit_code=0),
    Case("command line of 300,000 flags", _many_flags, frozenset({"CL415"})),
    Case("50 MB file", _fifty_mb, frozenset({"CL117"})),
    Case("3,000 services", _many_services, frozenset(), exit_code=0),
    Case("recursive extends", _extends_loop, frozenset({"CL105"}), only=False),
    Case("extends chain deeper than the limit", _extends_chain, frozenset({"CL117"}), only=False),
    Case("include cycle", _include_loop, frozenset({"CL118"})),
    Case("include and env_file outside the repository", _escape_root, frozenset({"CL116"})),
    Case("env_file is a device", _device, frozenset({"CL116"})),
    Case("env_file is a FIFO", _fifo, frozenset({"CL116"})),
    Case("env_file is a directory", _directory, frozenset({"CL115"})),
    Case("include symlink loop", _symlink_loop, frozenset({"CL115"})),
    Case("Python tags", _python_tag, frozenset(), exit_code=0),
    Case(
        "invalid UTF-8", lambda d: _write(d, SERVICE.encode() + b"    user: \xff\xfe\n"), frozenset({"CL101"})
    ),
    Case(
        "UTF-16 with BOM",
        lambda d: _write(d, "\ufeff".encode("utf-16-le") + SERVICE.encode("utf-16-le")),
        frozenset(),
        exit_code=0,
    ),
    Case("NUL byte", lambda d: _write(d, SERVICE.encode() + b"    user: a\x00b\n"), frozenset({"CL101"})),
    Case("tab indentation", lambda d: _write(d, "services:\n\tapp:\n\t\timage: x\n"), frozenset({"CL101"})),
    Case("empty file", lambda d: _write(d, ""), frozenset({"CL118"})),
    Case("whitespace only", lambda d: _write(d, "  \n\n   \n"), frozenset({"CL118"})),
    Case("top-level scalar", lambda d: _write(d, "just a string\n"), frozenset({"CL101"})),
    Case("top-level list", lambda d: _write(d, "- services\n- app\n"), frozenset({"CL101"})),
    Case("non-string key", lambda d: _write(d, "services:\n  123:\n    image: x\n"), frozenset({"CL101"})),
    Case("binary file", lambda d: _write(d, bytes(range(256)) * 64), frozenset({"CL101"})),
    Case(".env variables that double each other", _doubling_env, frozenset({"CL117"}), only=False),
    Case("env_file variables that double each other", _doubling_env_file, frozenset({"CL117"}), only=False),
    Case("50,000 defaults on one line", _many_defaults, frozenset(), exit_code=0),
    Case("include diamond (30 files, each twice)", _include_diamond, frozenset(), exit_code=0),
    Case("1,200 files included", _include_fan, frozenset({"CL117"}), only=False),
    Case("extends fan-out (2,000 x 2,000)", _extends_fan_out, frozenset(), exit_code=0),
    Case("five services publishing 1-65535", _port_ranges, frozenset({"CL117"})),
    Case("two services publishing 8000-8999", _overlapping_ranges, frozenset({"CL203"})),
    Case("/proc and /etc outside a repository", _outside_without_repository, frozenset({"CL116"})),
    Case("remote includes", _remote_includes, frozenset({"CL115"})),
    Case("450 databases reaching each other", _databases_reaching_each_other, frozenset({"CL201"})),
)
