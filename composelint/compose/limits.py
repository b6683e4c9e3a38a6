"""Resource bounds for reading untrusted files: each is configurable and each breach is a finding."""

from __future__ import annotations

from typing import NamedTuple


# A named tuple, not a dataclass: importing dataclasses (and inspect) and building the classes cost
# 20 ms, a sixth of linting one file.
class Limits(NamedTuple):
    # Bytes of one compose or env file; larger files are not read.
    max_file_bytes: int = 8 * 1024 * 1024
    # Nodes of one YAML document after alias expansion (anchors count each time they are used).
    # Docker Compose itself stops at 100,000 node visits per document.
    max_nodes: int = 250_000
    # Nesting depth of one YAML document.
    max_depth: int = 200
    # Depth of nested `include` and `extends` chains.
    max_include_depth: int = 32
    # Files one project may pull in through include, extends and env_file (and inclusions in all).
    max_files: int = 1_000
    # Port mappings of one project once ranges are expanded (`1-65535:1-65535` is 65,535).
    max_ports: int = 65_536
    # Findings of one rule in one file; past it, one finding says how many more there were.
    max_findings: int = 500


DEFAULT_LIMITS = Limits()
# How far a configuration may raise each limit: a repository's configuration comes with the pull
# request, so it must not be able to make composelint read without bound.
CEILINGS = Limits(
    max_file_bytes=64 * 1024 * 1024,
    max_nodes=5_000_000,
    max_depth=1_000,
    max_include_depth=100,
    max_files=10_000,
    max_ports=262_144,
    max_findings=10_000,
)
