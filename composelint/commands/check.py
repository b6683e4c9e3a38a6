"""`composelint check`: lint projects and report."""

from __future__ import annotations

import argparse
import os
import sys

from composelint import config
from composelint.commands.arguments import split_commas
from composelint.commands.plugins import warn_about_broken_plugins
from composelint.commands.progress import Progress, interactive
from composelint.compose.atomic import write_atomically
from composelint.compose.discovery import ProjectSpec, default_project, find_projects
from composelint.compose.errors import UsageError
from composelint.engine import (
    ProjectResult,
    RunOptions,
    all_places,
    lint,
    unique_findings,
    unused_suppressions,
)
from composelint.exitcodes import EXIT_FINDINGS, EXIT_OK
from composelint.finding import Finding, Severity
from composelint.fingerprint import fingerprints
from composelint.formats import FINGERPRINTED, FORMAT_NAMES, Report, formatter
from composelint.formats import text as text_format
from composelint.printable import printable
from composelint.registry import Registry
from composelint.settings import Settings
from composelint.suppress import UNUSED_SUPPRESSION


def config_start(args: argparse.Namespace, cwd: str) -> str:
    """Where the search for a configuration file starts: the linted paths' common directory."""
    named = args.files or args.paths
    if not named:
        return cwd
    paths = [os.path.abspath(os.path.join(cwd, p)) for p in named]
    directories = [p if os.path.isdir(p) else os.path.dirname(p) for p in paths]
    try:
        return os.path.commonpath(directories)
    except ValueError:  # different drives on Windows
        return directories[0]


def settings_from_args(args: argparse.Namespace, registry: Registry, cwd: str) -> Settings:
    select = split_commas(args.select) or None
    extend_select = split_commas(args.extend_select)
    if args.report_unused_suppressions:
        extend_select += (UNUSED_SUPPRESSION,)
    ignore = split_commas(args.ignore)
    for option, values in (
        ("--select", select or ()),
        ("--extend-select", extend_select),
        ("--ignore", ignore),
    ):
        registry.validate_selectors(values, option)
    from_file = config.load_settings(config_start(args, cwd), args.config, registry)
    fail_level = Severity.parse(args.fail_level) if args.fail_level else None
    return config.with_command_line(from_file, select, extend_select, ignore, fail_level)


def run_options(args: argparse.Namespace, cwd: str) -> RunOptions:
    for option, directory in (("--project-directory", args.project_directory), ("--root", args.root)):
        if directory is not None and not os.path.isdir(os.path.join(cwd, directory)):
            raise UsageError(f"{option} {directory}: no such directory")
    return RunOptions(
        project_name=args.project_name,
        project_directory=args.project_directory,
        env_files=tuple(args.env_files) if args.env_files else None,
        profiles=split_commas(args.profiles) if args.profiles else None,
        environ=dict(os.environ),
        cwd=cwd,
        root=os.path.abspath(args.root) if args.root else None,
    )


def project_specs(args: argparse.Namespace, cwd: str, settings: Settings) -> list[ProjectSpec]:
    if args.files and args.paths:
        raise UsageError("give either PATH arguments or -f/--file, not both")
    if args.files:
        files = tuple(os.path.abspath(os.path.join(cwd, f)) for f in args.files)
        for path in files:
            if not os.path.exists(path):
                raise UsageError(f"{path}: no such file")
        return [ProjectSpec(files)]
    if args.paths:
        excluded: list[str] = []
        specs = find_projects(args.paths, cwd, settings.exclude, excluded)
        for raw in excluded:  # a file named on purpose and left out says so
            note = f"composelint: {raw} is excluded by the configuration's `exclude`; not checked"
            sys.stderr.write(printable(note) + "\n")
        return specs
    return [default_project(cwd, os.environ)]


def choose_format(requested: str | None) -> str:
    if requested:
        return requested
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def use_color(fmt: str, args: argparse.Namespace) -> bool:
    """`--color always|never`, else colour on a terminal: NO_COLOR (no-color.org, when not empty)
    turns it off, FORCE_COLOR (when not empty) on; a report written to a file has none."""
    if fmt != "text" or args.color == "never":
        return False
    if args.color == "always":
        return True
    if args.output or os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


def run_check(args: argparse.Namespace) -> int:
    cwd = os.getcwd()
    registry = Registry.default()
    warn_about_broken_plugins(registry)
    settings = settings_from_args(args, registry, cwd)
    if args.show_settings:
        sys.stdout.write(config.describe(settings, registry))
        return EXIT_OK
    if args.baseline or args.write_baseline:
        from composelint import baseline
    known = baseline.read(args.baseline) if args.baseline else None
    specs = project_specs(args, cwd, settings)
    jobs = args.jobs if args.jobs and args.jobs > 0 else (os.cpu_count() or 1)
    fmt = choose_format(args.format)
    render = formatter(fmt)
    if render is None:
        raise UsageError(f"format {fmt} is not available")
    extra_reports = _extra_reports(args.reports)
    if args.fix or args.diff:
        if args.fix and args.diff:
            raise UsageError("give either --fix (write the fixes) or --diff (show them), not both")
        if args.baseline or args.write_baseline:
            raise UsageError("--fix and --diff do not combine with a baseline")
        fixed = _run_fixes(
            specs, settings, run_options(args, cwd), registry, args.unsafe_fixes, args.diff, cwd
        )
        if args.diff:
            return EXIT_FINDINGS if fixed else EXIT_OK
    elif args.unsafe_fixes:
        raise UsageError("--unsafe-fixes goes with --fix or --diff")
    formats = {fmt, *extra_reports.values()}
    # Baselines and fingerprinted formats need each finding's YAML node; other runs skip that work.
    locate = known is not None or bool(args.write_baseline) or bool(formats & set(FINGERPRINTED))
    files = tuple(sorted({f for spec in specs for f in spec.files}))
    color = use_color(fmt, args)
    # On a terminal, each project's findings as soon as it is checked; elsewhere the whole report,
    # in order. A baseline needs every finding first.
    streaming = (
        fmt == "text" and not args.output and known is None and not args.write_baseline and len(specs) > 1
    )
    stream_to = (
        Report((), files, cwd, registry, settings.fail_level, color, quiet=args.quiet)
        if streaming and interactive(sys.stdout)
        else None
    )
    progress = Progress(len(specs), stream_to)
    try:
        across = bool(args.same_host or settings.hosts)
        options = run_options(args, cwd)._replace(locate=locate, host_views=across)
        results = lint(specs, settings, options, jobs, progress)
    finally:
        progress.clear()
    findings = unique_findings(results)
    if across:
        findings = sorted({*findings, *_cross_project(results, settings, registry, args.same_host, cwd)})
    rules_run = tuple(registry.enabled(settings))
    unused_rule = registry.lookup(UNUSED_SUPPRESSION)
    if unused_rule is not None and unused_rule in rules_run:
        findings = sorted({*findings, *unused_suppressions(results, settings, registry, unused_rule)})
    places = all_places(results)
    _refuse_to_overwrite_inputs(
        [args.output, args.write_baseline, *extra_reports],
        [
            *(path for result in results for path in (*result.spec.files, *result.files_read)),
            settings.source,
            args.baseline,
        ],
    )
    if args.write_baseline:
        baseline.write(args.write_baseline, findings, places)
        plural = "s" if len(findings) != 1 else ""
        sys.stderr.write(
            f"composelint: recorded {len(findings)} finding{plural} in {printable(args.write_baseline)}\n"
        )
        return EXIT_OK
    # Fingerprints count occurrences among all findings, before a baseline hides some of them.
    prints = fingerprints(findings, places, cwd) if formats & set(FINGERPRINTED) else {}
    if known is not None:
        before = len(findings)
        findings = baseline.new_findings(known, baseline.base_dir(args.baseline), findings, places)
        hidden = before - len(findings)
        sys.stderr.write(
            printable(f"composelint: the baseline {args.baseline} hid {hidden} known finding")
            + f"{'s' if hidden != 1 else ''}; {len(findings)} new\n"
        )
    # Every compose file read counts as checked: included files and extends bases too.
    files = tuple(sorted({*files, *(f for result in results for f in result.compose_files)}))
    report = Report(
        findings=tuple(findings),
        files=files,
        notes=tuple(dict.fromkeys(spec.merged for spec in specs if spec.merged)),
        fixes={finding: fix for result in results for finding, fix in result.fixes.items()},
        cwd=cwd,
        registry=registry,
        fail_level=settings.fail_level,
        color=color,
        rules_run=rules_run,
        fingerprints=prints,
        quiet=args.quiet,
        statistics=args.statistics,
    )
    for path, extra_format in extra_reports.items():
        extra = formatter(extra_format)
        assert extra is not None  # checked by _extra_reports
        _write_report(path, extra(report._replace(color=False)))
    if stream_to is not None:  # the findings are on the screen: what is left, and the verdict
        left = [f for f in report.findings if f not in progress.printed]
        sys.stdout.write(text_format.findings_block(report, left, set()) + text_format.footer(report))
        return EXIT_FINDINGS if report.failed else EXIT_OK
    text = render(report)
    if args.output:
        _write_report(args.output, text)
    else:
        sys.stdout.write(text)
    return EXIT_FINDINGS if report.failed else EXIT_OK


def _extra_reports(values: list[str] | None) -> dict[str, str]:
    """`--report FORMAT=FILE` values, by file."""
    reports: dict[str, str] = {}
    for value in values or ():
        name, equals, path = value.partition("=")
        if not equals or not path or name not in FORMAT_NAMES:
            raise UsageError(
                f"--report {value}: write FORMAT=FILE, with FORMAT one of {', '.join(FORMAT_NAMES)}"
            )
        reports[path] = name
    return reports


def _refuse_to_overwrite_inputs(targets: list[str | None], inputs: list[str | None]) -> None:
    """A report or baseline is never written over a file the run read: a linted compose file, an
    included or env file, the configuration or the baseline."""
    if not any(targets):
        return
    read = {os.path.realpath(path) for path in inputs if path}
    for target in targets:
        if target and os.path.realpath(target) in read:
            raise UsageError(f"refusing to write over {target}: the run reads it")


def _write_report(path: str, text: str) -> None:
    try:
        write_atomically(path, text)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None


def _run_fixes(
    specs: list[ProjectSpec],
    settings: Settings,
    options: RunOptions,
    registry: Registry,
    unsafe: bool,
    diff_only: bool,
    cwd: str,
) -> int:
    """Fix every project (or print the diff); returns how many fixes were (or would be) applied.
    What was refused is said on stderr, with why."""
    import difflib

    from composelint.fixing import fix_project

    applied = 0
    changed_files: dict[str, tuple[bytes, bytes]] = {}
    for spec in specs:
        outcome = fix_project(spec, settings, options, registry, unsafe)
        applied += len(outcome.applied)
        for path, texts in outcome.changed.items():
            changed_files.setdefault(path, texts)
        for refused in outcome.refused:
            finding = refused.finding
            where = f"{os.path.relpath(finding.path, cwd)}:{finding.line}:{finding.column}"
            sys.stderr.write(
                printable(f"composelint: not fixed: {finding.rule_id} at {where}: {refused.why}") + "\n"
            )
    if diff_only:
        for path, (before, after) in sorted(changed_files.items()):
            shown = os.path.relpath(path, cwd)
            lines = difflib.unified_diff(
                before.decode("utf-8").splitlines(keepends=True),
                after.decode("utf-8").splitlines(keepends=True),
                fromfile=f"a/{shown}",
                tofile=f"b/{shown}",
            )
            sys.stdout.write(printable_diff("".join(lines)))
        return applied
    for path, (_, after) in sorted(changed_files.items()):
        try:
            write_atomically(path, after)
        except OSError as exc:
            raise UsageError(f"cannot write {path}: {exc.strerror}") from None
    if applied:
        plural = "s" if applied != 1 else ""
        files = len(changed_files)
        sys.stderr.write(
            f"composelint: fixed {applied} finding{plural} in {files} file{'s' if files != 1 else ''}\n"
        )
    return applied


def printable_diff(text: str) -> str:
    """A diff's lines, each made safe for the terminal (the file's own text may hold escapes)."""
    return "".join(printable(line.rstrip("\n")) + "\n" for line in text.splitlines(keepends=True))


def _cross_project(
    results: list[ProjectResult], settings: Settings, registry: Registry, same_host: bool, cwd: str
) -> list[Finding]:
    """What clashes between the projects of one host (`--same-host`, or the configuration's `hosts:`,
    whose globs are relative to the configuration file's directory)."""
    from composelint.engine import stamp
    from composelint.host import cross_project_violations

    base = os.path.dirname(settings.source) if settings.source else cwd
    views = [result.host_view for result in results if result.host_view is not None]
    enabled = set(registry.enabled(settings))
    found = []
    # The suppression comments of the file a cross-project finding sits in apply to it too.
    suppressions = [s for result in results for s in result.directives.suppressions]
    for rule_id, violation in cross_project_violations(views, settings, same_host, base, cwd):
        rule = registry.by_id.get(rule_id)
        if rule is None or rule not in enabled:
            continue
        finding = stamp(rule, violation, settings)
        covering = [
            s for s in suppressions if s.span.path == finding.path and s.covers(finding, finding.line)
        ]
        for suppression in covering:
            suppression.used = True
        if not covering:
            found.append(finding)
    return found
