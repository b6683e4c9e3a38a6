"""`composelint server`: the linter as a Language Server (LSP over stdio, built on pygls).

Each open compose file is linted with its whole project (overrides, `extends` bases, includes,
`.env`), the editor's unsaved buffers read instead of the files on disk. A change re-lints every
project the changed file belongs to and republishes the diagnostics of all their open files.
Hover shows the rule's page; code actions offer the rule's fix (verified as `--fix` verifies it;
a refused one is shown disabled, with why) and suppression comments. Nothing is written: edits go
to the client, which applies them.

pygls is imported here only, and this module only by the `server` command.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from composelint import __version__, config
from composelint.compose.discovery import ProjectSpec, is_compose_file, project_for_file
from composelint.compose.errors import UsageError
from composelint.docs import help_uri, rule_page
from composelint.engine import ProjectResult, RunOptions, lint_project
from composelint.finding import Finding, Fix, Severity
from composelint.registry import Registry
from composelint.settings import Settings

# Re-lint this long after the last keystroke: typing does not queue a lint per character.
DEBOUNCE_SECONDS = 0.02
# A file:line:column a message names (the other place of a duplicate, a base file).
_PLACE = re.compile(r"(?P<path>[\w./@+-]+\.(?:ya?ml|env)):(?P<line>\d+):(?P<column>\d+)")


def path_of(uri: str) -> str | None:
    parsed = urllib.parse.urlparse(uri)
    if parsed.scheme != "file":
        return None
    return os.path.abspath(urllib.request.url2pathname(urllib.parse.unquote(parsed.path)))


def uri_of(path: str) -> str:
    return "file://" + urllib.request.pathname2url(path)


def lsp_column(line: str, column: int, encoding: str = "utf-16") -> int:
    """The 0-based LSP character offset of a 1-based column counted in characters, in the position
    encoding agreed with the client (UTF-16 code units unless it offered another)."""
    before = line[: column - 1]
    if encoding == "utf-32":
        return len(before)
    if encoding == "utf-8":
        return len(before.encode("utf-8"))
    return len(before.encode("utf-16-le")) // 2


class Linter:
    """The server's state: open documents, what each project's last run found, the settings."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.documents: dict[str, str] = {}  # path -> the editor's text
        self.results: dict[tuple[str, ...], ProjectResult] = {}
        self.published: dict[tuple[str, ...], set[str]] = {}  # project -> paths it published for
        self.select: tuple[str, ...] | None = None
        self.ignore: tuple[str, ...] = ()
        self.fail_level: Severity | None = None

    def configure(self, options: Mapping[str, Any] | None) -> None:
        """`initializationOptions`: {"select": [...], "ignore": [...], "failLevel": "error"}."""
        options = options or {}
        select = options.get("select")
        self.select = tuple(str(s) for s in select) if isinstance(select, list) and select else None
        ignore = options.get("ignore")
        self.ignore = tuple(str(s) for s in ignore) if isinstance(ignore, list) else ()
        level = options.get("failLevel")
        self.fail_level = Severity.parse(level) if isinstance(level, str) else None

    def settings_for(self, path: str) -> Settings:
        # Read at every lint: an edited .composelint.yaml or pyproject.toml applies at once.
        from_file = config.load_settings(os.path.dirname(path), None, self.registry)
        return config.with_command_line(from_file, self.select, (), self.ignore, self.fail_level)

    def projects_of(self, path: str) -> list[ProjectSpec]:
        """The projects a file belongs to: those whose last run read it, and its own if it is a
        compose file by name."""
        found = [
            ProjectSpec(key)
            for key, result in self.results.items()
            if path in result.compose_files or path in result.files_read
        ]
        if is_compose_file(os.path.basename(path)):
            own = project_for_file(path)
            if own.files not in {spec.files for spec in found}:
                found.append(own)
        return found

    def lint(self, spec: ProjectSpec) -> dict[str, list[Finding]]:
        """Lint a project from the open buffers; the findings of every file it read (empty lists
        for files it read without findings, or that a previous run published for)."""
        result = lint_project(spec, self.settings_for(spec.files[0]), self.options_for(spec), self.registry)
        self.results[spec.files] = result
        by_path: dict[str, list[Finding]] = {path: [] for path in self.published.get(spec.files, ())}
        by_path.update({path: [] for path in result.compose_files})
        for finding in result.findings:
            by_path.setdefault(finding.path, []).append(finding)
        self.published[spec.files] = set(by_path)
        return by_path

    def options_for(self, spec: ProjectSpec) -> RunOptions:
        overlay = {path: text.encode("utf-8") for path, text in self.documents.items()}
        return RunOptions(environ=dict(os.environ), cwd=os.path.dirname(spec.files[0]), overlay=overlay)

    def check(self, spec: ProjectSpec, fix: Fix) -> str | None:
        """Why the fix would be refused (as `--fix` verifies it), or None."""
        from composelint.fixing import check_fix

        return check_fix(spec, self.settings_for(spec.files[0]), self.options_for(spec), self.registry, fix)

    def findings_at(self, path: str, line: int) -> list[tuple[Finding, ProjectResult]]:
        """The findings of a file's projects covering a 1-based line."""
        return [
            (finding, result)
            for result in self.results.values()
            for finding in result.findings
            if finding.path == path and finding.line <= line <= finding.end_line
        ]

    def line_text(self, path: str, line: int) -> str:
        text = self.documents.get(path)
        if text is None:
            try:
                with open(path, encoding="utf-8", errors="replace") as handle:
                    text = handle.read()
            except OSError:
                return ""
        lines = text.split("\n")
        return lines[line - 1].rstrip("\r") if 0 < line <= len(lines) else ""


def run_server(args: argparse.Namespace) -> int:
    try:
        from lsprotocol import types
        from pygls.lsp.server import LanguageServer
    except ImportError:
        raise UsageError(
            "composelint server needs the language server library: pip install 'composelint-cli[server]'"
        ) from None
    linter = Linter(Registry.default())
    server = LanguageServer("composelint", __version__)
    pending: dict[str, int] = {}

    def encoding() -> str:
        return str(server.workspace.position_encoding or "utf-16")

    def lsp_range(finding_path: str, line: int, column: int, end_line: int, end_column: int) -> Any:
        text, end_text = linter.line_text(finding_path, line), linter.line_text(finding_path, end_line)
        start = types.Position(line - 1, lsp_column(text, column, encoding()))
        end = types.Position(end_line - 1, lsp_column(end_text, end_column, encoding()))
        return types.Range(start, end)

    def diagnostic(finding: Finding) -> Any:
        rule = linter.registry.by_id.get(finding.rule_id)
        places = [(s.path, s.line, s.column) for s in finding.related] or list(
            _places(finding, os.path.dirname(finding.path))
        )
        related = [
            types.DiagnosticRelatedInformation(
                types.Location(uri_of(place), lsp_range(place, line, column, line, column)),
                "the other place",
            )
            for place, line, column in places
        ]
        return types.Diagnostic(
            range=lsp_range(finding.path, finding.line, finding.column, finding.end_line, finding.end_column),
            message=finding.message,
            severity={
                Severity.ERROR: types.DiagnosticSeverity.Error,
                Severity.WARNING: types.DiagnosticSeverity.Warning,
                Severity.INFO: types.DiagnosticSeverity.Information,
            }[finding.severity],
            code=finding.rule_id,
            code_description=types.CodeDescription(href=help_uri(rule)) if rule is not None else None,
            source="composelint",
            related_information=related or None,
        )

    def publish(path: str) -> None:
        for spec in linter.projects_of(path):
            try:
                by_path = linter.lint(spec)
            except Exception as exc:  # the server must outlive any bug: say it, keep serving
                server.window_log_message(
                    types.LogMessageParams(
                        types.MessageType.Error, f"composelint: {type(exc).__name__}: {exc}"
                    )
                )
                continue
            for file_path, findings in by_path.items():
                server.text_document_publish_diagnostics(
                    types.PublishDiagnosticsParams(uri_of(file_path), [diagnostic(f) for f in findings])
                )

    async def later(path: str) -> None:
        generation = pending[path] = pending.get(path, 0) + 1
        await asyncio.sleep(DEBOUNCE_SECONDS)
        if pending.get(path) == generation:
            publish(path)

    @server.feature(types.INITIALIZE)
    def initialize(ls: LanguageServer, params: types.InitializeParams) -> None:
        try:
            linter.configure(params.initialization_options)
        except ValueError as exc:  # a bad failLevel: say so, keep the defaults
            ls.window_log_message(types.LogMessageParams(types.MessageType.Error, f"composelint: {exc}"))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: LanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        path = path_of(params.text_document.uri)
        if path is not None:
            linter.documents[path] = params.text_document.text
            publish(path)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: LanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        path = path_of(params.text_document.uri)
        if path is not None:
            linter.documents[path] = ls.workspace.get_text_document(params.text_document.uri).source
            await later(path)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: LanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        path = path_of(params.text_document.uri)
        if path is not None:
            publish(path)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: LanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        path = path_of(params.text_document.uri)
        if path is not None:
            linter.documents.pop(path, None)
            publish(path)  # the file on disk is what counts again

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: LanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
        for path in list(linter.documents):  # a configuration or env file changed: lint again
            publish(path)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: LanguageServer, params: types.HoverParams) -> Any:
        path = path_of(params.text_document.uri)
        if path is None:
            return None
        rules = {finding.rule_id for finding, _ in linter.findings_at(path, params.position.line + 1)}
        pages = [rule_page(linter.registry.by_id[r]) for r in sorted(rules) if r in linter.registry.by_id]
        if not pages:
            return None
        return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, "\n\n---\n\n".join(pages)))

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    def code_action(ls: LanguageServer, params: types.CodeActionParams) -> list[Any]:
        path = path_of(params.text_document.uri)
        if path is None:
            return []
        actions: list[Any] = []
        first, last = params.range.start.line + 1, params.range.end.line + 1
        seen: set[tuple[str, int]] = set()
        for line in range(first, last + 1):
            for finding, result in linter.findings_at(path, line):
                if (finding.rule_id, finding.line) in seen:
                    continue
                seen.add((finding.rule_id, finding.line))
                fix = result.fixes.get(finding)
                if fix is not None and fix.edits:
                    safety = "" if fix.safe else " (changes behaviour)"
                    refused = linter.check(result.spec, fix)
                    actions.append(
                        types.CodeAction(
                            title=f"{fix.description}{safety} [{finding.rule_id}]",
                            kind=types.CodeActionKind.QuickFix,
                            edit=workspace_edit(fix) if refused is None else None,
                            is_preferred=fix.safe and refused is None,
                            disabled=types.CodeActionDisabled(refused) if refused is not None else None,
                        )
                    )
                actions.extend(suppressions(finding))
        return actions

    def workspace_edit(fix: Fix) -> Any:
        changes: dict[str, list[Any]] = {}
        for change in fix.edits:
            span = change.span
            changes.setdefault(uri_of(span.path), []).append(
                types.TextEdit(
                    lsp_range(span.path, span.line, span.column, span.end_line, span.end_column), change.text
                )
            )
        return types.WorkspaceEdit(changes=changes)

    def suppressions(finding: Finding) -> Iterable[Any]:
        line = linter.line_text(finding.path, finding.line)
        comment = f"  # composelint: disable={finding.rule_id}"
        at_end = types.Position(finding.line - 1, lsp_column(line, len(line) + 1, encoding()))
        yield types.CodeAction(
            title=f"Disable {finding.rule_id} [{finding.name}] on this line",
            kind=types.CodeActionKind.QuickFix,
            edit=types.WorkspaceEdit(
                changes={uri_of(finding.path): [types.TextEdit(types.Range(at_end, at_end), comment)]}
            ),
        )
        top = types.Position(0, 0)
        yield types.CodeAction(
            title=f"Disable {finding.rule_id} [{finding.name}] for this file",
            kind=types.CodeActionKind.QuickFix,
            edit=types.WorkspaceEdit(
                changes={
                    uri_of(finding.path): [
                        types.TextEdit(
                            types.Range(top, top), f"# composelint: disable-file={finding.rule_id}\n"
                        )
                    ]
                }
            ),
        )

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def configuration(ls: LanguageServer, params: types.DidChangeConfigurationParams) -> None:
        settings = params.settings
        if isinstance(settings, dict):
            linter.configure(settings.get("composelint", settings))
            for path in list(linter.documents):
                publish(path)

    try:
        server.start_io()
    except SystemExit as exc:  # `exit`: 0 after `shutdown`, 1 without
        code = exc.code if isinstance(exc.code, int) else 0
    else:
        code = 0
    # pygls closed stdout on `exit`: nothing may flush into it any more.
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the rest of the process
    return code


def _places(finding: Finding, directory: str) -> Sequence[tuple[str, int, int]]:
    """The other places a message names (`compose.yaml:10:9`), that exist."""
    found = []
    for match in _PLACE.finditer(finding.message):
        path = os.path.abspath(os.path.join(directory, match.group("path")))
        if os.path.isfile(path):
            found.append((path, int(match.group("line")), int(match.group("column"))))
    return found
