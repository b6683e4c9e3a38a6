"""`composelint check`: lint projects and report."""

from __future__ import annotations

import argparse
import os
import sys

from composelint.cli import EXIT_FINDINGS, EXIT_OK, _split
from composelint.discovery import ProjectSpec, default_project, find_projects
from composelint.engine import RunOptions, lint, unique_findings
from composelint.errors import UsageError
from composelint.finding import Severity
from composelint.formats import Report, formatters
from composelint.registry import Registry
from composelint.settings import Settings


def settings_from_args(args: argparse.Namespace, registry: Registry) -> Settings:
    select = _split(args.select) or None
    extend_select = _split(args.extend_select)
    ignore = _split(args.ignore)
    for option, values in (
        ("--select", select or ()),
        ("--extend-select", extend_select),
        ("--ignore", ignore),
    ):
        registry.validate_selectors(values, option)
    return Settings(
        select=select,
        extend_select=extend_select,
        ignore=ignore,
        fail_level=Severity.parse(args.fail_level) if args.fail_level else Severity.WARNING,
    )


def run_options(args: argparse.Namespace, cwd: str) -> RunOptions:
    return RunOptions(
        project_name=args.project_name,
        project_directory=args.project_directory,
        env_files=tuple(args.env_files) if args.env_files else None,
        profiles=_split(args.profiles) if args.profiles else None,
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
        return find_projects(args.paths, cwd, settings.exclude)
    return [default_project(cwd, os.environ)]


def choose_format(requested: str | None) -> str:
    if requested:
        return requested
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def use_color(fmt: str, args: argparse.Namespace) -> bool:
    if fmt != "text" or args.no_color or args.output or "NO_COLOR" in os.environ:
        return False
    return sys.stdout.isatty()


def run_check(args: argparse.Namespace) -> int:
    cwd = os.getcwd()
    registry = Registry.default()
    settings = settings_from_args(args, registry)
    specs = project_specs(args, cwd, settings)
    jobs = args.jobs if args.jobs and args.jobs > 0 else (os.cpu_count() or 1)
    results = lint(specs, settings, run_options(args, cwd), jobs)
    fmt = choose_format(args.format)
    render = formatters().get(fmt)
    if render is None:
        raise UsageError(f"format {fmt} is not available")
    files = tuple(sorted({f for spec in specs for f in spec.files}))
    report = Report(
        findings=tuple(unique_findings(results)),
        files=files,
        cwd=cwd,
        registry=registry,
        fail_level=settings.fail_level,
        color=use_color(fmt, args),
    )
    text = render(report)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror}") from None
    else:
        sys.stdout.write(text)
    return EXIT_FINDINGS if report.failed else EXIT_OK
