"""Reliability and operations rules (CL501-CL512): images, limits, healthchecks, restart policies."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from composelint.compose.discovery import ProjectSpec
from composelint.engine import RunOptions, lint_project
from composelint.finding import Finding
from composelint.rules.operations.common import Image, limit_number
from composelint.settings import Settings
from tests.conftest import shared


def findings(
    directory: Path,
    *files: str,
    select: tuple[str, ...],
    environ: dict[str, str] | None = None,
    **settings: object,
) -> list[Finding]:
    spec = ProjectSpec(tuple(str(directory / f) for f in files or ("compose.yaml",)))
    options = RunOptions(environ=environ or {}, cwd=str(directory))
    chosen = Settings(select=select, **settings)  # type: ignore[arg-type]
    return sorted(lint_project(spec, chosen, options).findings)


def where(found: list[Finding]) -> list[tuple[str, str, int, int]]:
    return [(f.rule_id, Path(f.path).name, f.line, f.column) for f in found]


@pytest.mark.parametrize(
    ("reference", "tag", "digest"),
    [
        ("nginx", None, None),
        ("nginx:1.27", "1.27", None),
        ("localhost:5000/team/app", None, None),
        ("localhost:5000/team/app:2.1", "2.1", None),
        ("nginx@sha256:abcd", None, "sha256:abcd"),
        ("registry.example.com:443/a/b:latest@sha256:abcd", "latest", "sha256:abcd"),
    ],
)
def test_image_references_split_as_docker_reads_them(
    reference: str, tag: str | None, digest: str | None
) -> None:
    image = Image.parse(reference)
    assert (image.tag, image.digest) == (tag, digest)


@pytest.mark.parametrize(
    ("value", "number"),
    [
        (0, 0.0),
        (-1, -1.0),
        ("512m", 512 * 2**20),
        ("1.5GiB", 1.5 * 2**30),
        ("268435456", 268435456.0),
        ("1kb", 1024.0),
    ],
)
def test_limits_read_numbers_and_byte_units(value: object, number: float) -> None:
    assert limit_number(value) == number


def test_unparsable_limits_are_not_numbers() -> None:
    assert limit_number("lots") is None
    assert limit_number(True) is None


def test_images_from_variables_are_judged_by_their_value(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    image: ${APP_IMAGE}\n")
    rules = ("CL501", "CL502", "CL503")
    # dclint reports `image: ${APP_IMAGE}` whatever it holds; unset, its value is unknown here.
    assert findings(tmp_path, select=rules) == []
    assert where(findings(tmp_path, select=rules, environ={"APP_IMAGE": "example/app:2.1"})) == [
        ("CL503", "compose.yaml", 3, 12)
    ]
    found = findings(tmp_path, select=rules, environ={"APP_IMAGE": "example/app:latest"})
    assert [f.rule_id for f in found] == ["CL502", "CL503"]
    assert "written '${APP_IMAGE}'" in found[0].message


def test_mutable_tags_are_configurable(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  a:\n    image: nginx:latest\n  b:\n    image: example/app:release\n"
    )
    assert [f.line for f in findings(tmp_path, select=("CL502",))] == [3]
    custom = {"CL502": {"tags": ["release"]}}
    assert [f.line for f in findings(tmp_path, select=("CL502",), rule_options=custom)] == [5]


@pytest.mark.parametrize("version", ["", 'version: "2.4"\n', 'version: "3.8"\n'])
def test_limits_are_checked_with_or_without_a_version_key(tmp_path: Path, version: str) -> None:
    # KICS only checks limits when `version` is present, and then only the keys of that version.
    (tmp_path / "compose.yaml").write_text(
        version + "services:\n"
        "  legacy:\n"
        "    image: example/app:1.0\n"
        "    mem_limit: 256m\n"
        "    cpus: 0.5\n"
        "    pids_limit: 100\n"
        "  deploy:\n"
        "    image: example/app:1.0\n"
        "    deploy:\n"
        "      resources:\n"
        "        limits: {memory: 256m, cpus: '0.5', pids: 100}\n"
        "  none:\n"
        "    image: example/app:1.0\n"
    )
    found = findings(tmp_path, select=("CL504", "CL505", "CL506"))
    assert sorted({f.rule_id for f in found}) == ["CL504", "CL505", "CL506"]
    assert {f.service for f in found} == {"none"}


def test_a_limit_in_an_override_file_counts(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  api:\n    image: example/api:2.1\n    mem_limit: 0\n"
    )
    found = findings(tmp_path, select=("CL504",))
    assert where(found) == [("CL504", "compose.yaml", 4, 16)]
    (tmp_path / "compose.override.yaml").write_text("services:\n  api:\n    mem_limit: 1g\n")
    assert findings(tmp_path, "compose.yaml", "compose.override.yaml", select=("CL504",)) == []


def test_images_with_a_known_healthcheck_can_be_trusted_but_disabled_ones_cannot(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  app:\n"
        "    image: example/app:2.1\n"
        "    depends_on:\n"
        "      kuma: {condition: service_healthy}\n"
        "      vault: {condition: service_healthy}\n"
        "  kuma:\n"
        "    image: louislam/uptime-kuma:1.23\n"
        "  vault:\n"
        "    image: vaultwarden/server:1.32.0\n"
        "    healthcheck: {disable: true}\n"
    )
    assert [f.line for f in findings(tmp_path, select=("CL508",))] == [5, 6]
    trusted = {"CL508": {"images-with-healthcheck": ["louislam/*", "vaultwarden/server"]}}
    (disabled,) = findings(tmp_path, select=("CL508",), rule_options=trusted)
    assert disabled.line == 6 and "disables its healthcheck" in disabled.message


def test_a_healthcheck_defined_in_an_extends_base_counts(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(
        "services:\n  db:\n    image: postgres:16.4\n    healthcheck:\n      test: [CMD, pg_isready]\n"
    )
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  app:\n"
        "    image: example/app:2.1\n"
        "    depends_on: {db: {condition: service_healthy}}\n"
        "  db:\n"
        "    extends: {file: base.yaml, service: db}\n"
    )
    assert [f.service for f in findings(tmp_path, select=("CL508", "CL512"))] == ["app"]  # app has none


def test_required_retry_limit_reproduces_the_kics_check_and_its_miss(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  bare:\n"
        "    image: example/app:1.0\n"
        "    restart: on-failure\n"
        "  three:\n"
        "    image: example/app:1.0\n"
        "    restart: on-failure:3\n"
        "  five:\n"
        "    image: example/app:1.0\n"
        "    restart: on-failure:5\n"
        "  deploy:\n"
        "    image: example/app:1.0\n"
        "    deploy: {restart_policy: {condition: on-failure, max_attempts: 4}}\n"
        "  server:\n"
        "    image: example/app:1.0\n"
        "    restart: unless-stopped\n"
    )
    assert findings(tmp_path, select=("CL509",)) == []
    options = {"CL509": {"required-max-attempts": 5}}
    found = findings(tmp_path, select=("CL509",), rule_options=options)
    assert [(f.service, f.line) for f in found] == [("bare", 4), ("three", 7), ("deploy", 13)]
    assert "unlimited retries" in found[0].message


def test_restart_overridden_by_deploy_in_another_file_is_reported_where_restart_is(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx:1.27\n    restart: always\n")
    (tmp_path / "compose.override.yaml").write_text(
        "services:\n  web:\n    deploy:\n      restart_policy:\n        condition: none\n"
    )
    found = findings(tmp_path, "compose.yaml", "compose.override.yaml", select=("CL509",))
    assert where(found) == [("CL509", "compose.yaml", 4, 14)]
    assert "`no`" in found[0].message


def test_one_shot_jobs_need_no_healthcheck(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  migrate:\n"
        "    image: example/migrate:1.0\n"
        "  app:\n"
        "    image: example/app:2.1\n"
        "    depends_on: {migrate: {condition: service_completed_successfully}}\n"
    )
    assert [f.service for f in findings(tmp_path, select=("CL512",))] == ["app"]


def test_operations_rules_that_are_off_by_default_stay_off(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx:1.27\n")
    spec = ProjectSpec((str(tmp_path / "compose.yaml"),))
    found = lint_project(spec, Settings(), RunOptions(environ={}, cwd=str(tmp_path))).findings
    assert not [f for f in found if f.rule_id in ("CL503", "CL504", "CL505", "CL506", "CL512")]
    on = lint_project(
        spec, Settings(extend_select=("missing-memory-limit",)), RunOptions(environ={})
    ).findings
    assert [f.rule_id for f in on if f.rule_id.startswith("CL5")] == ["CL504"]


def corpus_counts(tmp_path: Path, rules: tuple[str, ...]) -> Counter[str]:
    corpus = shared("corpus")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "composelint",
            "check",
            "--format",
            "json",
            "--select",
            ",".join(rules),
            str(corpus),
        ],
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
    return Counter(f["rule"] for f in json.loads(result.stdout)["findings"])


# Off-by-default audit rules over the shared corpus (539 files, 1,231 services); reviewed by hand.
OPT_IN_EXPECTED = {
    # Host ports below 1024: proxies on 80, DNS (53, 67) in pihole/adguard, mail ports in mailu/poste.io.
    "CL205": 38,
    # Every pulled image but the few pinned by digest (services that build are skipped).
    "CL503": 1160,
    # Services without limits: nearly all of them, as expected of templates.
    "CL504": 1218,
    "CL505": 1224,
    "CL506": 1229,
    # Services without a healthcheck test, jobs waited on with service_completed_successfully excepted.
    "CL512": 830,
}


def test_opt_in_operations_rules_over_the_corpus(tmp_path: Path) -> None:
    assert corpus_counts(tmp_path, tuple(OPT_IN_EXPECTED)) == OPT_IN_EXPECTED
