"""The pipeline: load a project, build its model and graph once, run the enabled rules, stamp findings.

``lint_project`` handles one project; ``lint`` many, in parallel processes when there are enough of
them, with output identical whatever the number of jobs.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from composelint import suppress
from composelint.compose.discovery import ProjectSpec, RepositoryRoots
from composelint.compose.errors import ComposeError, UsageError
from composelint.compose.loader import LoadedProject, LoadOptions, load_project
from composelint.compose.span import Span
from composelint.compose.tree import YMap
from composelint.config import ignored_by_glob
from composelint.finding import Finding, Fix, Severity, Violation
from composelint.fingerprint import Locator, Place, places
from composelint.project.model import Project, build_project
from composelint.registry import Registry
from composelint.rule import Context, Rule
from composelint.settings import Settings

if TYPE_CHECKING:
    from composelint.host import HostView

INTERNAL_ERROR_ID = "CL100"
INTERNAL_ERROR_KIND = "internal-error"
USAGE_KIND = "usage"


# Plain classes, not dataclasses: see compose/limits.py.
class RunOptions:
    """How each project is loaded (the Compose-like options of the command line). Treat it as
    immutable; ``_replace`` makes a changed copy."""

    __slots__ = (
        "cwd",
        "env_files",
        "environ",
        "host_views",
        "locate",
        "overlay",
        "profiles",
        "project_directory",
        "project_name",
        "root",
    )

    def __init__(
        self,
        project_name: str | None = None,
        project_directory: str | None = None,
        env_files: tuple[str, ...] | None = None,
        profiles: tuple[str, ...] | None = None,
        environ: Mapping[str, str] | None = None,
        cwd: str | None = None,
        root: str | None = None,
        # Each finding's YAML place (for baselines and fingerprints); off by default, it costs time.
        locate: bool = False,
        # Texts to read instead of the files on disk (a fix being verified before it is written).
        overlay: Mapping[str, bytes] | None = None,
        # Summarise each project for the cross-project checks of `--same-host` / `hosts:`.
        host_views: bool = False,
    ) -> None:
        self.project_name = project_name
        self.project_directory = project_directory
        self.env_files = env_files
        self.profiles = profiles
        self.environ: Mapping[str, str] = dict(os.environ) if environ is None else environ
        self.cwd = os.getcwd() if cwd is None else cwd
        self.root = root
        self.locate = locate
        self.overlay: Mapping[str, bytes] = overlay if overlay is not None else {}
        self.host_views = host_views

    def _replace(self, **changes: Any) -> RunOptions:
        return RunOptions(**{**{name: getattr(self, name) for name in self.__slots__}, **changes})


class ProjectResult:
    """What linting one project gave: its findings, where they are, its suppressions."""

    __slots__ = (
        "compose_files",
        "directives",
        "files_read",
        "findings",
        "fixes",
        "host_view",
        "places",
        "spec",
    )

    def __init__(
        self,
        spec: ProjectSpec,
        findings: list[Finding],
        places: dict[Finding, Place] | None = None,  # when RunOptions.locate
        directives: suppress.Directives | None = None,
        # Every file the project read (compose files, includes, extends bases, env files).
        files_read: tuple[str, ...] = (),
        # The compose files among them: the named ones, overrides, includes and extends bases.
        compose_files: tuple[str, ...] = (),
    ) -> None:
        self.spec = spec
        self.findings = findings
        self.places: dict[Finding, Place] = places if places is not None else {}
        self.directives = directives if directives is not None else suppress.Directives()
        self.files_read = files_read
        self.compose_files = compose_files
        self.fixes: dict[Finding, Fix] = {}  # the fix each rule offers for a finding (not verified)
        self.host_view: HostView | None = None  # with RunOptions.host_views, when the project loads


def load(
    spec: ProjectSpec, settings: Settings, options: RunOptions, roots: RepositoryRoots | None = None
) -> LoadedProject:
    root = options.root or default_root(spec, options.cwd, roots)
    try:
        loaded = load_project(
            LoadOptions(
                files=spec.files,
                project_directory=options.project_directory,
                project_name=options.project_name,
                env_files=options.env_files,
                profiles=options.profiles,
                environ=options.environ,
                cwd=options.cwd,
                limits=settings.limits,
                root=root,
                overlay=options.overlay,
            )
        )
    except Exception as exc:  # a loader bug must not stop the run: report it on this project
        return LoadedProject(
            name="",
            working_dir=os.path.dirname(spec.files[0]),
            config_files=spec.files,
            model=None,
            environment={},
            errors=[crash_error("loading the project", exc, spec.files[0])],
            sources={},
            active_profiles=None,
        )
    # A bad option (`-p "My App"`, COMPOSE_DISABLE_ENV_FILE=maybe) is a usage error, as for Compose.
    usage = next((error for error in loaded.errors if error.rule == USAGE_KIND), None)
    if usage is not None:
        raise UsageError(usage.message)
    return loaded


def default_root(spec: ProjectSpec, cwd: str, roots: RepositoryRoots | None = None) -> str:
    """No file outside this is read: the repository holding the project; outside a repository the
    working directory when the project is in it, else the project's own directory."""
    directory = os.path.dirname(os.path.abspath(spec.files[0]))
    repository = (roots or RepositoryRoots()).find(directory)
    if repository is not None:
        return repository
    here = os.path.abspath(cwd)
    inside = os.path.commonpath([here, directory]) == here
    return here if inside else directory


def crash_error(during: str, exc: Exception, path: str) -> ComposeError:
    """composelint's own failure, reported by the internal-error rule."""
    return ComposeError(
        f"composelint failed while {during}: {type(exc).__name__}: {exc}{_where(exc)} (please report this)",
        Span.point(path, 1, 1),
        INTERNAL_ERROR_KIND,
    )


def _where(exc: Exception) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    return f" at {os.path.basename(where.filename)}:{where.lineno}" if where else ""


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


def run_rules(
    loaded: LoadedProject, settings: Settings, registry: Registry, fixes: dict[Finding, Fix] | None = None
) -> list[Finding]:
    """The findings of the enabled rules; with ``fixes``, the fix each rule offers is put there."""
    try:
        project = build_project(loaded)
    except Exception as exc:  # a model bug must not stop the run either
        project = None
        loaded.errors.append(crash_error("building the project model", exc, loaded.config_files[0]))
    usable = project is not None
    shared_project = project if project is not None else empty_project(loaded)
    # One context for all the rules (so one graph): only the options change from rule to rule, and
    # each rule's generator is consumed before the next rule starts.
    rule_ctx = Context(
        project=shared_project,
        settings=settings,
        load_errors=tuple(loaded.errors),
        sources=loaded.sources,
        documents=loaded.documents,
    )
    findings: list[Finding] = []
    cap = settings.limits.max_findings
    for rule_class, options in rules_to_run(loaded, usable, settings, registry):
        rule_ctx.options = options
        start = len(findings)
        try:
            violations = iter(rule_class().check(rule_ctx))
            for violation in violations:
                finding = stamp(rule_class, violation, settings)
                findings.append(finding)
                if violation.fix is not None and fixes is not None:
                    fixes[finding] = violation.fix
                if len(findings) - start >= cap:  # rare: only then are findings counted per file
                    collect_capped(rule_class, violations, settings, findings, start)
                    break
        except Exception as exc:  # a crashing rule must not stop the others
            findings.append(internal_error(rule_class, exc, loaded, registry, settings))
    return findings


def collect_capped(
    rule: type[Rule], violations: Iterator[Violation], settings: Settings, into: list[Finding], start: int
) -> None:
    """The rest of a rule's findings, once it has ``max_findings`` of them in ``into[start:]``: at
    most that many per file, and one more per file saying how many more there were (a 280-byte
    file must not make a 38 MB report). A rule that keeps going far past the cap is stopped (its
    count is then "at least"). What a rule found before it crashed is kept."""
    cap = settings.limits.max_findings
    per_file: dict[str, int] = {}
    for finding in into[start:]:
        per_file[finding.path] = per_file.get(finding.path, 0) + 1
    dropped: dict[str, tuple[Violation, int]] = {}  # path -> (first violation not shown, how many)
    total_dropped = 0
    stopped = False
    try:
        for violation in violations:
            path = violation.span.path
            count = per_file[path] = per_file.get(path, 0) + 1
            if count <= cap:
                into.append(stamp(rule, violation, settings))
                continue
            first, number = dropped.get(path, (violation, 0))
            dropped[path] = (first, number + 1)
            total_dropped += 1
            if total_dropped >= 10 * cap:
                stopped = True
                break
    finally:
        for first, number in dropped.values():
            more = f"at least {number:,}" if stopped else f"{number:,}"
            message = (
                f"{more} more findings of {rule.id} [{rule.name}] in this file are not shown "
                f"(limit max-findings: {cap} per rule and file); the first: {first.message}"
            )
            summary = Violation(first.span, message, first.service, first.severity)
            into.append(stamp(rule, summary, settings))


def rules_to_run(
    loaded: LoadedProject, usable: bool, settings: Settings, registry: Registry
) -> Sequence[tuple[type[Rule], Mapping[str, Any]]]:
    """The enabled rules; for a project that could not be loaded at all, the rules reporting why.

    A file that does not parse must never pass silently because its rule was not selected: the
    problem that stopped loading is reported unless the user ignores its rule explicitly.
    """
    plan = registry.plan(settings)
    if usable:
        return plan
    enabled = dict(plan)
    ignored = {rule.id for selector in settings.ignore for rule in registry.matching(selector)}
    kinds = {error.rule for error in loaded.errors}
    return [
        (rule, enabled[rule] if rule in enabled else registry.options_for(rule, settings))
        for rule in registry.rules
        if rule.load_error_kinds
        and (rule in enabled or (rule.id not in ignored and kinds & set(rule.load_error_kinds)))
    ]


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
        severity=settings.severity.get(rule.id) or violation.severity or rule.severity,
        message=violation.message,
        service=violation.service,
        related=violation.related,
    )


def internal_error(
    rule: type[Rule], exc: Exception, loaded: LoadedProject, registry: Registry, settings: Settings
) -> Finding:
    internal = registry.by_id.get(INTERNAL_ERROR_ID)
    violation = Violation(
        Span.point(loaded.config_files[0], 1, 1),
        f"rule {rule.id} [{rule.name}] crashed: {type(exc).__name__}: {exc}{_where(exc)}; "
        "other rules ran normally (please report this)",
    )
    return stamp(internal if internal is not None else rule, violation, settings)


def lint_project(
    spec: ProjectSpec,
    settings: Settings,
    options: RunOptions,
    registry: Registry | None = None,
    roots: RepositoryRoots | None = None,
) -> ProjectResult:
    registry = registry if registry is not None else Registry.default()
    loaded = load(spec, settings, options, roots)
    offered: dict[Finding, Fix] = {}
    findings = without_per_file_ignores(
        run_rules(loaded, settings, registry, offered), settings, registry, options.cwd
    )
    locator = Locator(loaded.documents, loaded.sources)
    findings, directives = suppress.apply(findings, loaded.sources, loaded.documents, locator, registry)
    found_places = places(findings, locator) if options.locate else {}
    result = ProjectResult(
        spec, findings, found_places, directives, tuple(loaded.sources), tuple(loaded.documents)
    )
    result.fixes = {finding: offered[finding] for finding in findings if finding in offered}
    if options.host_views and loaded.model is not None:
        from composelint.host import host_view

        try:
            project = build_project(loaded)
        except Exception:  # a project the model cannot be built for was reported by its rules
            project = None
        result.host_view = host_view(project, settings) if project is not None else None
    return result


def without_per_file_ignores(
    findings: list[Finding], settings: Settings, registry: Registry, cwd: str
) -> list[Finding]:
    """Drop findings of the rules ``per-file-ignores`` turns off for their file."""
    if not settings.per_file_ignores:
        return findings
    # Globs are relative to the configuration file's directory.
    base = os.path.dirname(settings.source) if settings.source else cwd
    ignored: dict[str, set[str]] = {}
    for finding in findings:
        if finding.path not in ignored:
            ignored[finding.path] = {
                rule.id
                for pattern, selectors in settings.per_file_ignores.items()
                if ignored_by_glob(pattern, finding.path, base)
                for selector in selectors
                for rule in registry.matching(selector)
            }
    return [f for f in findings if f.rule_id not in ignored[f.path]]


# What every task of a worker process shares, set once when the process starts: the settings and
# options cross the process boundary once per worker, and the registry is built once, not per project.
_worker_run: tuple[Settings, RunOptions, Registry, RepositoryRoots] | None = None


def _start_worker(settings: Settings, options: RunOptions) -> None:
    global _worker_run
    _worker_run = (settings, options, Registry.default(), RepositoryRoots())


def _lint_in_worker(spec: ProjectSpec) -> ProjectResult:
    assert _worker_run is not None, "_start_worker runs first in every worker"
    settings, options, registry, roots = _worker_run
    return lint_project(spec, settings, options, registry, roots)


def lint(
    specs: Sequence[ProjectSpec],
    settings: Settings,
    options: RunOptions,
    jobs: int = 1,
    progress: Callable[[Sequence[ProjectResult]], None] | None = None,
) -> list[ProjectResult]:
    """Lint every project; results come back in the order of ``specs`` whatever ``jobs`` is.
    ``progress`` gets results as projects are done (in parallel runs, not in that order)."""
    registry = Registry.default()
    roots = RepositoryRoots()
    done = progress or (lambda results: None)

    def lint_one(spec: ProjectSpec) -> ProjectResult:
        return lint_project(spec, settings, options, registry, roots)

    def lint_and_count(spec: ProjectSpec) -> ProjectResult:
        result = lint_one(spec)
        done([result])
        return result

    if jobs > 1 and len(specs) >= 2 * jobs and len(specs) > 16:
        from composelint import parallel  # multiprocessing is only imported for parallel runs

        if parallel.can_fork():  # the children inherit lint_one and all it uses
            # Imported once here rather than in every process: most large runs build some graph.
            import composelint.project.graph  # noqa: F401

            # Chunks small enough that processes finish together, large enough to pass few messages.
            return parallel.map_forked(
                lint_one, specs, jobs, chunk=max(1, min(32, len(specs) // (jobs * 16))), progress=done
            )
        from concurrent.futures import ProcessPoolExecutor

        chunk = max(1, len(specs) // (jobs * 8))
        with ProcessPoolExecutor(jobs, initializer=_start_worker, initargs=(settings, options)) as pool:
            results = []
            for result in pool.map(_lint_in_worker, specs, chunksize=chunk):
                results.append(result)
                done([result])
            return results
    return [lint_and_count(spec) for spec in specs]


def unused_suppressions(
    results: Sequence[ProjectResult], settings: Settings, registry: Registry, rule: type[Rule]
) -> list[Finding]:
    """Suppression comments that suppressed nothing in any project that read their file, as
    findings of ``rule`` (unused-suppression)."""
    enabled = {rule.id for rule in registry.enabled(settings)}
    violations = suppress.unused([result.directives for result in results], enabled)
    return [stamp(rule, violation, settings) for violation in violations]


def all_places(results: Iterable[ProjectResult]) -> dict[Finding, Place]:
    return {finding: place for result in results for finding, place in result.places.items()}


def unique_findings(results: Iterable[ProjectResult]) -> list[Finding]:
    """All findings, sorted, without the copies a file shared by several projects produces."""
    return sorted(set(f for result in results for f in result.findings))


def at_or_above(findings: Iterable[Finding], level: Severity) -> bool:
    return any(f.severity.rank >= level.rank for f in findings)
