"""The pipeline: load a project, build its model and graph once, run the enabled rules, stamp findings.

``lint_project`` handles one project; ``lint`` many, in parallel processes when there are enough of
them, with output identical whatever the number of jobs.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from composelint.discovery import ProjectSpec, repository_root
from composelint.finding import Finding, Severity, Violation
from composelint.loader import LoadedProject, LoadOptions, load_project
from composelint.model import Project, build_project
from composelint.registry import Registry
from composelint.rule import Context, Rule
from composelint.settings import Settings
from composelint.span import Span
from composelint.tree import YMap

INTERNAL_ERROR_ID = "CL100"


@dataclass(frozen=True)
class RunOptions:
    """How each project is loaded (the Compose-like options of the command line)."""

    project_name: str | None = None
    project_directory: str | None = None
    env_files: tuple[str, ...] | None = None
    profiles: tuple[str, ...] | None = None
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    cwd: str = field(default_factory=os.getcwd)
    root: str | None = None


@dataclass
class ProjectResult:
    spec: ProjectSpec
    findings: list[Finding]
    sources: dict[str, str]


def load(spec: ProjectSpec, settings: Settings, options: RunOptions) -> LoadedProject:
    return load_project(
        LoadOptions(
            files=spec.files,
            project_directory=options.project_directory,
            project_name=options.project_name,
            env_files=options.env_files,
            profiles=options.profiles,
            environ=options.environ,
            cwd=options.cwd,
            limits=settings.limits,
            root=options.root or repository_root(os.path.dirname(spec.files[0])),
        )
    )


def empty_project(loaded: LoadedProject) -> Project:
    span = Span.point(loaded.config_files[0], 1, 1)
    return Project(
        name=loaded.name,
        working_dir=loaded.working_dir,
        config_files=loaded.config_files,
        services={},
        networks={},
        volumes={},
        secrets={},
        configs={},
        environment=loaded.environment,
        active_profiles=loaded.active_profiles,
        disabled_services=loaded.disabled_services,
        model=YMap(span),
    )


def rule_options(rule: type[Rule], settings: Settings) -> dict[str, Any]:
    options = {name: option.default for name, option in rule.options.items()}
    options.update(settings.rule_options.get(rule.id, {}))
    return options


def run_rules(loaded: LoadedProject, settings: Settings, registry: Registry) -> list[Finding]:
    project = build_project(loaded)
    usable = project is not None
    ctx = Context(
        project=project if project is not None else empty_project(loaded),
        settings=settings,
        load_errors=tuple(loaded.errors),
        sources=loaded.sources,
    )
    findings: list[Finding] = []
    for rule_class in registry.enabled(settings):
        if not usable and not rule_class.load_error_kinds:
            continue
        rule = rule_class()
        rule_ctx = replace(ctx, options=rule_options(rule_class, settings))
        try:
            for violation in rule.check(rule_ctx):
                findings.append(stamp(rule_class, violation, settings))
        except Exception as exc:  # a crashing rule must not stop the others
            findings.append(internal_error(rule_class, exc, loaded, registry, settings))
    return findings


def stamp(rule: type[Rule], violation: Violation, settings: Settings) -> Finding:
    span = violation.span
    return Finding(
        path=span.path,
        line=span.line,
        column=span.column,
        rule_id=rule.id,
        end_line=max(span.end_line, span.line),
        end_column=span.end_column if span.end_line > span.line else max(span.end_column, span.column),
        name=rule.name,
        severity=settings.severity.get(rule.id, rule.severity),
        message=violation.message,
        service=violation.service,
    )


def internal_error(
    rule: type[Rule], exc: Exception, loaded: LoadedProject, registry: Registry, settings: Settings
) -> Finding:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    location = f" at {os.path.basename(where.filename)}:{where.lineno}" if where else ""
    internal = registry.by_id.get(INTERNAL_ERROR_ID)
    violation = Violation(
        Span.point(loaded.config_files[0], 1, 1),
        f"rule {rule.id} [{rule.name}] crashed: {type(exc).__name__}: {exc}{location}; "
        "other rules ran normally (please report this)",
    )
    return stamp(internal if internal is not None else rule, violation, settings)


def lint_project(
    spec: ProjectSpec, settings: Settings, options: RunOptions, registry: Registry | None = None
) -> ProjectResult:
    registry = registry if registry is not None else Registry.default()
    loaded = load(spec, settings, options)
    findings = run_rules(loaded, settings, registry)
    return ProjectResult(spec, findings, loaded.sources)


def _lint_in_worker(args: tuple[ProjectSpec, Settings, RunOptions]) -> ProjectResult:
    return lint_project(*args)


def lint(
    specs: Sequence[ProjectSpec], settings: Settings, options: RunOptions, jobs: int = 1
) -> list[ProjectResult]:
    """Lint every project; results come back in the order of ``specs`` whatever ``jobs`` is."""
    if jobs > 1 and len(specs) >= 2 * jobs and len(specs) > 16:
        from concurrent.futures import ProcessPoolExecutor

        chunk = max(1, len(specs) // (jobs * 8))
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            return list(pool.map(_lint_in_worker, [(s, settings, options) for s in specs], chunksize=chunk))
    registry = Registry.default()
    return [lint_project(spec, settings, options, registry) for spec in specs]


def unique_findings(results: Iterable[ProjectResult]) -> list[Finding]:
    """All findings, sorted, without the copies a file shared by several projects produces."""
    return sorted(set(f for result in results for f in result.findings))


def at_or_above(findings: Iterable[Finding], level: Severity) -> bool:
    return any(f.severity.rank >= level.rank for f in findings)
