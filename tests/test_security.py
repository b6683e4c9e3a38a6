"""Security rules grade what they find: the text snapshots pin positions and messages, these pin the
severity each finding gets (an error fails the default gate; a warning for what is often meant)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from composelint.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


def severities(
    rule: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> dict[int, set[str]]:
    """Line of each finding of ``rule`` in its bad fixture -> the severities found on it."""
    monkeypatch.chdir(FIXTURES / rule)
    main(["check", "--select", rule, "--format", "json", "--jobs", "1", "bad.yaml"])
    found: dict[int, set[str]] = {}
    for finding in json.loads(capsys.readouterr().out)["findings"]:
        found.setdefault(finding["line"], set()).add(finding["severity"])
    return found


def test_capabilities_that_reach_the_host_kernel_are_errors_the_rest_warnings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    found = severities("CL408", monkeypatch, capsys)
    # SYS_ADMIN, SYS_MODULE, SYS_RAWIO, DAC_READ_SEARCH, BPF, `all`.
    assert all(found[line] == {"error"} for line in (6, 7, 8, 9, 10, 14))
    # cap_sys_admin (error) beside CAP_SYS_PTRACE (warning) on one line.
    assert found[17] == {"error", "warning"}
    # NET_ADMIN, SYS_TIME, SYSLOG, MAC_ADMIN: a VPN or a clock daemon needs them.
    assert found[21] == {"warning"}


def test_root_equivalent_or_secret_host_paths_are_errors_writable_config_and_logs_warnings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    found = severities("CL403", monkeypatch, capsys)
    # /etc, /root, /etc/shadow, /var/lib/docker, /lib/modules, /proc, /sys, /run/dbus, /etc/ssh,
    # ~/.ssh, ~/.aws, ~/.kube. The /dev/sda bind on line 19 is host-devices' (CL412), not this rule's.
    assert all(found[line] == {"error"} for line in (6, 7, 8, 9, 11, 16, 17, 18, 21, 26, 27, 28))
    assert 19 not in found
    # Writable /etc/nginx, /etc/localtime, /var/log/nginx, a home directory, a volume bound to /etc/app.
    assert all(found[line] == {"warning"} for line in (33, 34, 35, 36, 37, 46))
