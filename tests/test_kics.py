"""Users switching from KICS lose nothing: every sample of KICS's 21 Docker Compose queries
(``shared/kics/``, Apache-2.0, with its ``positive_expected_result.json`` lines and ``INDEX.tsv``) runs
through the composelint rules the query maps to. Every positive is found at KICS's line, every
negative is clean, except where KICS is wrong or anchors elsewhere: each exception is listed below with
its reason, and the test pins what composelint reports instead, so a change of behaviour shows.

KICS's line is the line of a key or of the offending list item; composelint points at the offending
node. Where the two differ (KICS reports the `ports:` key, composelint the entry below it) the
difference is listed in ``ANCHORS``.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from composelint.compose.discovery import ProjectSpec
from composelint.engine import RunOptions, lint_project
from composelint.registry import Registry
from composelint.settings import Settings
from tests.conftest import SHARED, shared

KICS = SHARED / "kics"
POST = "_index-only-post-2.1.8"


@dataclass(frozen=True)
class Query:
    """The composelint rules (and options) that report what a KICS query reports."""

    rules: tuple[str, ...]
    options: dict[str, dict[str, object]] = field(default_factory=dict)


QUERIES: dict[str, Query] = {
    "cgroup_not_default": Query(("CL418",)),  # cgroup-parent (opt-in)
    # cap-add-present (opt-in) for "cap_add is set", missing-cap-drop-all (opt-in) for "no cap_drop";
    # dangerous-capability (on by default) reports `ALL` itself, at the entry.
    "container_capabilities_unrestricted": Query(("CL419", "CL409", "CL408")),
    "container_traffic_not_bound_to_host_interface": Query(("CL204", "CL202")),
    "cpus_not_limited": Query(("CL505",)),
    "default_seccomp_profile_disabled": Query(("CL405",)),
    "docker_socket_mounted_in_container": Query(("CL402",)),
    "healthcheck_not_set": Query(("CL512", "CL507")),  # missing (opt-in), disabled
    "host_namespace_is_shared": Query(("CL404",)),
    "memory_not_limited": Query(("CL504",)),
    "no_new_privileges_not_set": Query(("CL406", "CL407")),  # explicitly false, missing (opt-in)
    "pids_limit_not_set": Query(("CL506",)),
    "privileged_containers_enabled": Query(("CL401",)),
    # privileged-host-port (opt-in); invalid-port-spec for the ports Compose refuses.
    "privileged_ports_mapped_in_container": Query(("CL205", "CL107")),
    "restart_policy_on_failure_not_set_to_5": Query(("CL509",), {"CL509": {"required-max-attempts": 5}}),
    "security_opt_not_set": Query(("CL420",)),
    "shared_host_ipc_namespace": Query(("CL404",)),
    "shared_host_network_namespace": Query(("CL404",)),
    "shared_host_user_namespace": Query(("CL404",)),
    "shared_volumes_between_containers": Query(("CL421",)),
    # KICS reports any host path below /var; composelint only /var/log, /var/lib/docker... unless told.
    "volume_has_sensitive_host_directory": Query(("CL403",), {"CL403": {"extra-paths": ["/var"]}}),
    # KICS reports slave and rslave propagation too, which only composelint's option does.
    "volume_mounted_in_multiple_containers": Query(("CL413",), {"CL413": {"include-slave": True}}),
}

PORTS_KEY = "KICS reports the `ports:` key; composelint the offending entry, on the next line"
PUBLISHED = "KICS reports the `ports:` key; composelint the `published:` value of the long-syntax entry"
LIMITS_KEY = (
    "KICS reports the deepest key of deploy.resources.limits that exists; composelint reports the "
    "service, which is what lacks the limit"
)
NNP_ENTRY = "KICS reports the `security_opt:` key; composelint the `no-new-privileges:false` entry"
RESTART_CONDITION = "KICS reports `max_attempts`; restart-policy reports the deploy policy at its `condition`"
CAP_ADD_LIST = "KICS reports the `cap_add:` key; cap-add-present the list below it"

# (sample, KICS line) -> (composelint line, why they differ).
ANCHORS: dict[tuple[str, int], tuple[int, str]] = {
    **{
        (f"container_traffic_not_bound_to_host_interface/positive{n}.yaml", 11): (12, PORTS_KEY)
        for n in (1, 2)
    },
    ("container_traffic_not_bound_to_host_interface/positive3.yaml", 11): (13, PUBLISHED),
    **{(f"privileged_ports_mapped_in_container/positive{n}.yaml", 11): (12, PORTS_KEY) for n in (3, 9)},
    ("privileged_ports_mapped_in_container/positive1.yaml", 5): (6, PORTS_KEY),
    ("privileged_ports_mapped_in_container/positive1.yaml", 12): (13, PORTS_KEY),
    ("cpus_not_limited/positive1.yaml", 9): (3, LIMITS_KEY),
    ("cpus_not_limited/positive4.yaml", 5): (3, LIMITS_KEY),
    ("cpus_not_limited/positive5.yaml", 8): (3, LIMITS_KEY),
    ("memory_not_limited/positive1.yaml", 9): (3, LIMITS_KEY),
    ("memory_not_limited/positive4.yaml", 8): (3, LIMITS_KEY),
    ("memory_not_limited/positive5.yaml", 5): (3, LIMITS_KEY),
    ("no_new_privileges_not_set/positive1.yaml", 12): (13, NNP_ENTRY),
    ("restart_policy_on_failure_not_set_to_5/positive4.yaml", 17): (15, RESTART_CONDITION),
    **{(f"container_capabilities_unrestricted/positive{n}.yaml", 13): (14, CAP_ADD_LIST) for n in (1, 2, 3)},
}

CONTAINER_PORT = (
    "KICS false positive (security-rules.md §1.5, §9): only the container port is below 1024; the host "
    "binds an unprivileged or random port, which is what CIS 5.7 is about"
)
# Samples where composelint deliberately reports something else than KICS: sample -> (what composelint
# reports, as (rule, line) pairs, in place of KICS's expectation; why).
DIVERGENCES: dict[str, tuple[set[tuple[str, int]], str]] = {
    "volume_has_sensitive_host_directory/positive1.yaml": (
        set(),
        "KICS false positive (§1.5, §9): `- /var/lib/backup/data` is an anonymous volume, not a host path",
    ),
    "default_seccomp_profile_disabled/positive1.yaml": (
        set(),
        "KICS false positive (substring match, §1.5): Docker splits `label:seccomp:unconfined` at the first "
        "`:`, so it is an SELinux label option (refused on SELinux hosts, ignored elsewhere): seccomp stays on",
    ),
    **{
        f"privileged_ports_mapped_in_container/{name}.yaml": (set(), CONTAINER_PORT)
        for name in (
            "positive2",
            "positive4",
            "positive5",
            "positive8",
            "positive10",
            "positive11",
            "positive12",
        )
    },
    **{
        f"privileged_ports_mapped_in_container/{name}.yaml": (
            {("CL107", 12)},
            "Docker Compose refuses the file: host and container port ranges differ in length "
            f"({ports}); invalid-port-spec reports the entry and nothing is published",
        )
        for name, ports in (("positive6", "90-9091:8080-8081"), ("positive7", "9090-9091:80-8081"))
    },
    "privileged_ports_mapped_in_container/negative5.yaml": (
        {("CL107", 12)},
        "Docker Compose refuses the file: host and container port ranges differ in length "
        "(9000-9091:8080-8081); invalid-port-spec reports the entry",
    ),
    "restart_policy_on_failure_not_set_to_5/positive1.yaml": (
        {("CL509", 15)},
        "KICS line 6 is `restart: on-failure:10`, which Compose ignores because deploy.restart_policy wins "
        "(and says the same): the policy is reported once, at the deploy policy's condition (KICS line 17)",
    ),
    f"{POST}/privileged_ports_mapped_in_container/positive13.yaml": (
        set(),
        "unverified index-only sample (see its README): target 8000 and published 8080 are both unprivileged, "
        "and KICS's line 15 is the `cap_drop:` key",
    ),
    # KICS reports an empty `deploy:` a second time; composelint reports the service once.
    "cpus_not_limited/positive3.yaml": ({("CL505", 3)}, "KICS double report of an empty `deploy:` (line 7)"),
    "memory_not_limited/positive3.yaml": (
        {("CL504", 3)},
        "KICS double report of an empty `deploy:` (line 7)",
    ),
    **{
        f"container_traffic_not_bound_to_host_interface/negative{n}.yaml": (
            {("CL204", 13)},
            "KICS false negative (§1.5, §9): `published: 127.0.0.1:...` is not compose-spec; Compose keeps it "
            "as the published port with no host_ip, so the port is not bound to an interface",
        )
        for n in (4, 5, 6)
    },
}

Found = set[tuple[str, int]]


def lint(path: Path, query: Query) -> Found:
    settings = Settings(select=query.rules, rule_options=query.options)
    result = lint_project(ProjectSpec((str(path),)), settings, RunOptions(environ={}, cwd=str(path.parent)))
    return {(f.rule_id, f.line) for f in result.findings if Path(f.path) == path}


@dataclass(frozen=True)
class Sample:
    file: str  # relative to shared/kics
    query: str  # the KICS query folder
    positive: bool
    lines: tuple[int, ...]


def samples() -> list[Sample]:
    index = KICS / "INDEX.tsv"
    if not index.exists():
        return []
    out = []
    with index.open() as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            file = row["file"]
            lines = tuple(int(n) for n in row["expected_lines"].split(",") if n)
            query = file.removeprefix(f"{POST}/").split("/")[0]
            out.append(Sample(file, query, row["kind"] == "positive", lines))
    return out


SAMPLES = samples()


def test_every_query_and_sample_is_covered() -> None:
    shared("kics")
    folders = {p.name for p in KICS.iterdir() if p.is_dir() and p.name != POST}
    assert folders == set(QUERIES), "every KICS query maps to composelint rules"
    on_disk = {str(p.relative_to(KICS)) for p in KICS.rglob("*.yaml")}
    assert on_disk == {s.file for s in SAMPLES}
    kinds = Counter((s.file.startswith(POST), s.positive) for s in SAMPLES)
    assert kinds == {(False, True): 64, (False, False): 47, (True, True): 1, (True, False): 2}
    stale = {f for f, _ in ANCHORS} | set(DIVERGENCES)
    assert stale <= on_disk, f"exceptions for samples that do not exist: {stale - on_disk}"


@pytest.mark.parametrize("query", sorted(QUERIES))
def test_index_matches_kics_expected_results(query: str) -> None:
    """INDEX.tsv was derived from KICS's own positive_expected_result.json: the lines agree."""
    expected = json.loads(shared("kics", query, "positive_expected_result.json").read_text())
    from_json = Counter((f"{query}/{entry['filename']}", entry["line"]) for entry in expected)
    from_index = Counter(
        (s.file, line)
        for s in SAMPLES
        if s.query == query and not s.file.startswith(POST)
        for line in s.lines
    )
    assert from_json == from_index


def test_mapped_rules_exist() -> None:
    registry = Registry.default(with_plugins=False)
    missing = sorted({rule for q in QUERIES.values() for rule in q.rules} - set(registry.by_id))
    assert not missing, f"KICS queries map to rules that do not exist: {missing}"


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.file)
def test_kics_sample(sample: Sample) -> None:
    path = shared("kics", sample.file)
    query = QUERIES[sample.query]
    found = lint(path, query)
    if sample.file in DIVERGENCES:
        instead, reason = DIVERGENCES[sample.file]
        assert found == instead, reason
        return
    if not sample.positive:
        assert found == set(), f"KICS negative {sample.file} must be clean"
        return
    lines = {line for _, line in found}
    for kics_line in sample.lines:
        line, reason = ANCHORS.get((sample.file, kics_line), (kics_line, "same line"))
        assert line in lines, f"KICS line {kics_line} ({reason}): composelint found {sorted(found)}"


@pytest.mark.parametrize(
    ("sample", "query"),
    [
        ("cpus_not_limited/positive2.yaml", "cpus_not_limited"),
        ("memory_not_limited/positive2.yaml", "memory_not_limited"),
        ("pids_limit_not_set/positive1.yaml", "pids_limit_not_set"),
    ],
)
def test_limits_are_checked_without_a_version_key(sample: str, query: str, tmp_path: Path) -> None:
    """KICS runs its limit queries only when `version:` exists (pids only below 3): composelint checks
    version-less files too, the modern form (security-rules.md §1.5)."""
    text = shared("kics", sample).read_text()
    assert text.startswith("version:")
    without = tmp_path / "compose.yaml"
    without.write_text(text.split("\n", 1)[1])
    found = lint(without, QUERIES[query])
    assert {rule for rule, _ in found} == set(QUERIES[query].rules)
