"""Users switching from compose-lint lose nothing: every true finding compose-lint 0.36.2 gives on the
probe files of ``shared/peer-cases/compose-lint`` and on its "extra probes" (its results are in
``shared/reference/peers.md``, "Peer tool research: compose-lint", §4) has a composelint equivalent,
at the same line, and its documented false positives are not reproduced.

compose-lint gives lines only; composelint points at the offending node, so the column is pinned here
and the line is compose-lint's except where a row says why. compose-lint's absence findings (no
``cap_drop``, no ``read_only``...: "abs" in peers.md, without lines) are opt-in here and left out.
Every probe is linted with an empty environment: compose-lint never reads the shell's either.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from composelint.cli import main
from composelint.compose.discovery import project_for_file
from composelint.engine import RunOptions, lint_project
from composelint.finding import Severity
from composelint.registry import builtin_rules
from composelint.settings import Settings
from tests.conftest import shared

# compose-lint's findings (§2 catalogue) and errors (its `errors[]`), as composelint rules.
EQUIVALENTS: dict[str, tuple[str, ...]] = {
    "CL-0001": ("CL402",),  # host control socket exposed -> engine-socket-mount
    "CL-0002": ("CL401",),  # privileged mode -> privileged
    "CL-0004": ("CL501", "CL502"),  # image not pinned -> image-without-tag, mutable-image-tag
    # ports on all interfaces -> port-all-interfaces, exposed-database; on internal networks only,
    # Docker publishes nothing: ports-on-internal-network.
    "CL-0005": ("CL204", "CL202", "CL213"),
    "CL-0008": ("CL404",),  # host network mode -> host-namespace
    "CL-0009": ("CL405",),  # security profile disabled
    "CL-0010": ("CL404",),  # host pid/ipc namespace -> host-namespace
    "CL-0011": ("CL408",),  # NET_ADMIN, BPF, SYS_BOOT -> dangerous-capability
    "CL-0013": ("CL403",),  # sensitive host path -> sensitive-host-mount
    "CL-0014": ("CL510",),  # logging driver none -> logging-disabled
    "CL-0016": ("CL412",),  # dangerous host device -> host-devices
    "CL-0017": ("CL413",),  # shared mount propagation
    "CL-0018": ("CL410",),  # explicit root user -> root-user
    "CL-0020": ("CL415",),  # credential-shaped env key with a literal -> plaintext-secret
    "CL-0021": ("CL416",),  # credential in a connection string -> credentials-in-url
    "CL-0022": ("CL414",),  # tmpfs exec/suid
    "CL-0024": ("CL408",),  # ALL, SYS_ADMIN, SYS_MODULE, SYS_RAWIO
    "CL-0025": ("CL403",),  # root-equivalent host path writable
    "CL-0027": ("CL408",),  # SYS_PTRACE, DAC_READ_SEARCH
    "CL-0028": ("CL408",),  # PERFMON, SYS_TIME
    # SYS_NICE, IPC_LOCK, LEASE only touch resources: dangerous-capability leaves them to the opt-in
    # cap-add-present, which reports every added capability.
    "CL-0029": ("CL419",),
    "CL-0030": ("CL408",),  # SYSLOG
    "parse error": ("CL101", "CL102", "CL118"),  # invalid YAML, duplicate key, empty file
    "coverage gap": ("CL115", "CL116"),  # an include that is missing or outside the repository
}
# The absence rules and CL-0019 fire on nearly every service (peers.md §2); composelint has them opt-in.
ABSENCE_EQUIVALENTS: dict[str, tuple[str, ...]] = {
    "CL-0003": ("CL407", "CL406"),  # no-new-privileges missing or disabled
    "CL-0006": ("CL409",),  # missing-cap-drop-all
    "CL-0007": ("CL411",),  # writable-root-filesystem
    "CL-0019": ("CL503",),  # image-not-pinned-by-digest
    "CL-0026": ("CL504", "CL505"),  # missing memory and CPU limits
}
# What composelint reports where compose-lint is silent or wrong: schema, topology, ports under host
# networking, and a bind source that is invalid once its variable is unset.
BEYOND = ("CL103", "CL108", "CL201", "CL203", "CL206")
# cap-add-present, opt-in, names every added capability again beside dangerous-capability: only the
# CL-0029 probe below runs it.
SELECTED = tuple(sorted({rule for rules in EQUIVALENTS.values() for rule in rules} - {"CL419"} | set(BEYOND)))

# (file relative to the project directory, rule, line, column, service)
Key = tuple[str, str, int, int, str | None]


WEB_ENTRY = "a web entry point (container port 80 or 443 on a chosen host port): CL204 leaves it alone"


@dataclass(frozen=True)
class Row:
    """A true finding compose-lint gives, and composelint's for it."""

    peer: str  # its rule, or "parse error" / "coverage gap"
    peer_line: int | None  # None where peers.md does not give the line
    ours: Key | None  # None: deliberately not reported, `dropped` says why
    moved: str = ""  # why our line is not compose-lint's
    dropped: str = ""


@dataclass(frozen=True)
class Probe:
    rows: tuple[Row, ...]
    beyond: frozenset[Key] = frozenset()  # what composelint reports that compose-lint misses

    @property
    def expected(self) -> set[Key]:
        return {row.ours for row in self.rows if row.ours is not None} | self.beyond


def lint(main_file: Path, root: Path, profiles: tuple[str, ...] | None = None) -> set[Key]:
    settings = Settings(select=SELECTED)
    options = RunOptions(environ={}, cwd=str(root), root=str(root), profiles=profiles)
    result = lint_project(project_for_file(str(main_file)), settings, options)
    return {(os.path.relpath(f.path, root), f.rule_id, f.line, f.column, f.service) for f in result.findings}


CASES: dict[str, Probe] = {
    "01-valid-simple.yml": Probe(()),  # hardened: clean for both
    "02-dup-host-ports.yml": Probe(
        (),
        # compose-lint misses the duplicate 127.0.0.1:8080 ("port is already allocated" at `up`).
        frozenset({("02-dup-host-ports.yml", "CL203", 9, 9, "admin")}),
    ),
    "03-db-published.yml": Probe(
        # A database: an error of its own, not the MEDIUM that passes compose-lint's default gate.
        # CL-0021 stays silent on `${DB_PASSWORD}` (no default) for both; `..._FILE` is no secret.
        (Row("CL-0005", 11, ("03-db-published.yml", "CL202", 11, 9, "db")),),
    ),
    "04-malformed.yml": Probe(
        (Row("parse error", 6, ("04-malformed.yml", "CL101", 6, 6, None)),),  # "at line 6, column 6"
    ),
    "05-unknown-top-level.yml": Probe(
        (),
        # compose-lint silently ignores both keys (exit 0); the typo'd service is never linted.
        frozenset(
            {
                ("05-unknown-top-level.yml", "CL103", 5, 1, None),
                ("05-unknown-top-level.yml", "CL103", 8, 1, None),
            }
        ),
    ),
    "06-interp-ports.yml": Probe(
        (
            Row("CL-0005", 5, None, dropped=WEB_ENTRY),  # ${HTTP_PORT:-8080}:80
            Row("CL-0005", 6, None, dropped=WEB_ENTRY),  # ${BIND_ADDR:-0.0.0.0}:${HTTPS_PORT:-8443}:443
            # The ${ADMIN_BIND:-127.0.0.1} default is loopback: silent for both.
        ),
    ),
    "07-anchor-merge.yml": Probe(
        (
            # At the anchor body, for `a` only: `b` overrides both privileged and the port.
            Row("CL-0002", 3, ("07-anchor-merge.yml", "CL401", 3, 15, "a")),
            Row("CL-0005", 5, ("07-anchor-merge.yml", "CL204", 5, 7, "a")),
        ),
    ),
    "08-profile-bind.yml": Probe(
        (
            Row("CL-0025", 8, ("08-profile-bind.yml", "CL403", 8, 9, "debug")),  # /etc writable
            Row("CL-0001", 10, ("08-profile-bind.yml", "CL402", 10, 9, "debug")),  # / holds the sockets
            # ./data is the project's own: silent for both.
        ),
    ),
    "09-network-host.yml": Probe(
        (Row("CL-0008", 4, ("09-network-host.yml", "CL404", 4, 19, "netmon")),),
        # compose-lint's CL-0005 on line 6 is a false positive: Docker discards published ports under
        # host networking. composelint says they are ignored instead, at `ports:`.
        frozenset({("09-network-host.yml", "CL206", 5, 5, "netmon")}),
    ),
    "10-privileged-sock.yml": Probe(
        (
            Row("CL-0004", 3, ("10-privileged-sock.yml", "CL501", 3, 12, "agent")),  # no tag
            Row("CL-0002", 4, ("10-privileged-sock.yml", "CL401", 4, 17, "agent")),
            Row("CL-0001", 6, ("10-privileged-sock.yml", "CL402", 6, 9, "agent")),  # short syntax
            Row(
                "CL-0001",
                7,
                ("10-privileged-sock.yml", "CL402", 8, 17, "agent"),
                moved="compose-lint points at the long-syntax item, composelint at its `source:` value",
            ),
            Row("CL-0024", 11, ("10-privileged-sock.yml", "CL408", 11, 15, "agent")),  # SYS_ADMIN
            Row("CL-0011", 11, ("10-privileged-sock.yml", "CL408", 11, 26, "agent")),  # NET_ADMIN
            Row("CL-0010", 12, ("10-privileged-sock.yml", "CL404", 12, 10, "agent")),  # pid: host
        ),
    ),
    "11-empty.yml": Probe((Row("parse error", None, ("11-empty.yml", "CL118", 1, 1, None)),)),
    "12-dup-keys.yml": Probe(
        # compose-lint reports the duplicate `web` (its first error); it misses `privileged`.
        (Row("parse error", 6, ("12-dup-keys.yml", "CL102", 6, 3, None)),),
        # Every duplicate: `privileged` (where Docker Compose itself stops) and the service `web`.
        frozenset({("12-dup-keys.yml", "CL102", 5, 5, None), ("12-dup-keys.yml", "CL102", 6, 3, None)}),
    ),
    "13-segmentation.yml": Probe(
        (
            Row("CL-0005", 5, None, dropped=WEB_ENTRY),  # the proxy's 80:80
            # db joins only the internal backend: Docker publishes no port of it, which is what is wrong.
            Row("CL-0005", 14, ("13-segmentation.yml", "CL213", 14, 9, "db")),
        ),
        # compose-lint models no networks: redis shares the edge network with the proxy, unused by it.
        frozenset({("13-segmentation.yml", "CL201", 17, 16, "cache")}),
    ),
}


@pytest.mark.parametrize(
    "case",
    sorted(CASES),
)
def test_every_true_compose_lint_finding_has_an_equivalent(case: str) -> None:
    path = shared("peer-cases", "compose-lint", case)
    assert lint(path, path.parent) == CASES[case].expected


def test_every_probe_file_is_covered() -> None:
    probes = shared("peer-cases", "compose-lint")
    assert sorted(p.name for p in probes.glob("*.yml")) == sorted(CASES)


def test_profiles_decide_which_services_are_checked() -> None:
    # compose-lint grades the `prod`-only debug service whatever runs; composelint checks every service
    # by default, and with --profile only those the profiles enable.
    path = shared("peer-cases", "compose-lint", "08-profile-bind.yml")
    debug = {("CL403", 8, 9), ("CL402", 10, 9)}
    for profiles, expected in (((), set()), (("dev",), set()), (("prod",), debug)):
        found = {(rule, line, column) for _, rule, line, column, _ in lint(path, path.parent, profiles)}
        assert found == expected, profiles


def test_a_published_database_fails_a_gate_that_stops_only_errors(capsys: pytest.CaptureFixture[str]) -> None:
    # compose-lint's CL-0005 is MEDIUM and passes its default `--fail-on high` (exit 0); here the
    # database port is an exposed-database error, and no port-all-interfaces info beside it.
    path = shared("peer-cases", "compose-lint", "03-db-published.yml")
    code = main(["check", "--format", "json", "--select", "CL2", "--fail-level", "error", str(path)])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert code == 1
    assert [(f["rule"], f["line"], f["severity"]) for f in findings] == [("CL202", 11, Severity.ERROR.value)]


# The "Extra probes" of peers.md §4 (compose-lint's own probe files are not shared, so these are
# rebuilt from their description): files of a project, its main file first.
EXTRA_PROBES: dict[str, tuple[dict[str, str], Probe]] = {
    "override": (
        {
            "compose.yml": "services:\n  agent:\n    image: example/agent:1.0\n",
            "compose.override.yml": (
                "services:\n  agent:\n    privileged: true\n    volumes:\n"
                "      - /var/run/docker.sock:/var/run/docker.sock\n"
            ),
        },
        Probe(
            (
                Row("CL-0002", None, ("compose.override.yml", "CL401", 3, 17, "agent")),
                Row("CL-0001", None, ("compose.override.yml", "CL402", 5, 9, "agent")),
            )
        ),
    ),
    "dotenv-and-env-file": (
        {
            "compose.yml": (
                "services:\n  app:\n    image: example/app:1.0\n    env_file: app.env\n"
                '    ports:\n      - "${BIND}:8080:80"\n    volumes:\n      - ${SOCK_PATH}:/var/run/docker.sock\n'
            ),
            ".env": "BIND=0.0.0.0\nSOCK_PATH=/var/run/docker.sock\n",
            "app.env": "DB_PASSWORD=x\nAPI_TOKEN=y\n",
        },
        Probe(
            (
                Row("CL-0005", None, None, dropped=WEB_ENTRY),  # ${BIND}:8080:80
                Row("CL-0001", None, ("compose.yml", "CL402", 8, 9, "app")),
                Row("CL-0020", None, ("app.env", "CL415", 1, 13, "app")),  # at the value
                Row("CL-0020", None, ("app.env", "CL415", 2, 11, "app")),
            )
        ),
    ),
    "cross-file-extends": (
        {
            "compose.yml": (
                "services:\n  child:\n    extends:\n      file: base.yml\n      service: base\n"
                "  grandchild:\n    extends:\n      service: child\n"
            ),
            "base.yml": "services:\n  base:\n    image: example/base:1.0\n    privileged: true\n",
        },
        Probe(
            (
                Row("CL-0002", 4, ("base.yml", "CL401", 4, 17, "child")),
                Row("CL-0002", 4, ("base.yml", "CL401", 4, 17, "grandchild")),
            )
        ),
    ),
    "include": (
        {
            "compose.yml": "include:\n  - sub/db.yml\nservices:\n  web:\n    image: example/web:1.0\n",
            "sub/db.yml": (
                'services:\n  db:\n    image: postgres:16.4\n    network_mode: host\n    ports:\n      - "5432:5432"\n'
            ),
        },
        Probe(
            (Row("CL-0008", 4, ("sub/db.yml", "CL404", 4, 19, "db")),),
            # Under host networking the database listens on the host's interfaces: an exposed database
            # at `network_mode`, and ports that Docker ignores (compose-lint's CL-0005 on them is wrong).
            frozenset({("sub/db.yml", "CL202", 4, 19, "db"), ("sub/db.yml", "CL206", 5, 5, "db")}),
        ),
    ),
    "include-outside-the-repository": (
        {
            "compose.yml": "include:\n  - ../../nonexistent.yml\nservices:\n  web:\n    image: example/web:1.0\n"
        },
        Probe((Row("coverage gap", None, ("compose.yml", "CL116", 2, 5, None)),)),
    ),
    "unset-bind-source": (
        # Docker Compose: "invalid spec: :/data: empty section between colons". compose-lint notes the
        # unset variable and skips the mount.
        {
            "compose.yml": "services:\n  app:\n    image: example/app:1.0\n    volumes:\n      - ${DATA_DIR}:/data\n"
        },
        Probe((), frozenset({("compose.yml", "CL108", 5, 9, None)})),
    ),
    "edge-cases": (
        {
            "compose.yml": (
                'services:\n  app:\n    image: example/app:1.0\n    privileged: "true"\n    ports:\n      - 22:22\n'
                "  typo:\n    image: busybox:1.36\n    imagee: busybox:1.36\n    privilegd: true\n"
            )
        },
        Probe(
            (
                Row("CL-0002", 4, ("compose.yml", "CL401", 4, 17, "app")),  # a string Compose casts
                Row("CL-0005", 6, ("compose.yml", "CL204", 6, 9, "app")),  # 22:22 is no base-60 number
            ),
            # Service-level typos: exit 0 and no warning from compose-lint.
            frozenset({("compose.yml", "CL103", 9, 5, None), ("compose.yml", "CL103", 10, 5, None)}),
        ),
    ),
    "tabs": (
        {"compose.yml": "services:\n  web:\n\timage: nginx:1.27\n"},
        Probe((Row("parse error", None, ("compose.yml", "CL101", 3, 1, None)),)),
    ),
}


def write_project(directory: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text)
    return directory / next(iter(files))


@pytest.mark.parametrize("name", sorted(EXTRA_PROBES))
def test_extra_probes_give_compose_lint_true_findings(tmp_path: Path, name: str) -> None:
    files, probe = EXTRA_PROBES[name]
    assert lint(write_project(tmp_path, files), tmp_path) == probe.expected


# One probe per compose-lint rule the cases above do not cover (the capability families split), each
# linted with only that rule's equivalents: the service `s` below, then the text.
CATALOGUE_PROBES: dict[str, tuple[str, set[tuple[str, int, int]]]] = {
    "CL-0004": (
        "  t1:\n    image: example/t:stable\n  t2:\n    image: example/t:edge\n  t3:\n    image: example/t:nightly\n"
        "  t4:\n    image: example/t:dev\n  t5:\n    image: example/t:test\n  t6:\n    image: example/t:latest\n"
        "  digest:\n    image: example/t@sha256:"
        + "0" * 64
        + "\n  built:\n    build: .\n    image: example/t\n",
        {("CL502", line, 12) for line in (5, 7, 9, 11, 13, 15)},
    ),
    "CL-0009": (
        '    security_opt: ["seccomp:unconfined", "apparmor=unconfined", "label:disable"]\n',
        {("CL405", 4, 20), ("CL405", 4, 42), ("CL405", 4, 65)},
    ),
    "CL-0010": ("    ipc: host\n", {("CL404", 4, 10)}),
    "CL-0011": (
        "    cap_add: [BPF, SYS_BOOT, cap_net_admin]\n",
        {("CL408", 4, 15), ("CL408", 4, 20), ("CL408", 4, 30)},
    ),
    "CL-0013": (
        "    volumes:\n      - /sys:/sys\n      - /home:/home\n      - /dev/null:/dev/null\n",
        {("CL403", 5, 9), ("CL403", 6, 9)},
    ),
    "CL-0014": ("    logging:\n      driver: none\n", {("CL510", 5, 15)}),
    "CL-0016": ("    devices:\n      - /dev/sda:/dev/sda\n", {("CL412", 5, 9)}),
    "CL-0017": ("    volumes:\n      - /srv/x:/x:rshared\n", {("CL413", 5, 9)}),
    "CL-0018": ('    user: "0:0"\n', {("CL410", 4, 11)}),
    "CL-0020": (
        "    environment:\n      DB_PASSWORD: hunter2\n      TOKEN_TTL_MINUTES: 30\n",
        {("CL415", 5, 20)},
    ),
    "CL-0021": (
        "    environment:\n      URL: postgres://u:${PW:-hunter2}@db/x\n      SAFE: postgres://u:${PW}@db/x\n",
        {("CL416", 5, 12)},
    ),
    "CL-0022": ("    tmpfs:\n      - /run:exec\n", {("CL414", 5, 9)}),
    "CL-0024": (
        "    cap_add: [ALL, SYS_MODULE, SYS_RAWIO]\n",
        {("CL408", 4, 15), ("CL408", 4, 20), ("CL408", 4, 32)},
    ),
    "CL-0027": ("    cap_add: [SYS_PTRACE, DAC_READ_SEARCH]\n", {("CL408", 4, 15), ("CL408", 4, 27)}),
    "CL-0028": ("    cap_add: [PERFMON, SYS_TIME]\n", {("CL408", 4, 15), ("CL408", 4, 24)}),
    "CL-0029": ("    cap_add: [SYS_NICE, IPC_LOCK, LEASE]\n", {("CL419", 4, 14)}),  # once, at the list
    "CL-0030": ("    cap_add: [SYSLOG]\n", {("CL408", 4, 15)}),
}


@pytest.mark.parametrize("peer", sorted(CATALOGUE_PROBES))
def test_each_compose_lint_rule_has_its_equivalent(tmp_path: Path, peer: str) -> None:
    text, expected = CATALOGUE_PROBES[peer]
    path = tmp_path / "compose.yml"
    path.write_text("services:\n  s:\n    image: example/s:1.0\n" + text)
    options = RunOptions(environ={}, cwd=str(tmp_path), root=str(tmp_path))
    result = lint_project(project_for_file(str(path)), Settings(select=EQUIVALENTS[peer]), options)
    assert {(f.rule_id, f.line, f.column) for f in result.findings} == expected


def all_rows() -> list[Row]:
    return [row for probe in CASES.values() for row in probe.rows] + [
        row for _, probe in EXTRA_PROBES.values() for row in probe.rows
    ]


def test_rows_map_to_the_equivalent_rule_at_compose_lint_line() -> None:
    for row in all_rows():
        if row.ours is None:
            assert row.dropped, row
            continue
        _, rule, line, _, _ = row.ours
        assert rule in EQUIVALENTS[row.peer], row
        assert row.peer_line in (None, line) or row.moved, row


def test_the_mapping_covers_every_compose_lint_rule_with_real_rules() -> None:
    ours = {rule.id for rule in builtin_rules()}
    mapped = {rule for rules in (*EQUIVALENTS.values(), *ABSENCE_EQUIVALENTS.values()) for rule in rules}
    assert mapped <= ours
    # compose-lint 0.36.2 ships CL-0001..CL-0030 less the retired 0012, 0015 and 0023 (peers.md §2).
    shipped = {f"CL-{n:04d}" for n in range(1, 31)} - {"CL-0012", "CL-0015", "CL-0023"}
    assert {peer for peer in (*EQUIVALENTS, *ABSENCE_EQUIVALENTS) if peer.startswith("CL-")} == shipped
    # Every non-absence equivalent is exercised by a case, an extra probe or a catalogue probe.
    exercised = {row.peer for row in all_rows()} | set(CATALOGUE_PROBES)
    assert exercised == set(EQUIVALENTS)
