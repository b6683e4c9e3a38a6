"""The compiled schema validator's disk cache is untrusted: nothing planted in it runs, a bad entry
never silences schema errors, and the cache heals."""

from __future__ import annotations

import hashlib
import hmac
import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

from composelint.compose import schema

INVALID = "services:\n  web:\n    image: nginx:1.27\n    imagee: nginx\n"


def lint(tmp_path: Path) -> tuple[int, list[str], str]:
    (tmp_path / "project").mkdir(exist_ok=True)
    (tmp_path / "project" / "compose.yaml").write_text(INVALID)
    result = subprocess.run(
        [sys.executable, "-m", "composelint", "check", "--format", "json", "compose.yaml"],
        cwd=tmp_path / "project",
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **os.environ,
            "COMPOSELINT_CACHE_DIR": str(tmp_path / "cache"),
            "XDG_STATE_HOME": str(tmp_path / "state"),
        },
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, [f["rule"] for f in json.loads(result.stdout)["findings"]], result.stderr


def cache_file(tmp_path: Path) -> Path:
    (entry,) = (tmp_path / "cache").glob("compose-spec-*.marshal")
    return entry


EVIL = """
import pathlib
pathlib.Path({marker!r}).write_text("pwned")
def validate_compose_spec_json(data):
    return data
"""


def planted(marker: Path) -> bytes:
    return marshal.dumps(compile(EVIL.format(marker=str(marker)), "evil", "exec"))


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param(lambda marker: planted(marker), id="planted code"),
        pytest.param(
            lambda marker: b"composelint-validator\n" + b"\0" * 32 + planted(marker), id="forged mac"
        ),
        pytest.param(lambda marker: marshal.dumps(42), id="wrong type"),
        pytest.param(lambda marker: b"\x00\x01garbage", id="garbage"),
        pytest.param(lambda marker: b"", id="empty"),
    ],
)
def test_a_bad_cache_entry_never_runs_nor_silences_schema_errors(tmp_path: Path, entry: object) -> None:
    code, rules, _ = lint(tmp_path)  # the first run fills the cache
    assert code == 1 and "CL103" in rules
    good = cache_file(tmp_path).read_bytes()
    marker = tmp_path / "pwned"
    cache_file(tmp_path).write_bytes(entry(marker))  # type: ignore[operator]
    code, rules, _ = lint(tmp_path)
    assert not marker.exists()
    assert code == 1 and "CL103" in rules and "CL100" not in rules
    assert cache_file(tmp_path).read_bytes() == good  # healed: compiled anew and written over
    assert lint(tmp_path)[1] == rules


def test_a_signed_entry_of_the_wrong_type_is_rebuilt(tmp_path: Path) -> None:
    lint(tmp_path)
    key = (tmp_path / "state" / "composelint" / "cache-key").read_bytes()
    entry = cache_file(tmp_path)
    tag = entry.name.removeprefix("compose-spec-").removesuffix(".marshal")
    payload = marshal.dumps(("not", "code"))
    mac = hmac.new(key, tag.encode() + b"\0" + payload, hashlib.sha256).digest()
    entry.write_bytes(b"composelint-validator\n" + mac + payload)
    code, rules, _ = lint(tmp_path)
    assert code == 1 and "CL103" in rules and "CL100" not in rules


def test_a_key_others_can_read_is_not_trusted(tmp_path: Path) -> None:
    key = tmp_path / "state" / "composelint" / "cache-key"
    key.parent.mkdir(parents=True)
    key.write_bytes(b"k" * 32)
    key.chmod(0o644)
    code, rules, _ = lint(tmp_path)
    assert code == 1 and "CL103" in rules
    assert list(tmp_path.glob("cache/compose-spec-*")) == []  # nothing is cached with an untrusted key


def test_the_key_is_made_private_and_apart_from_the_cache(tmp_path: Path) -> None:
    lint(tmp_path)
    key = tmp_path / "state" / "composelint" / "cache-key"
    assert key.stat().st_mode & 0o777 == 0o600 and len(key.read_bytes()) == 32
    assert not any(p.name == "cache-key" for p in (tmp_path / "cache").rglob("*"))


def test_a_failed_cache_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    target = tmp_path / "cache" / "entry.marshal"
    schema._write_cache(target, b"x" * 1000)
    assert list((tmp_path / "cache").iterdir()) == []
