"""Baselines: record today's findings once, then report only new ones.

The file lists fingerprints (see ``fingerprint.py``) with paths relative to the baseline's own
directory, so it works from any working directory and survives edits elsewhere in the linted files.
Rule, path, YAML path and message are kept beside each fingerprint for the reader; only the
fingerprint is compared.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Mapping, Sequence

from composelint import __version__
from composelint.compose.atomic import write_atomically
from composelint.compose.errors import UsageError
from composelint.finding import Finding
from composelint.fingerprint import Place, fingerprints, relative_posix

FORMAT_VERSION = 1


def base_dir(path: str) -> str:
    return os.path.dirname(os.path.abspath(path))


def write(path: str, findings: Sequence[Finding], places: Mapping[Finding, Place]) -> None:
    base = base_dir(path)
    prints = fingerprints(findings, places, base)
    entries = sorted(
        (
            {
                "fingerprint": prints[f],
                "rule": f.rule_id,
                "path": relative_posix(f.path, base),
                "node": "/".join(places[f].path) if f in places else "",
                "message": f.message,
            }
            for f in findings
        ),
        key=lambda e: (e["path"], e["rule"], e["node"], e["fingerprint"]),
    )
    document = {"composelint_baseline": FORMAT_VERSION, "version": __version__, "findings": entries}
    try:
        write_atomically(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise UsageError(f"cannot write baseline {path}: {exc.strerror}") from None


def read(path: str) -> Counter[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except FileNotFoundError:
        raise UsageError(f"baseline {path} does not exist (create it with --write-baseline)") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"cannot read baseline {path}: {exc}") from None
    valid = isinstance(document, dict) and document.get("composelint_baseline") == FORMAT_VERSION
    entries = document.get("findings") if valid else None
    if not isinstance(entries, list):
        raise UsageError(f"{path} is not a composelint baseline (version {FORMAT_VERSION})")
    return Counter(
        e["fingerprint"] for e in entries if isinstance(e, dict) and isinstance(e.get("fingerprint"), str)
    )


def new_findings(
    known: Counter[str], base: str, findings: Sequence[Finding], places: Mapping[Finding, Place]
) -> list[Finding]:
    """The findings a baseline (read from directory ``base``) does not record; each recorded
    fingerprint absorbs one finding."""
    remaining = known.copy()
    prints = fingerprints(findings, places, base)
    kept = []
    for finding in findings:
        if remaining[prints[finding]] > 0:
            remaining[prints[finding]] -= 1
        else:
            kept.append(finding)
    return kept
