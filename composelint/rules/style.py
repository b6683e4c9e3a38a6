"""Family 6: style (all off by default except the obsolete `version` key).

The ordering and quoting rules mirror dclint's, without its known false positives. They read each
compose file of the project (the files given or discovered, not those pulled in by `include` or
`extends`) as written, through ``Context.source_file``: ordering is a property of a file, not of the
merged project, and quoting is lost once the YAML is read. Keys that a `<<:` merge key brings in are
not part of the mapping as written, so they never count as out of order.
"""

from __future__ import annotations

import fnmatch
import itertools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from composelint.finding import Severity, Violation
from composelint.rule import Context, Option, Rule
from composelint.sourcetokens import ScalarStyle, SourceFile, plain_safe
from composelint.span import Span
from composelint.tree import IStr, YMap, YSeq


def _inside(span: Span, outer: Span) -> bool:
    return span.path == outer.path and (
        (outer.line, outer.column) <= (span.line, span.column) <= (outer.end_line, outer.end_column)
    )


def _own_keys(mapping: YMap) -> list[tuple[str, Span]]:
    """The keys written in this mapping, in file order (not those a `<<:` merge key brought in)."""
    keys = [(key, mapping.key_span(key)) for key in mapping if _inside(mapping.key_span(key), mapping.span)]
    return sorted(keys, key=lambda item: (item[1].line, item[1].column))


def _own_items(sequence: YSeq) -> list[tuple[Any, Span]]:
    return [(item, span) for item, span in sequence.items_with_spans() if _inside(span, sequence.span)]


def _documents(ctx: Context) -> Iterator[tuple[SourceFile, YMap]]:
    """Every document of every compose file of the project, as written."""
    for path in ctx.project.config_files:
        source = ctx.source_file(path)
        if source is not None:
            for document in source.documents:
                yield source, document


def _services(ctx: Context) -> Iterator[tuple[SourceFile, str, YMap]]:
    """(file, name, definition as written) for each service written in each file."""
    for source, document in _documents(ctx):
        services = document.get("services")
        if isinstance(services, YMap):
            for name, _ in _own_keys(services):
                definition = services[name]
                if isinstance(definition, YMap):
                    yield source, name, definition


# Unicode collation of ASCII punctuation (non-ignorable, as JavaScript's localeCompare, which dclint
# uses): punctuation sorts before digits, digits before letters; case only breaks ties.
_PUNCTUATION = "_-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$"


_SortKey = tuple[tuple[tuple[int, str], ...], tuple[bool, ...]]


def _sort_key(name: str) -> _SortKey:
    primary = tuple(
        (0, f"{_PUNCTUATION.index(ch):02d}")
        if ch in _PUNCTUATION
        else (1, ch)
        if ch.isdigit()
        else (2, ch.casefold())  # may be two letters ("ß" is "ss"), which compares as it should
        for ch in name
    )
    return primary, tuple(ch.isupper() for ch in name)


def _first_unsorted(names: Sequence[tuple[str, Span]]) -> tuple[str, Span, str] | None:
    """The first name that sorts before the one written above it, with that one."""
    for (previous, _), (name, span) in itertools.pairwise(names):
        if _sort_key(name) < _sort_key(previous):
            return name, span, previous
    return None


class ObsoleteVersion(Rule):
    """The top-level `version` key is obsolete.

    ## What it does
    Reports the top-level `version:` key of each compose file.

    ## Why is this bad?
    Docker Compose ignores it (and warns "the attribute `version` is obsolete"): the file format is
    the Compose Specification whatever the number says. Keeping it suggests that `3.8` features or
    limits apply, and tools that still read it (KICS only checks resource limits when it is present)
    behave differently from Compose.

    ## Example
    ```yaml
    version: "3.8"
    services:
      web:
        image: nginx:1.27
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27
    ```
    """

    id = "CL601"
    name = "obsolete-version"
    severity = Severity.INFO
    summary = "The top-level version key is obsolete"
    load_error_kinds = ("obsolete-version",)


class ServicesAlphabeticalOrder(Rule):
    """Services are not in alphabetical order.

    ## What it does
    In each compose file, reports each service written after a service whose name sorts after it,
    naming the service it should come before. Names compare as dclint compares them (Unicode
    collation: case-insensitive, punctuation before digits before letters). Off by default (dclint:
    `services-alphabetical-order`).

    ## Why is this bad?
    In long files a fixed order makes services easy to find and keeps diffs small. It is a
    convention, not a correctness problem.

    ## Example
    ```yaml
    services:
      web:
        image: nginx:1.27
      api:
        image: example/api:2.1
    ```

    ## Use instead
    ```yaml
    services:
      api:
        image: example/api:2.1
      web:
        image: nginx:1.27
    ```
    """

    id = "CL602"
    name = "services-alphabetical-order"
    severity = Severity.INFO
    summary = "Services are not in alphabetical order"
    enabled_by_default = False

    def check(self, ctx: Context) -> Iterator[Violation]:
        for _, document in _documents(ctx):
            services = document.get("services")
            if not isinstance(services, YMap):
                continue
            seen: list[tuple[_SortKey, str]] = []
            for name, span in _own_keys(services):
                key = _sort_key(name)
                later = [item for item in seen if item[0] > key]
                if later:
                    before = min(later)[1]
                    yield Violation(
                        span, f"service {name} should come before {before} (alphabetical order)", name
                    )
                seen.append((key, name))


# dclint's default groups, flattened: core, dependencies, data, environment, network, runtime,
# metadata, security.
_SERVICE_KEY_ORDER = [
    "image",
    "build",
    "container_name",
    "depends_on",
    "volumes",
    "volumes_from",
    "configs",
    "secrets",
    "environment",
    "env_file",
    "ports",
    "networks",
    "network_mode",
    "extra_hosts",
    "command",
    "entrypoint",
    "working_dir",
    "restart",
    "healthcheck",
    "logging",
    "labels",
    "user",
    "isolation",
]


@dataclass(frozen=True, order=True)
class _Rank:
    index: int
    name: str  # for keys outside the order, when they must come last in alphabetical order


def _order_violations(
    keys: Sequence[tuple[str, Span]], rank: Callable[[str], _Rank | None], against_highest: bool
) -> Iterator[tuple[str, Span, str]]:
    """(key, span, earlier key) for each key ranked before an earlier key: the one just above it, or
    with ``against_highest`` the highest-ranked one so far (dclint does the first for service keys,
    the second for top-level keys)."""
    reference: tuple[str, _Rank] | None = None
    for key, span in keys:
        current = rank(key)
        if current is None:
            continue
        misplaced = reference is not None and current < reference[1]
        if reference is not None and misplaced:
            yield key, span, reference[0]
        if not (misplaced and against_highest):
            reference = (key, current)


class ServiceKeysOrder(Rule):
    """The keys of a service are not in the conventional order.

    ## What it does
    In each compose file, reports a service key written after a key that the order puts later, naming
    that key. The order is dclint's (`service-keys-order`): image, build, container_name; depends_on;
    volumes, volumes_from, configs, secrets; environment, env_file; ports, networks, network_mode,
    extra_hosts; command, entrypoint, working_dir, restart, healthcheck; logging, labels; user,
    isolation (option `order`). Unlike dclint, keys outside the order (`profiles`, `deploy`,
    `x-...`) may go anywhere unless option `others-last` is set (then they must follow the ordered
    keys, alphabetically), and keys brought in by a `<<:` merge key are not reported. Off by default.

    ## Why is this bad?
    A consistent layout makes services quick to read and review. It is a convention, not a
    correctness problem.

    ## Example
    ```yaml
    services:
      web:
        ports: ["8080:80"]
        image: nginx:1.27
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27
        ports: ["8080:80"]
    ```
    """

    id = "CL603"
    name = "service-keys-order"
    severity = Severity.INFO
    summary = "The keys of a service are not in the conventional order"
    enabled_by_default = False
    options: ClassVar[Mapping[str, Option]] = {
        "order": Option(list, _SERVICE_KEY_ORDER, "service keys in the expected order"),
        "others-last": Option(bool, False, "keys not in `order` must come after them, alphabetically"),
    }

    def check(self, ctx: Context) -> Iterator[Violation]:
        order = [str(key) for key in ctx.options.get("order", _SERVICE_KEY_ORDER)]
        others_last = ctx.options.get("others-last") is True
        positions = {key: index for index, key in enumerate(order)}

        def rank(key: str) -> _Rank | None:
            if key in positions:
                return _Rank(positions[key], "")
            return _Rank(len(order), key.casefold()) if others_last else None

        for _, service, definition in _services(ctx):
            for key, span, previous in _order_violations(_own_keys(definition), rank, against_highest=False):
                yield Violation(
                    span, f"key {key} of service {service} should come before {previous}", service
                )


_TOP_LEVEL_ORDER = [
    "x-*",
    "version",
    "name",
    "include",
    "services",
    "networks",
    "volumes",
    "secrets",
    "configs",
    "models",
]


class TopLevelPropertiesOrder(Rule):
    """The top-level keys of a compose file are not in the conventional order.

    ## What it does
    In each compose file, reports each top-level key written after one that the order puts later,
    naming the latest-ordered key above it. The order is dclint's (`top-level-properties-order`): `x-`
    extensions, version, name, include, services, networks, volumes, secrets, configs, with `models`
    added last (option `order`, shell patterns allowed). Unlike dclint, keys outside the order are not
    reported, and extensions need not be in alphabetical order among themselves. Off by default.

    ## Why is this bad?
    Readers expect reusable fragments first and the services before the resources they use. It is a
    convention, not a correctness problem.

    ## Example
    ```yaml
    volumes:
      data: {}
    services:
      db:
        image: postgres:16.4
    ```

    ## Use instead
    ```yaml
    services:
      db:
        image: postgres:16.4
    volumes:
      data: {}
    ```
    """

    id = "CL604"
    name = "top-level-properties-order"
    severity = Severity.INFO
    summary = "Top-level keys are not in the conventional order"
    enabled_by_default = False
    options: ClassVar[Mapping[str, Option]] = {
        "order": Option(list, _TOP_LEVEL_ORDER, "top-level keys (shell patterns) in the expected order"),
    }

    def check(self, ctx: Context) -> Iterator[Violation]:
        order = [str(key) for key in ctx.options.get("order", _TOP_LEVEL_ORDER)]

        def rank(key: str) -> _Rank | None:
            index = next((i for i, pattern in enumerate(order) if fnmatch.fnmatchcase(key, pattern)), None)
            return None if index is None else _Rank(index, "")

        for _, document in _documents(ctx):
            for key, span, previous in _order_violations(_own_keys(document), rank, against_highest=True):
                yield Violation(span, f"top-level key {key} should come before {previous}")


def _dependency_names(node: Any) -> list[tuple[str, Span]]:
    if isinstance(node, YMap):
        return _own_keys(node)
    if isinstance(node, YSeq):
        return [(item, span) for item, span in _own_items(node) if isinstance(item, str)]
    return []


class ServiceDependenciesAlphabeticalOrder(Rule):
    """The `depends_on` entries of a service are not in alphabetical order.

    ## What it does
    In each compose file, reports the first `depends_on` entry (short or long syntax) that sorts
    before the entry written above it (case-insensitive; punctuation before digits before letters).
    Off by default (dclint: `service-dependencies-alphabetical-order`).

    ## Why is this bad?
    Sorted lists are easier to scan and merge. Compose starts dependencies in dependency order
    whatever the order written, so this is only a convention.

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.1
        depends_on: [redis, db]
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.1
        depends_on: [db, redis]
    ```
    """

    id = "CL605"
    name = "service-dependencies-alphabetical-order"
    severity = Severity.INFO
    summary = "depends_on entries are not in alphabetical order"
    enabled_by_default = False

    def check(self, ctx: Context) -> Iterator[Violation]:
        for _, service, definition in _services(ctx):
            unsorted = _first_unsorted(_dependency_names(definition.get("depends_on")))
            if unsorted is not None:
                name, span, previous = unsorted
                yield Violation(
                    span, f"depends_on of service {service}: {name} should come before {previous}", service
                )


def _port_sort_key(item: Any, span: Span, interpolated: Mapping[Span, int]) -> int | None:
    """The host port an entry publishes (the container port when it publishes none); None when
    unknown. Entries written with variables take their interpolated value."""
    if span in interpolated:
        return interpolated[span]
    if isinstance(item, YMap):
        item = item.get("published") or item.get("target")
    if isinstance(item, int) and not isinstance(item, bool):
        return item
    if isinstance(item, str) and "$" not in item:
        parts = item.split("/")[0].split(":")
        published = parts[-2] if len(parts) >= 2 and parts[-2] else parts[-1]
        match = re.fullmatch(r"([0-9]+)(?:-[0-9]+)?", published)
        return int(match.group(1)) if match else None
    return None


class ServicePortsAlphabeticalOrder(Rule):
    """The ports of a service are not sorted by port number.

    ## What it does
    In each compose file, reports the first `ports` entry whose host port (the container port for an
    entry that publishes none) is lower than the one written above it. Ports written with variables
    are compared by their interpolated value, so `"${WEB_PORT:-8080}:80"` counts as 8080 (dclint
    compares the text `${WEB_PORT` and reports nonsense); an entry whose port is unknown is skipped.
    Off by default (dclint: `service-ports-alphabetical-order`).

    ## Why is this bad?
    Sorted ports are easier to scan and make collisions visible. It is a convention, not a
    correctness problem.

    ## Example
    ```yaml
    services:
      web:
        image: nginx:1.27
        ports: ["8443:443", "8080:80"]
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27
        ports: ["8080:80", "8443:443"]
    ```
    """

    id = "CL606"
    name = "service-ports-alphabetical-order"
    severity = Severity.INFO
    summary = "Ports are not sorted by port number"
    enabled_by_default = False

    def check(self, ctx: Context) -> Iterator[Violation]:
        # Entries written with (set) variables, by where they are written, with their interpolated port.
        interpolated: dict[Span, int] = {}
        for model_service in ctx.project.services.values():
            for port in model_service.ports:
                host = port.published_range
                number = host[0] if host is not None else port.target
                if port.template is not None and not port.unset and number is not None:
                    interpolated.setdefault(port.span, number)
        for _, service, definition in _services(ctx):
            ports = definition.get("ports")
            if not isinstance(ports, YSeq):
                continue
            previous: tuple[int, Span] | None = None
            for item, span in _own_items(ports):
                number = _port_sort_key(item, span, interpolated)
                if number is None:
                    continue
                if previous is not None and number < previous[0]:
                    yield Violation(
                        span,
                        f"ports of service {service}: port {number} should come before port {previous[0]} "
                        f"(line {previous[1].line})",
                        service,
                    )
                    break
                previous = (number, span)


_QUOTES = {"any": None, "single": ScalarStyle.SINGLE, "double": ScalarStyle.DOUBLE}


class RequireQuotesInPorts(Rule):
    """A short-syntax port is not quoted.

    ## What it does
    Reports short-syntax entries of `ports` and `expose` (option `sections`) written as plain
    scalars (`- 8080:80`, `- 3000`), at the entry. Any quotes are accepted by default; option `quote`
    (`single` or `double`) requires one style, as dclint's `require-quotes-in-ports` does (dclint
    defaults to single quotes, so it reports `"8080:80"` with a message that only says "should be
    enclosed in quotes"). Off by default.

    ## Why is this bad?
    YAML 1.1 parsers, Compose v1 among them, read an unquoted `22:22` as the base-60 number 1342 and
    `- 0700` as an octal number. Docker Compose v2 reads YAML 1.2 and gets it right, but other tools
    reading the same file may not: quoting makes every reader see a string.

    ## Example
    ```yaml
    services:
      ssh:
        image: example/sshd:9.6
        ports:
          - 2222:22
    ```

    ## Use instead
    ```yaml
    services:
      ssh:
        image: example/sshd:9.6
        ports:
          - "2222:22"
    ```
    """

    id = "CL607"
    name = "require-quotes-in-ports"
    severity = Severity.INFO
    summary = "A short-syntax port is not quoted"
    enabled_by_default = False
    options: ClassVar[Mapping[str, Option]] = {
        "quote": Option(str, "any", "required quotes: any, single or double"),
        "sections": Option(list, ["ports", "expose"], "service keys whose entries must be quoted"),
    }

    def check(self, ctx: Context) -> Iterator[Violation]:
        required = _QUOTES.get(str(ctx.options.get("quote", "any")).lower())
        sections = [str(s) for s in ctx.options.get("sections", ["ports", "expose"])]
        reported: set[Span] = set()
        for source, service, definition in _services(ctx):
            for section in sections:
                entries = definition.get(section)
                if not isinstance(entries, YSeq):
                    continue
                for item, span in entries.items_with_spans():
                    if isinstance(item, (YMap, YSeq)) or span in reported:
                        continue
                    style = source.style(span)
                    if style is None or (style.quoted and required in (None, style)):
                        continue
                    reported.add(span)
                    written = f"is {style.value}" if style.quoted else "is not quoted"
                    want = f"{required.value.split('-')[0]} quotes" if required is not None else "quotes"
                    yield Violation(
                        span,
                        f"{section} entry {item} of service {service} {written}; write it in {want}",
                        service,
                    )


class NoQuotesInVolumes(Rule):
    """A short-syntax volume is quoted although it does not need quotes.

    ## What it does
    Reports short-syntax entries of a service's `volumes` written in quotes when the same text is a
    valid plain YAML scalar, at the entry. Entries that need quotes (starting with `{`, `*` or `&`,
    containing `: ` or ` #`) are left alone; dclint's `no-quotes-in-volumes` reports them too. Off by
    default.

    ## Why is this bad?
    Only consistency: unquoted volume entries are the common style in Compose files, and mixing both
    makes a file harder to scan.

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.1
        volumes:
          - "./data:/data"
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.1
        volumes:
          - ./data:/data
    ```
    """

    id = "CL608"
    name = "no-quotes-in-volumes"
    severity = Severity.INFO
    summary = "A short-syntax volume is quoted without need"
    enabled_by_default = False

    def check(self, ctx: Context) -> Iterator[Violation]:
        reported: set[Span] = set()
        for source, service, definition in _services(ctx):
            volumes = definition.get("volumes")
            if not isinstance(volumes, YSeq):
                continue
            for item, span in volumes.items_with_spans():
                if not isinstance(item, str) or span in reported:
                    continue
                style = source.style(span)
                if style is None or not style.quoted or not plain_safe(item):
                    continue
                reported.add(span)
                yield Violation(
                    span,
                    f"volume {item} of service {service} is {style.value}; write it without quotes",
                    service,
                )


class RequireProjectName(Rule):
    """The project has no `name:`.

    ## What it does
    Reports a project none of whose compose files sets the top-level `name`, once, at the top of the
    first file; the message gives the name Compose derives instead. Unlike dclint's
    `require-project-name-field`, override files and fragments are not reported: one `name` per
    project is enough. Off by default.

    ## Why is this bad?
    Without `name`, Compose names the project after the directory (or `COMPOSE_PROJECT_NAME`):
    containers, networks and volumes change names when the repository is cloned under another name,
    and two checkouts of the same project on one host share (and overwrite) each other's resources.

    ## Example
    ```yaml
    services:
      web:
        image: nginx:1.27
    ```

    ## Use instead
    ```yaml
    name: shop
    services:
      web:
        image: nginx:1.27
    ```
    """

    id = "CL609"
    name = "require-project-name"
    severity = Severity.INFO
    summary = "The project has no name"
    enabled_by_default = False

    def check(self, ctx: Context) -> Iterator[Violation]:
        documents = list(_documents(ctx))
        if not documents or any("name" in document for _, document in documents):
            return
        first = documents[0][1]
        yield Violation(
            Span.point(first.span.path, first.span.line, first.span.column),
            f"the project sets no top-level name, so Compose names it after its directory "
            f"({ctx.project.name}); add `name: {ctx.project.name}` to fix it",
        )


# Docker's own rule for container names (the engine refuses others).
_DOCKER_CONTAINER_NAME = "[a-zA-Z0-9][a-zA-Z0-9_.-]+"


def _regex_problem(pattern: str) -> str | None:
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"is not a valid regular expression: {exc}"
    return None


class ContainerNamePattern(Rule):
    """A `container_name` does not match the naming pattern.

    ## What it does
    Reports `container_name` values, after interpolation, that do not fully match option `pattern`
    (by default Docker's own rule, `[a-zA-Z0-9][a-zA-Z0-9_.-]+`, which the engine enforces). Names
    that depend on an unset variable are skipped, so `${COMPOSE_PROJECT_NAME}-db` is checked as the
    name it becomes (dclint's `service-container-name-regex` reports the template itself). Off by
    default; set `pattern` to enforce a team convention.

    ## Why is this bad?
    With the default pattern, Docker refuses the container ("Invalid container name"), so the
    service never starts. With a custom pattern, the name breaks the team's convention.

    ## Example
    ```yaml
    services:
      db:
        image: postgres:16.4
        container_name: "shop db"
    ```

    ## Use instead
    ```yaml
    services:
      db:
        image: postgres:16.4
        container_name: shop-db
    ```
    """

    id = "CL610"
    name = "container-name-pattern"
    severity = Severity.INFO
    summary = "A container_name does not match the naming pattern"
    enabled_by_default = False
    options: ClassVar[Mapping[str, Option]] = {
        "pattern": Option(
            str,
            _DOCKER_CONTAINER_NAME,
            "regular expression container names must fully match",
            problem=lambda value: _regex_problem(str(value)),
        ),
    }

    def check(self, ctx: Context) -> Iterator[Violation]:
        pattern = str(ctx.options.get("pattern", _DOCKER_CONTAINER_NAME))
        compiled = re.compile(pattern)
        for service in ctx.project.services.values():
            name = service.container_name
            if name is None or (isinstance(name, IStr) and name.unset) or compiled.fullmatch(name):
                continue
            written = f" (written {name.template!r})" if isinstance(name, IStr) else ""
            consequence = ": Docker refuses it" if pattern == _DOCKER_CONTAINER_NAME else ""
            yield Violation(
                service.value_span("container_name") or service.span,
                f"container_name {name!r} of service {service.name}{written} does not match {pattern}{consequence}",
                service.name,
            )


RULES: tuple[type[Rule], ...] = (
    ObsoleteVersion,
    ServicesAlphabeticalOrder,
    ServiceKeysOrder,
    TopLevelPropertiesOrder,
    ServiceDependenciesAlphabeticalOrder,
    ServicePortsAlphabeticalOrder,
    RequireQuotesInPorts,
    NoQuotesInVolumes,
    RequireProjectName,
    ContainerNamePattern,
)
