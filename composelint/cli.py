"""Command line: argument parsing and dispatch only. Each command returns its exit code.

Exit codes: 0 clean, 1 findings at or above the fail level (or an invalid project for `config`),
2 usage or configuration error. Heavy modules are imported by the commands, so `--help` and
`--version` stay fast.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from composelint import __version__
from composelint.exitcodes import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE

FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit", "compact")


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2 (never a traceback)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"composelint: error: {message}\n")


def _add_project_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("project (as docker compose)")
    group.add_argument(
        "-f",
        "--file",
        dest="files",
        action="append",
        metavar="FILE",
        help="compose file; repeat to merge files like docker compose -f a -f b",
    )
    group.add_argument("-p", "--project-name", help="project name")
    group.add_argument("--project-directory", metavar="DIR", help="working directory of the project")
    group.add_argument(
        "--env-file",
        dest="env_files",
        action="append",
        metavar="FILE",
        help="environment file for interpolation instead of .env (repeatable)",
    )
    group.add_argument(
        "--profile",
        dest="profiles",
        action="append",
        metavar="NAME",
        help="only check services enabled by this profile (default: every service)",
    )
    group.add_argument(
        "--root",
        metavar="DIR",
        help="no file outside DIR is read (default: the repository containing the project)",
    )


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!s} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{number} is not a number of processes: give 1 or more")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="composelint",
        description="Lint Docker Compose projects: read them as Docker Compose does, check the whole project.",
    )
    parser.add_argument("--version", action="version", version=f"composelint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check = commands.add_parser("check", help="lint compose projects", description="Lint compose projects.")
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="compose files or directories (searched recursively); default: the project here",
    )
    _add_project_options(check)
    output = check.add_argument_group("output")
    output.add_argument(
        "--format", choices=FORMATS, help="report format (default: text; github on GitHub Actions)"
    )
    output.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    output.add_argument(
        "--report",
        dest="reports",
        action="append",
        metavar="FORMAT=FILE",
        help="also write the report in FORMAT to FILE, from the same run (repeatable)",
    )
    output.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text report: auto (on a terminal, unless NO_COLOR; FORCE_COLOR forces it)",
    )
    output.add_argument("--no-color", dest="color", action="store_const", const="never", help="--color never")
    output.add_argument(
        "-q", "--quiet", action="store_true", help="print the findings only: no summary or verdict"
    )
    output.add_argument("--statistics", action="store_true", help="also count the findings per rule")
    rules = check.add_argument_group("rules")
    rules.add_argument(
        "--select", action="append", metavar="RULES", help="only these rules (ids, prefixes, names)"
    )
    rules.add_argument("--extend-select", action="append", metavar="RULES", help="enable these rules too")
    rules.add_argument("--ignore", action="append", metavar="RULES", help="disable these rules")
    rules.add_argument(
        "--fail-level",
        choices=("error", "warning", "info"),
        help="lowest severity that fails the run (default: warning)",
    )
    rules.add_argument("--config", metavar="PATH", help="configuration file (default: found by walking up)")
    rules.add_argument(
        "--jobs", "-j", type=_positive, metavar="N", help="parallel processes (default: CPU count)"
    )
    rules.add_argument(
        "--show-settings",
        action="store_true",
        help="print the effective settings and the enabled rules, then exit",
    )
    rules.add_argument(
        "--report-unused-suppressions",
        action="store_true",
        help="report `# composelint: disable` comments that suppress nothing",
    )
    check.add_argument(
        "--same-host",
        action="store_true",
        help="the projects found are deployed on one Docker host: also check what clashes between them",
    )
    fixing = check.add_argument_group("fixes")
    fixing.add_argument(
        "--fix",
        action="store_true",
        help="apply the safe fixes (each verified first), then report what is left",
    )
    fixing.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="with --fix or --diff, also the fixes that change behaviour",
    )
    fixing.add_argument(
        "--diff",
        action="store_true",
        help="print the fixes as a unified diff and write nothing (exit 1 if any)",
    )
    baseline = rules.add_mutually_exclusive_group()
    baseline.add_argument(
        "--baseline", metavar="FILE", help="report only findings this baseline does not record"
    )
    baseline.add_argument(
        "--write-baseline", metavar="FILE", help="record the current findings in FILE and exit 0"
    )

    config = commands.add_parser(
        "config",
        help="print the project as composelint reads it",
        description="Print the normalized project, shaped like docker compose config.",
    )
    config.add_argument("path", nargs="?", metavar="PATH", help="a compose file or directory (default: here)")
    _add_project_options(config)
    config.add_argument("--format", choices=("json", "yaml"), default="json")

    graph = commands.add_parser(
        "graph",
        help="draw the project graph",
        description="Draw networks, services, published ports and data.",
    )
    graph.add_argument("path", nargs="?", metavar="PATH")
    _add_project_options(graph)
    graph.add_argument("--format", choices=("mermaid", "dot", "json"), default="mermaid")
    graph.add_argument(
        "--highlight",
        metavar="RULES",
        help="mark the paths behind the findings of a rule, a family (CL2) or ALL enabled rules",
    )
    graph.add_argument(
        "--same-host",
        action="store_true",
        help="PATH holds projects deployed on one Docker host: draw them together (Mermaid)",
    )

    reach = commands.add_parser(
        "reach",
        help="who can reach a service, and through what",
        description=(
            "List the services that can open a connection to SERVICE, each path and where it is opened; "
            "with two services, whether the first reaches the second (exit 0 yes, 1 no)."
        ),
    )
    reach.add_argument("target", metavar="SERVICE")
    reach.add_argument("source", nargs="?", metavar="TARGET", help="with two: does SERVICE reach TARGET?")
    reach.add_argument(
        "--path", dest="path", metavar="PATH", help="the project's file or directory (default: here)"
    )
    _add_project_options(reach)
    reach.add_argument("--format", choices=("text", "json"), default="text")

    commands.add_parser(
        "server",
        help="run the Language Server (LSP over stdio) for editors",
        description="Lint each open compose file with its whole project, as you type (LSP over stdio).",
    )
    commands.add_parser("rules", help="list every rule", description="List every rule.")
    rule = commands.add_parser("rule", help="explain a rule", description="Print a rule's documentation.")
    rule.add_argument("rule", metavar="NAME_OR_ID")
    return parser


def paths_never_options(argv: Sequence[str]) -> list[str]:
    """The arguments with every existing file or directory whose name starts with `-` made a path.

    Tools that hand composelint file names (pre-commit, lint-staged, `xargs`) append them after
    the options; a committed file named `--write-baseline=x.compose.yaml` or a directory named
    `--output=` would otherwise be read as an option. Such a name is prefixed with `./`, which means
    the same file and cannot be an option. A user's own options are never names of files, unless
    someone planted one of that exact name, and then it is linted as the file it is.
    """
    out: list[str] = []
    after_separator = False
    for argument in argv:
        if after_separator or argument == "--":
            after_separator = True
        elif argument.startswith("-") and argument != "-" and os.path.lexists(argument):
            argument = os.path.join(os.curdir, argument)
        out.append(argument)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(paths_never_options(sys.argv[1:] if argv is None else argv))
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    from composelint.compose.errors import UsageError

    try:
        if args.command == "check":
            from composelint.commands.check import run_check

            return run_check(args)
        if args.command == "config":
            from composelint.commands.config import run_config

            return run_config(args)
        if args.command == "graph":
            from composelint.commands.graph import run_graph

            return run_graph(args)
        if args.command == "reach":
            from composelint.commands.reach import run_reach

            return run_reach(args)
        if args.command == "server":
            from composelint.commands.server import run_server

            return run_server(args)
        from composelint.commands.rules import run_rule, run_rules

        return run_rules(args) if args.command == "rules" else run_rule(args)
    except UsageError as exc:
        from composelint.printable import printable

        for message in exc.messages:
            print(f"composelint: error: {printable(message)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("composelint: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:  # the output is gone: a full disk, a closed terminal
        if not _is_output_error(exc):
            raise
        sys.stderr.write(f"composelint: error: cannot write the output: {exc.strerror}\n")
        return EXIT_USAGE


def run() -> NoReturn:
    """The ``composelint`` command: ``main``, then an end without the interpreter's teardown.

    Freeing every object of a process that ends anyway costs 30 to 50 ms, a sixth of a one-file run.
    Only open output needs flushing: report files are closed by then, children joined.
    """
    code = main()
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader is gone (`| head`): nothing left to say
        pass
    except (OSError, ValueError) as exc:
        with contextlib.suppress(OSError, ValueError):
            reason = exc.strerror if isinstance(exc, OSError) else "the stream is closed"
            sys.stderr.write(f"composelint: error: cannot write the output: {reason}\n")
        code = EXIT_USAGE
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(code)


def _is_output_error(exc: OSError) -> bool:
    """Whether writing to stdout failed (as opposed to a file composelint was reading)."""
    return exc.filename is None and exc.errno in (
        errno.ENOSPC,
        errno.EIO,
        errno.EPIPE,
        errno.EBADF,
        errno.EDQUOT,
    )


if __name__ == "__main__":
    run()
