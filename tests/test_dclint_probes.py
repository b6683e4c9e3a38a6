"""Users switching from dclint lose nothing: every true finding dclint 3.1.0 gives on the probe files
of ``shared/peer-cases/dclint`` (its results are in ``shared/reference/peers.md`` §4) has a composelint
equivalent, at the offending node rather than at the parent key, and dclint's documented false
positives are not reproduced.

dclint's defaults are mirrored with two rule options: double-quoted ports count as unquoted unless
single-quoted (``require-quotes-in-ports``, ``quote: single``) and service keys outside its groups
must come last (``service-keys-order``, ``others-last``). composelint's own defaults are more lenient
on both, which the last tests check.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from composelint.compose.discovery import ProjectSpec
from composelint.engine import RunOptions, lint_project
from composelint.settings import Settings
from tests.conftest import shared

# dclint's 15 rules and its YAML/schema checks, as composelint rules.
DCLINT_EQUIVALENTS = (
    "CL101",  # invalid-yaml
    "CL102",  # invalid-yaml (duplicate keys)
    "CL103",  # invalid-schema
    "CL118",  # invalid-schema (empty file)
    "CL112",  # no-duplicate-container-names
    "CL202",  # no-unbound-port-interfaces, for databases
    "CL203",  # no-duplicate-exported-ports
    "CL204",  # no-unbound-port-interfaces
    "CL501",  # service-image-require-explicit-tag (no tag)
    "CL502",  # service-image-require-explicit-tag (prohibited tags)
    "CL511",  # no-build-and-image
    "CL601",  # no-version-field
    "CL602",  # services-alphabetical-order
    "CL603",  # service-keys-order
    "CL604",  # top-level-properties-order
    "CL605",  # service-dependencies-alphabetical-order
    "CL606",  # service-ports-alphabetical-order
    "CL607",  # require-quotes-in-ports
    "CL608",  # no-quotes-in-volumes
    "CL609",  # require-project-name-field
    "CL610",  # service-container-name-regex
)
DCLINT_DEFAULTS = {"CL607": {"quote": "single"}, "CL603": {"others-last": True}}

Found = set[tuple[str, int, int]]


def lint(
    path: Path,
    rule_options: dict[str, dict[str, object]] | None = None,
    environ: dict[str, str] | None = None,
) -> Found:
    settings = Settings(select=DCLINT_EQUIVALENTS, rule_options=rule_options or {})
    options = RunOptions(environ=environ or {}, cwd=str(path.parent))
    result = lint_project(ProjectSpec((str(path),)), settings, options)
    return {(f.rule_id, f.line, f.column) for f in result.findings}


# Per probe: what dclint reports (line, rule) -> what composelint reports for it, and what dclint
# misses that composelint finds. dclint's column is always 1 and its port findings sit on `ports:`.
PROBES: dict[str, Found] = {
    "01-valid-simple.yml": {
        # 4:1 no-unbound-port-interfaces on nginx's "8080:80": a web entry point, left alone.
        ("CL609", 1, 1),  # 1:1 require-project-name-field
        ("CL607", 5, 9),  # 5:1 require-quotes-in-ports (double quotes, dclint wants single)
        ("CL603", 6, 5),  # 6:1 service-keys-order (depends_on after ports)
        ("CL602", 8, 3),  # 8:1 services-alphabetical-order
    },
    "02-dup-host-ports.yml": {
        ("CL203", 9, 9),  # 8:1 no-duplicate-exported-ports
        # 4:1 and 8:1 no-unbound-port-interfaces on "8080:80" (nginx, httpd): web entry points.
        ("CL609", 1, 1),
        ("CL607", 5, 9),
        ("CL607", 9, 9),
    },
    "03-postgres-published.yml": {
        ("CL202", 7, 9),  # 6:1 no-unbound-port-interfaces: a database, so an error of its own
        ("CL609", 1, 1),
        ("CL607", 7, 9),
    },
    "04-malformed.yml": {("CL101", 4, 11)},  # 3:12 invalid-yaml (the first of several errors)
    "05-unknown-top-level.yml": {
        ("CL103", 4, 1),  # 1:1 invalid-schema, without the key or its line
        ("CL609", 1, 1),  # dclint stops at the schema error
    },
    "06-interp-ports.yml": {
        # 4:1 no-unbound-port-interfaces on "${WEB_PORT:-8080}:80": a web entry point (the second port
        # is on 127.0.0.1).
        ("CL609", 1, 1),
        ("CL607", 5, 9),
        ("CL607", 6, 9),
        # 4:1 service-ports-alphabetical-order compared "${ADMIN_PORT" with "${WEB_PORT": not reported.
    },
    "07-anchor-merge.yml": {
        ("CL609", 1, 1),
        # 9:1 and 12:1 service-keys-order blamed `command` for the `<<:` merge key: not reported.
        # dclint misses the latest tag and the duplicated port inside the anchor ("8080:80", a web
        # entry point, so not unbound-port):
        ("CL502", 3, 10),
        ("CL203", 5, 7),
        ("CL607", 5, 7),
    },
    "08-bind-mount.yml": {("CL608", 7, 9), ("CL609", 1, 1)},
    "09-network-host.yml": {
        ("CL609", 1, 1),
        ("CL603", 6, 5),  # 6:1 service-keys-order: `pid` before `privileged` (others last, alphabetically)
    },
    "10-empty.yml": {("CL118", 1, 1)},  # 1:1 invalid-schema "must be object"
    # 4:5 invalid-yaml (dclint stops at the first duplicate; we report the duplicate service too)
    "11-dup-keys.yml": {("CL102", 4, 5), ("CL102", 5, 3)},
    "12-clean-by-dclint.yml": set(),
}


@pytest.mark.parametrize("probe", sorted(PROBES))
def test_every_true_dclint_finding_has_an_equivalent(probe: str) -> None:
    path = shared("peer-cases", "dclint", probe)
    assert lint(path, DCLINT_DEFAULTS) == PROBES[probe]


def test_every_probe_is_covered() -> None:
    probes = shared("peer-cases", "dclint")
    assert sorted(p.name for p in probes.glob("*.yml")) == sorted(PROBES)


def test_quote_style_and_key_order_pedantry_are_opt_in() -> None:
    # With composelint's defaults, double quotes are quotes and `profiles`/`pid` may go anywhere.
    assert not {f for f in lint(shared("peer-cases", "dclint", "01-valid-simple.yml")) if f[0] == "CL607"}
    assert ("CL603", 6, 5) not in lint(shared("peer-cases", "dclint", "09-network-host.yml"))


EXTRA_PROBES: dict[str, tuple[str, dict[str, str], Found]] = {
    # e01: templated names and images, set at deploy time; dclint reports both as errors.
    "templated.yml": (
        "services:\n  db:\n    image: ${DB_IMAGE}\n    container_name: ${COMPOSE_PROJECT_NAME}-db\n",
        {"DB_IMAGE": "postgres:16.4"},
        set(),
    ),
    # e10: a container-only port is published on a random host port of every interface.
    "container-port.yml": (
        "services:\n  web:\n    image: nginx:1.27\n    ports: ['80']\n",
        {},
        {("CL204", 4, 13)},
    ),
    # e12 (5 of 5 dclint duplicate-port findings on the corpus): container-only ports never clash.
    "container-only.yml": (
        "services:\n  a:\n    image: a:1.0\n    ports: ['8080']\n  b:\n    image: b:1.0\n    ports: ['8080']\n",
        {},
        {("CL204", 4, 13), ("CL204", 7, 13)},
    ),
    # e02: the same port on two loopback addresses is two sockets.
    "two-loopbacks.yml": (
        "services:\n  a:\n    image: a:1.0\n    ports: ['127.0.0.1:8080:80']\n"
        "  b:\n    image: b:1.0\n    ports: ['127.0.0.2:8080:80']\n",
        {},
        set(),
    ),
    # e03: services of two profiles that never run together; `profiles` is not a misplaced key either.
    "profiles.yml": (
        "services:\n  a:\n    image: a:1.0\n    profiles: [dev]\n    ports: ['127.0.0.1:8080:80']\n"
        "  b:\n    image: b:1.0\n    profiles: [prod]\n    ports: ['127.0.0.1:8080:80']\n",
        {},
        set(),
    ),
}


@pytest.mark.parametrize("name", sorted(EXTRA_PROBES))
def test_dclint_false_positives_are_not_reproduced(tmp_path: Path, name: str) -> None:
    text, environ, expected = EXTRA_PROBES[name]
    path = tmp_path / name
    path.write_text("name: probe\n" + text)
    # One line of `name:` added on top: the expected lines are those of the text plus one.
    assert lint(path, environ=environ) == {(rule, line + 1, column) for rule, line, column in expected}


# The style rules over the shared corpus, beside dclint's counts on the same files (peers.md §4b),
# every difference explained. dclint ran on 538 files (it crashes on signoz) and stops at a schema error.
STYLE_ON_CORPUS = {
    "CL601": 278,  # no-version-field: 278
    "CL602": 401,  # services-alphabetical-order: 396, plus 5 in signoz
    # service-keys-order: 2,227; here "other keys last, alphabetically" is opt-in (with `others-last`,
    # 2,162 outside signoz) and keys after a `<<:` merge key are not blamed (dclint issue #266).
    "CL603": 2035,
    "CL604": 41,  # top-level-properties-order: 42, one for x- extensions not in alphabetical order
    "CL605": 82,  # service-dependencies-alphabetical-order: 82
    "CL606": 14,  # service-ports-alphabetical-order: 17, 3 of them comparing "${VAR" texts (livekit, supabase)
    # require-quotes-in-ports: 555, wanting single quotes; here any quotes do, so only the 371 plain
    # entries (with `quote: single`, 371 + 193 double-quoted = 564 outside signoz).
    "CL607": 371,
    "CL608": 38,  # no-quotes-in-volumes: 38
    "CL609": 531,  # require-project-name-field: 528 files (+ signoz and the 2 files failing its schema)
    "CL610": 0,  # service-container-name-regex: 13, all "${CONTAINER_PREFIX}-studio"-style templates
}


def test_style_rules_over_the_corpus_match_dclint_minus_its_false_positives(tmp_path: Path) -> None:
    corpus = shared("corpus")
    rules = ",".join(STYLE_ON_CORPUS)
    result = subprocess.run(
        [sys.executable, "-m", "composelint", "check", "--format", "json", "--select", rules, str(corpus)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "COMPOSELINT_CACHE_DIR": str(tmp_path / "cache"),
        },
        timeout=300,
    )
    assert result.returncode in (0, 1), result.stderr
    counts = Counter(f["rule"] for f in json.loads(result.stdout)["findings"])
    assert counts == {rule: n for rule, n in STYLE_ON_CORPUS.items() if n}
