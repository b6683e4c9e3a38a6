"""The rule contract: metadata, documentation and one ``check(context)`` generator.

A rule never prints, never parses files and never touches global state: it reads the ``Context``
(the project model, the shared graph, its own options) and yields ``Violation``s. The engine stamps
ids, severities and positions, and applies configuration and suppressions.

Rule documentation is the class docstring, in Markdown with the sections ``## What it does``,
``## Why is this bad?``, ``## Example`` and ``## Use instead`` (``## Options`` is generated). The same
text feeds ``composelint rule``, ``rules/*.md`` and the SARIF rule metadata.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, TypeVar

from composelint.compose.errors import ComposeError
from composelint.compose.span import Span
from composelint.finding import Severity, Violation

if TYPE_CHECKING:
    from composelint.compose.sourcetokens import SourceFile
    from composelint.compose.tree import YMap
    from composelint.project.dataservices import DataServices
    from composelint.project.graph import ProjectGraph
    from composelint.project.model import Project
    from composelint.settings import Settings

FAMILIES = {
    "1": "validity",
    "2": "network topology",
    "3": "data and volumes",
    "4": "security hardening",
    "5": "reliability and operations",
    "6": "style",
}
RULE_ID = re.compile(r"[A-Z]{2,4}[0-9]{3}")
RULE_NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
REQUIRED_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead")


class Option(NamedTuple):
    """A rule option: its type (bool, int, str or list), default and one-line help; ``problem``, when
    given, says what is wrong with a configured value (None: nothing), so the configuration is refused
    with that message instead of the rule failing at run time."""

    type: type
    default: Any
    help: str
    problem: Callable[[Any], str | None] | None = None


T = TypeVar("T")


class Context:
    """Everything a rule may look at for one project. Treat it as read-only.

    The engine hands the same context to every rule of a project, setting ``options`` to each
    rule's own before running it.
    """

    __slots__ = ("cache", "documents", "load_errors", "options", "project", "settings", "sources")

    def __init__(
        self,
        project: Project,
        settings: Settings,
        load_errors: tuple[ComposeError, ...] = (),
        sources: Mapping[str, str] | None = None,
        # Each YAML file's documents as written (before interpolation and merging), for style rules.
        documents: Mapping[str, Sequence[YMap | None] | None] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> None:
        self.project = project
        self.settings = settings
        self.load_errors = load_errors
        self.sources: Mapping[str, str] = sources if sources is not None else {}
        self.documents: Mapping[str, Sequence[YMap | None] | None] = (
            documents if documents is not None else {}
        )
        self.options: Mapping[str, Any] = options if options is not None else {}
        # What the rules of one project share (its graph, its source files), built on first use.
        self.cache: dict[str, Any] = {}

    def shared(self, key: str, build: Callable[[], T]) -> T:
        """``build()``, made once per project under ``key`` and shared by all its rules."""
        if key not in self.cache:
            self.cache[key] = build()
        value: T = self.cache[key]
        return value

    @property
    def data_services(self) -> DataServices:
        """The run's data-service policy: built-in images, plus and minus the configured ones; one
        per project, so what it recognised is remembered across rules."""
        policy: DataServices | None = self.cache.get("data-services")
        if policy is None:
            from composelint.project.dataservices import DataServices

            settings = self.settings
            policy = DataServices(settings.data_images, settings.not_data_images, settings.data_services)
            self.cache["data-services"] = policy
        return policy

    @property
    def graph(self) -> ProjectGraph:
        graph: ProjectGraph | None = self.cache.get("graph")
        if graph is None:
            from composelint.project.graph import ProjectGraph

            graph = self.cache["graph"] = ProjectGraph(self.project)
        return graph

    def source_file(self, path: str) -> SourceFile | None:
        """A file of the project as written (trees, scalar quoting) for style rules; built on first use."""
        from composelint.compose.sourcetokens import SourceFile

        text = self.sources.get(path)
        return self.shared(
            f"source:{path}",
            lambda: None if text is None else SourceFile(path, text, self.documents.get(path)),
        )


class Rule:
    id: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    summary: ClassVar[str]
    enabled_by_default: ClassVar[bool] = True
    # "safe" (applied by --fix), "unsafe" (only with --unsafe-fixes: it changes what the project
    # does), or "" (no fix); `fix_summary` says what the edit is, or why there is none.
    fix_safety: ClassVar[str] = ""
    fix_summary: ClassVar[str] = ""
    # Rules about security get a CVSS-like score for GitHub code scanning (0.0-10.0).
    security_severity: ClassVar[float | None] = None
    options: ClassVar[Mapping[str, Option]] = {}
    # The loader error kinds this rule reports (validity rules only).
    load_error_kinds: ClassVar[tuple[str, ...]] = ()

    def check(self, ctx: Context) -> Iterator[Violation]:
        """Yield violations; the default reports this rule's load errors."""
        for error in ctx.load_errors:
            if error.rule in self.load_error_kinds:
                # A problem with no node of its own (an env file named on the command line) is
                # reported at the top of the project's main file.
                span = error.span or Span.point(ctx.project.config_files[0], 1, 1)
                severity = Severity(error.severity) if error.severity else None
                yield Violation(span, error.message, severity=severity)

    @classmethod
    def family(cls) -> str:
        return FAMILIES.get(cls.id[-3], "other")

    @classmethod
    def docs(cls) -> str:
        import inspect  # only for documentation: it costs 6 ms to import

        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def doc_sections(cls) -> dict[str, str]:
        sections: dict[str, str] = {}
        current: str | None = None
        lines: list[str] = []
        for line in cls.docs().splitlines():
            if line.startswith("## "):
                if current is not None:
                    sections[current] = "\n".join(lines).strip()
                current, lines = line[3:].strip(), []
            elif current is not None:
                lines.append(line)
        if current is not None:
            sections[current] = "\n".join(lines).strip()
        return sections
