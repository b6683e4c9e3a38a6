"""Effective settings for a run: rule selection, severities, options and project policies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from composelint.compose.limits import DEFAULT_LIMITS, Limits
from composelint.finding import Severity

DEFAULT_PRODUCTION_PROFILES = ("prod", "production")


@dataclass(frozen=True)
class Settings:
    # Rule selection: ids ("CL202"), id prefixes ("CL4") or names ("exposed-database").
    select: tuple[str, ...] | None = None  # None: the rules enabled by default
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)  # rule id -> severity
    rule_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # rule id -> options
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # glob -> rules
    exclude: tuple[str, ...] = ()
    fail_level: Severity = Severity.WARNING
    production_profiles: tuple[str, ...] = DEFAULT_PRODUCTION_PROFILES
    # Image patterns that mark a data service, added to / removed from the built-in list.
    data_images: tuple[str, ...] = ()
    not_data_images: tuple[str, ...] = ()
    data_services: tuple[str, ...] = ()  # service names marked as data services
    critical_volumes: tuple[str, ...] = ()
    # Who may reach a service: {"db-1": ["app-1"]}.
    isolation: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    limits: Limits = DEFAULT_LIMITS
    # Where the settings came from (for `composelint config --show-settings`).
    source: str | None = None
