"""Effective settings for a run: rule selection, severities, options and project policies."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from composelint.compose.limits import DEFAULT_LIMITS, Limits
from composelint.finding import Severity

DEFAULT_PRODUCTION_PROFILES = ("prod", "production")
_EMPTY: Mapping[str, Any] = MappingProxyType({})


class Settings(NamedTuple):
    """A named tuple (immutable; ``_replace`` makes a changed copy), not a dataclass: see limits.py."""

    # Rule selection: ids ("CL202"), id prefixes ("CL4") or names ("exposed-database").
    select: tuple[str, ...] | None = None  # None: the rules enabled by default
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = _EMPTY  # rule id -> severity
    rule_options: Mapping[str, Mapping[str, Any]] = _EMPTY  # rule id -> options
    per_file_ignores: Mapping[str, tuple[str, ...]] = _EMPTY  # glob -> rules
    exclude: tuple[str, ...] = ()
    fail_level: Severity = Severity.WARNING
    production_profiles: tuple[str, ...] = DEFAULT_PRODUCTION_PROFILES
    # Image patterns that mark a data service, added to / removed from the built-in list.
    data_images: tuple[str, ...] = ()
    not_data_images: tuple[str, ...] = ()
    data_services: tuple[str, ...] = ()  # service names marked as data services
    critical_volumes: tuple[str, ...] = ()
    # Who may reach a service: {"db-1": ["app-1"]}.
    isolation: Mapping[str, tuple[str, ...]] = _EMPTY
    # Docker hosts that run several projects side by side: {"edge-1": ["proxy/*", "apps/*"]}, globs
    # matched against each project's main file, relative to the configuration's directory.
    hosts: Mapping[str, tuple[str, ...]] = _EMPTY
    limits: Limits = DEFAULT_LIMITS
    # Where the settings came from (for `composelint config --show-settings`).
    source: str | None = None
