"""Loading a compose project exactly as Docker Compose 2.40 (compose-go v2.9) does.

Per file and per YAML document: interpolate, cast typed values, resolve `extends`, import `include`,
merge onto what earlier files defined (``!reset``/``!override`` included), enforce unicity, validate
against the schema, turn short syntax into long syntax. After all files: defaults, relative paths,
normalization (default network, implicit depends_on, resource names) and `env_file` contents.

Unlike Compose, loading does not stop at the first problem: every problem becomes a ``ComposeError``
in ``LoadedProject.errors`` (the engine turns them into findings), and the model is built from what
could be read. Only problems that leave nothing to analyse (unreadable main file, bad YAML) make
``model`` None.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import stat
from collections.abc import Mapping
from typing import Any

from composelint.compose import canonical, schema
from composelint.compose.dotenv import parse_dotenv
from composelint.compose.environment import load_env_files, project_environment
from composelint.compose.errors import ComposeError, each_error
from composelint.compose.interpolation import (
    Budget,
    InterpolationError,
    Lookup,
    interpolate_tree_collect,
    substitute,
)
from composelint.compose.limits import DEFAULT_LIMITS, Limits
from composelint.compose.merge import enforce_unicity, extend_service, merge_documents
from composelint.compose.span import Span, within_scalar
from composelint.compose.tree import OverrideTag, YMap, YSeq
from composelint.compose.yamlread import ParsedFile, parse_file

_VALID_PROJECT_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


# Plain classes, not dataclasses: see limits.py.
class LoadOptions:
    """What to load and how, as `docker compose` options say it."""

    __slots__ = (
        "cwd",
        "env_files",
        "environ",
        "files",
        "limits",
        "overlay",
        "profiles",
        "project_directory",
        "project_name",
        "root",
    )

    def __init__(
        self,
        files: tuple[str, ...],
        project_directory: str | None = None,
        project_name: str | None = None,
        env_files: tuple[str, ...] | None = None,
        # None: every service, whatever its profiles (the linter's default); else Compose's selection.
        profiles: tuple[str, ...] | None = None,
        environ: Mapping[str, str] | None = None,
        cwd: str | None = None,
        limits: Limits = DEFAULT_LIMITS,
        # Directory no file outside of may be read (include, extends, env_file); None: no restriction.
        root: str | None = None,
        # Path -> the bytes to read instead of the file on disk (a fix being verified).
        overlay: Mapping[str, bytes] | None = None,
    ) -> None:
        self.files = files
        self.project_directory = project_directory
        self.project_name = project_name
        self.env_files = env_files
        self.profiles = profiles
        self.environ: Mapping[str, str] = dict(os.environ) if environ is None else environ
        self.cwd = os.getcwd() if cwd is None else cwd
        self.limits = limits
        self.root = root
        self.overlay: Mapping[str, bytes] = overlay if overlay is not None else {}


class LoadedProject:
    """A project as read: its merged model (None if it could not be read) and every load error."""

    __slots__ = (
        "active_profiles",
        "config_files",
        "disabled_services",
        "documents",
        "environment",
        "errors",
        "model",
        "name",
        "sources",
        "working_dir",
    )

    def __init__(
        self,
        name: str,
        working_dir: str,
        config_files: tuple[str, ...],
        model: YMap | None,
        environment: dict[str, str],
        errors: list[ComposeError],
        # Text of every file read (compose files, includes, extends bases, env files), by path.
        sources: dict[str, str],
        active_profiles: tuple[str, ...] | None,
        disabled_services: tuple[str, ...] = (),
        # The documents of every YAML file read, as written (for YAML paths of findings, style rules).
        documents: dict[str, list[YMap | None] | None] | None = None,
    ) -> None:
        self.name = name
        self.working_dir = working_dir
        self.config_files = config_files
        self.model = model
        self.environment = environment
        self.errors = errors
        self.sources = sources
        self.active_profiles = active_profiles
        self.disabled_services = disabled_services
        self.documents: dict[str, list[YMap | None] | None] = documents if documents is not None else {}


def normalize_project_name(name: str) -> str:
    kept = "".join(ch for ch in name.lower() if ch in "abcdefghijklmnopqrstuvwxyz0123456789_-")
    return kept.lstrip("_-")


def _real_path(path: str) -> str:
    """``os.path.realpath``, with each directory resolved once per run (realpath walks every
    component of the path each time: 10 % of the time of linting many small projects)."""
    directory, name = os.path.split(os.path.abspath(path))
    real = os.path.join(_real_directory(directory), name)
    return os.path.realpath(real) if os.path.islink(real) else real


@functools.lru_cache(maxsize=16384)
def _real_directory(directory: str) -> str:
    """The real path of an absolute, normalized directory, its parent resolved once for all its
    children."""
    parent, name = os.path.split(directory)
    if not name:
        return directory
    candidate = os.path.join(_real_directory(parent), name)
    return os.path.realpath(candidate) if os.path.islink(candidate) else candidate


# Their entries look like regular files (/proc/self/environ holds the process's secrets).
_KERNEL_FILES = ("/proc/", "/sys/", "/dev/")


class _Files:
    """Reads files once, within the limits, never touching devices, FIFOs or paths outside ``root``."""

    def __init__(
        self,
        limits: Limits,
        root: str | None,
        errors: list[ComposeError],
        cwd: str,
        overlay: Mapping[str, bytes] | None = None,
    ) -> None:
        self.overlay: Mapping[str, bytes] = overlay or {}
        self.limits = limits
        self.cwd = cwd
        self.root = os.path.realpath(root) if root else None
        # As messages name it: most projects live in a repository, the default root.
        in_repository = root is not None and os.path.exists(os.path.join(root, ".git"))
        self.root_name = "the repository" if in_repository else f"{root} (see --root)"
        self.errors = errors
        self.sources: dict[str, str] = {}
        self._documents: dict[str, list[YMap | None] | None] = {}
        self._parsed: dict[str, ParsedFile] = {}
        self._count = 0

    def read_bytes(self, path: str, span: Span | None) -> bytes | None:
        problem = self._check(path)
        if problem is not None:
            self.errors.append(ComposeError(problem[0], span, problem[1]))
            return None
        if path in self.overlay:
            return self.overlay[path]
        try:
            with open(path, "rb") as handle:
                # Read what the file holds, not a buffer of the limit's size (8 MB allocated per
                # file would cost more than the parse); a file growing meanwhile is still bounded.
                expected = os.fstat(handle.fileno()).st_size
                data = handle.read(min(expected, self.limits.max_file_bytes) + 1)
                if len(data) > expected:
                    data += handle.read(self.limits.max_file_bytes + 1 - len(data))
        except OSError as exc:
            self.errors.append(
                ComposeError(f"cannot read {self.shown(path)}: {exc.strerror}", span, "unreadable-file")
            )
            return None
        if len(data) > self.limits.max_file_bytes:
            self.errors.append(
                ComposeError(
                    f"{self.shown(path)} is larger than {self.limits.max_file_bytes} bytes (limit max-file-bytes)",
                    span,
                    "limit-exceeded",
                )
            )
            return None
        return data

    def shown(self, path: str) -> str:
        """A path as messages show it: relative to the working directory when below it."""
        if not path:
            return '""'  # `env_file: [""]`: Compose keeps the empty path, and fails to find it
        relative = os.path.relpath(path, self.cwd)
        return path if relative.startswith(os.pardir) else relative

    def _check(self, path: str) -> tuple[str, str] | None:
        self._count += 1
        if self._count > self.limits.max_files:
            return (
                f"project reads more than {self.limits.max_files} files (limit max-files)",
                "limit-exceeded",
            )
        real = _real_path(path)
        if (
            self.root is not None
            and real != self.root
            and not real.startswith(self.root.rstrip(os.sep) + os.sep)
        ):
            return (f"{self.shown(path)} is outside {self.root_name}; it was not read", "unsafe-path")
        if real.startswith(_KERNEL_FILES):
            return (f"{self.shown(path)} is a kernel or device file; it was not read", "unsafe-path")
        try:
            info = os.stat(path)
        except FileNotFoundError:
            return (f"file not found: {self.shown(path)}", "missing-file")
        except OSError as exc:
            return (f"cannot read {self.shown(path)}: {exc.strerror}", "unreadable-file")
        if stat.S_ISDIR(info.st_mode):
            return (f"{self.shown(path)} is a directory, not a file", "unreadable-file")
        if not stat.S_ISREG(info.st_mode):
            return (
                f"{self.shown(path)} is not a regular file (device, FIFO or socket); it was not read",
                "unsafe-path",
            )
        if info.st_size > self.limits.max_file_bytes:
            return (
                f"{self.shown(path)} is larger than {self.limits.max_file_bytes} bytes (limit max-file-bytes)",
                "limit-exceeded",
            )
        return None

    def read_text(self, path: str, span: Span | None) -> str | None:
        data = self.read_bytes(path, span)
        if data is None:
            return None
        text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
        self.sources[path] = text
        return text

    @property
    def parsed_documents(self) -> dict[str, list[YMap | None] | None]:
        return self._documents

    def parsed(self, path: str) -> list[YMap | None] | None:
        """The documents of a file already read (None if it could not be read or parsed)."""
        return self._documents.get(path)

    def documents(self, path: str, span: Span | None) -> list[YMap | None] | None:
        if path in self._documents:
            return self._documents[path]
        data = self.read_bytes(path, span)
        docs: list[YMap | None] | None = None
        if data is not None:
            self.sources[path] = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
            try:
                parsed = self._parsed[path] = parse_file(data, path, self.limits)
                docs = parsed.documents
            except ComposeError as exc:
                self.errors.extend(each_error(exc))
        self._documents[path] = docs
        return docs

    def facts(self, path: str) -> ParsedFile | None:
        """What parsing found besides the documents (None if the file could not be parsed)."""
        return self._parsed.get(path)


class _Loader:
    def __init__(self, options: LoadOptions) -> None:
        self.options = options
        self.errors: list[ComposeError] = []
        self.files = _Files(options.limits, options.root, self.errors, options.cwd, options.overlay)
        self._reported: set[tuple[Span | None, str]] = set()
        self.budget = Budget()
        # Each `extends` base file and each included file is loaded once per project and
        # environment, however many services extend it or files include it (fan-outs and diamonds
        # would otherwise cost their product); the environment is kept so that its id stays unique.
        self._extends_bases: dict[tuple[str, int], tuple[Mapping[str, str], YMap | None]] = {}
        self._includes: dict[tuple[Any, ...], tuple[Mapping[str, str], YMap | None]] = {}
        self._inclusions = 0

    def error(self, error: ComposeError) -> None:
        self.errors.append(error)

    def _pinpointed(self, errors: list[ComposeError], path: str) -> list[ComposeError]:
        """The errors, each narrowed to the part of its scalar it is about (the bad `${`)."""
        lines: list[str] | None = None
        for error in errors:
            if error.fragment is not None and error.span is not None and error.span.path == path:
                lines = lines if lines is not None else self.files.sources.get(path, "").splitlines()
                error.span = within_scalar(lines, error.span, *error.fragment)
        return errors

    # -- one compose file ------------------------------------------------------------------------

    def load_file(
        self,
        path: str,
        model: YMap | None,
        lookup: Lookup,
        env: Mapping[str, str],
        working_dir: str,
        resource_dir: str,
        included: tuple[str, ...],
        *,
        process_extends: bool = True,
        process_include: bool = True,
        validate: bool = True,
        span: Span | None = None,
    ) -> YMap | None:
        docs = self.files.documents(path, span)
        if docs is None:
            return model
        facts = self.files.facts(path)
        dates = facts.dates if facts else frozenset()
        tagged = facts is None or facts.tagged
        for doc in docs:
            if doc is None:
                continue
            if dates and validate:
                self.errors.extend(_misplaced_dates(doc, dates))
            doc, errors = interpolate_tree_collect(doc, lookup, eager_defaults=True, budget=self.budget)
            self.errors.extend(self._pinpointed(errors, path))
            doc, errors = canonical.cast_types(doc)
            self.errors.extend(errors)
            if "version" in doc and validate:
                self.error(
                    ComposeError(
                        "the top-level `version` key is obsolete: Docker Compose ignores it",
                        doc.key_span("version"),
                        "obsolete-version",
                    )
                )
            if process_extends:
                doc = self.apply_extends(doc, path, resource_dir, lookup, env)
            if process_include:
                doc = self.apply_include(doc, working_dir, env, (*included, path))
            try:
                # The first document needs no merge, nor any tag stripping when it has no tags.
                model = doc if model is None and not tagged else merge_documents(model, doc)
            except ComposeError as exc:
                self.error(exc)
                continue
            model = enforce_unicity(model)
            if validate:
                self.validate(model)
            model.remove("version")
            model, errors = canonical.canonical(model, self.options.limits.max_ports)
            self.report_once(errors)
            model = _omit_empty_dns(model)
            model = enforce_unicity(model)
        return model

    def validate(self, model: YMap) -> None:
        self.report_once(schema.validate(model))

    def report_once(self, errors: list[ComposeError]) -> None:
        """Errors found again on the model of every later file are reported once."""
        for error in errors:
            key = (error.span, error.message)
            if key not in self._reported:
                self._reported.add(key)
                self.error(error)

    # -- extends ---------------------------------------------------------------------------------

    def apply_extends(
        self, doc: YMap, path: str, resource_dir: str, lookup: Lookup, env: Mapping[str, str]
    ) -> YMap:
        services = doc.get("services")
        if not isinstance(services, YMap) or not any(
            isinstance(s, YMap) and "extends" in s for s in services.values()
        ):
            return doc
        resolved = services.copy()
        for name in list(services):
            self._extend(name, resolved, path, resource_dir, lookup, env, ())
        out = doc.copy()
        out["services"] = resolved
        return out

    def _extend(
        self,
        name: str,
        services: YMap,
        path: str,
        resource_dir: str,
        lookup: Lookup,
        env: Mapping[str, str],
        chain: tuple[tuple[str, str], ...],
    ) -> YMap | None:
        service = services.get(name)
        if not isinstance(service, YMap) or "extends" not in service:
            return service if isinstance(service, YMap) else None
        extends = service["extends"]
        extends_span = service.value_span("extends")
        if isinstance(extends, str):
            ref, file = extends, None
        elif isinstance(extends, YMap) and isinstance(extends.get("service"), str):
            ref, file = extends["service"], extends.get("file")
        else:
            self.error(ComposeError(f"extends.{name}.service is required", extends_span, "invalid-config"))
            return self._drop_extends(services, name, service)
        if len(chain) >= self.options.limits.max_include_depth:
            self.error(
                ComposeError(
                    f"extends chain of services.{name} is deeper than {self.options.limits.max_include_depth} "
                    "(limit max-include-depth)",
                    extends_span,
                    "limit-exceeded",
                )
            )
            return self._drop_extends(services, name, service)
        base_services = services
        base_path = path
        base_dir = resource_dir
        if isinstance(file, str):
            base_path = _join(resource_dir, file)
            loaded = self._extends_file_services(base_path, name, ref, path, lookup, env, extends_span)
            if loaded is None:
                return self._drop_extends(services, name, service)
            base_services = loaded
            base_dir = os.path.dirname(base_path)
        elif ref not in services:
            self.error(
                ComposeError(
                    f'cannot extend service "{name}" in {self.files.shown(path)}: service "{ref}" not found',
                    extends_span,
                    "undefined-reference",
                )
            )
            return self._drop_extends(services, name, service)
        link = (base_path, ref)
        current = (path, name)
        if link in chain or link == current:
            cycle = " -> ".join(
                f"{svc} ({self.files.shown(where)})" for where, svc in (*chain, current, link)
            )
            self.error(ComposeError(f"circular extends: {cycle}", extends_span, "dependency-cycle"))
            return self._drop_extends(services, name, service)
        base = self._extend(ref, base_services, base_path, base_dir, lookup, env, (*chain, current))
        if base is None:
            return self._drop_extends(services, name, service)
        try:
            merged = extend_service(base, service)
        except ComposeError as exc:
            self.error(exc)
            return self._drop_extends(services, name, service)
        merged.remove("extends")
        services[name] = merged
        return merged

    @staticmethod
    def _drop_extends(services: YMap, name: str, service: YMap) -> YMap:
        kept = service.copy()
        kept.remove("extends")
        services[name] = kept
        return kept

    def _extends_file_services(
        self,
        base_path: str,
        name: str,
        ref: str,
        path: str,
        lookup: Lookup,
        env: Mapping[str, str],
        span: Span,
    ) -> YMap | None:
        key = (base_path, id(env))
        if key not in self._extends_bases:
            self._extends_bases[key] = (env, self._load_extends_base(base_path, lookup, env, span))
        model = self._extends_bases[key][1]
        if model is None:
            return None
        services = model.get("services")
        if not isinstance(services, YMap):
            self.error(
                ComposeError(
                    f'cannot extend service "{name}" in {self.files.shown(base_path)}: no services section',
                    span,
                    "invalid-config",
                )
            )
            return None
        if ref not in services:
            self.error(
                ComposeError(
                    f'cannot extend service "{name}": service "{ref}" not found in {self.files.shown(base_path)}',
                    span,
                    "undefined-reference",
                )
            )
            return None
        # Shared by every service that extends this file: resolving a base's own `extends` in it
        # once serves them all.
        return services

    def _load_extends_base(
        self, base_path: str, lookup: Lookup, env: Mapping[str, str], span: Span
    ) -> YMap | None:
        base_dir = os.path.dirname(base_path)
        model = self.load_file(
            base_path,
            None,
            lookup,
            env,
            base_dir,
            base_dir,
            (),
            process_extends=False,
            process_include=False,
            validate=False,
            span=span,
        )
        if model is None:
            return None
        resolved = canonical.resolve_paths(model, base_dir, self.options.environ.get("HOME"))
        services = resolved.get("services")
        if isinstance(services, YMap):
            resolved = resolved.copy()
            resolved["services"] = services.copy()
        return resolved

    # -- include ---------------------------------------------------------------------------------

    def apply_include(
        self, doc: YMap, working_dir: str, env: Mapping[str, str], included: tuple[str, ...]
    ) -> YMap:
        includes = doc.get("include")
        if includes is None:
            return doc
        out = doc.copy()
        out.remove("include")
        if not isinstance(includes, YSeq):
            return out  # the schema reports it
        for entry, span in includes.items_with_spans():
            config = _include_config(entry, span)
            if config is None:
                continue
            imported = self._load_include(config, span, working_dir, env, included)
            if imported is not None:
                self._import_resources(imported, out, span)
        return out

    def _load_include(
        self,
        config: dict[str, Any],
        span: Span,
        working_dir: str,
        env: Mapping[str, str],
        included: tuple[str, ...],
    ) -> YMap | None:
        remote = next((p for p in config["path"] if isinstance(p, str) and _REMOTE.match(p)), None)
        if remote is not None:
            # Compose fetches these (git, OCI, HTTP); composelint reads nothing from the network.
            self.error(
                ComposeError(
                    f"remote include {remote} is not fetched: composelint reads local files only, so "
                    "what it defines is not checked",
                    span,
                    "missing-file",
                    severity="warning",
                )
            )
            return None
        paths = [_join(working_dir, p) for p in config["path"]]
        if not paths:
            return None
        self._inclusions += 1
        if self._inclusions > self.options.limits.max_files:
            if self._inclusions == self.options.limits.max_files + 1:
                self.error(
                    ComposeError(
                        f"project includes files more than {self.options.limits.max_files} times "
                        "(limit max-files)",
                        span,
                        "limit-exceeded",
                    )
                )
            return None
        key = (
            tuple(paths),
            working_dir,
            repr(config.get("project_directory")),
            repr(config.get("env_file")),
            id(env),
            included,
        )
        if key not in self._includes:
            self._includes[key] = (env, self._import_include(paths, config, span, working_dir, env, included))
        return self._includes[key][1]

    def _import_include(
        self,
        paths: list[str],
        config: dict[str, Any],
        span: Span,
        working_dir: str,
        env: Mapping[str, str],
        included: tuple[str, ...],
    ) -> YMap | None:
        main = paths[0]
        if main in included:
            chain = "\n include ".join((*included[1:], main))
            self.error(
                ComposeError(
                    f"include cycle detected:\n{included[0]}\n include {chain}", span, "include-cycle"
                )
            )
            return None
        if len(included) > self.options.limits.max_include_depth:
            self.error(
                ComposeError(
                    f"include depth exceeds {self.options.limits.max_include_depth} (limit max-include-depth)",
                    span,
                    "limit-exceeded",
                )
            )
            return None
        project_dir = config.get("project_directory")
        project_dir = (
            _join(working_dir, project_dir) if isinstance(project_dir, str) else os.path.dirname(main)
        )
        env_files: list[str] = []
        if config.get("env_file"):
            for env_file in config["env_file"]:
                if env_file == "/dev/null":
                    continue
                env_files.append(_join(working_dir, env_file))
        elif os.path.isfile(os.path.join(project_dir, ".env")):
            env_files.append(os.path.join(project_dir, ".env"))
        try:
            from_files = load_env_files(env, tuple(env_files), self.files.read_text)
        except ComposeError as exc:
            self.error(ComposeError(exc.message, span, exc.rule))
            from_files = {}
        include_env = {**from_files, **env}
        lookup = include_env.get
        model: YMap | None = None
        for path in paths:
            model = self.load_file(
                path, model, lookup, include_env, project_dir, project_dir, included, span=span
            )
        if model is None:
            return None
        model = canonical.set_defaults(model)
        return canonical.resolve_paths(model, project_dir, self.options.environ.get("HOME"))

    def _import_resources(self, imported: YMap, target: YMap, span: Span) -> None:
        for kind in ("services", "volumes", "networks", "secrets", "configs", "models"):
            source = imported.get(kind)
            if not isinstance(source, YMap):
                continue
            existing = target.get(kind)
            into = existing.copy() if isinstance(existing, YMap) else YMap(source.span)
            for name, value, key_span, value_span in source.items_with_spans():
                if name in into:
                    if _plain_equal(into[name], value):
                        continue
                    self.error(
                        ComposeError(
                            f"{kind}.{name} conflicts with imported resource", span, "invalid-config"
                        )
                    )
                    continue
                into.put(name, value, key_span, value_span)
            if kind in target:
                target[kind] = into
            else:
                target.put(kind, into, span, span)

    # -- the whole project -----------------------------------------------------------------------

    def load(self) -> LoadedProject:
        opts = self.options
        files = tuple(os.path.abspath(os.path.join(opts.cwd, f)) for f in opts.files)
        working_dir = os.path.abspath(
            os.path.join(opts.cwd, opts.project_directory)
            if opts.project_directory
            else os.path.dirname(files[0])
        )
        for path in files:
            self.files.documents(path, None)
        try:
            penv = project_environment(
                opts.environ, working_dir, opts.cwd, opts.env_files, self.files.read_text
            )
            env = penv.variables
        except ComposeError as exc:
            self.error(exc)
            env = dict(opts.environ)
        name = self._project_name(files, working_dir, env)
        env["COMPOSE_PROJECT_NAME"] = name
        lookup = env.get
        model: YMap | None = None
        for path in files:
            model = self.load_file(path, model, lookup, env, working_dir, working_dir, ())
        loaded = LoadedProject(
            name=name,
            working_dir=working_dir,
            config_files=files,
            model=None,
            environment=env,
            errors=self.errors,
            sources=self.files.sources,
            active_profiles=self._active_profiles(env),
            documents=self.files.parsed_documents,
        )
        if not model:
            if all(self.files.parsed(f) for f in files):
                self.error(ComposeError("empty compose file", Span.point(files[0], 1, 1), "invalid-config"))
            return loaded
        model = canonical.set_defaults(model)
        model = canonical.resolve_paths(model, working_dir, opts.environ.get("HOME"))
        self.errors.extend(canonical.decoding_errors(model))
        model.put("name", name, model.key_span("name"), model.value_span("name"))
        model = canonical.normalize(model, env, name)
        model = self.resolve_env_files(model, env)
        model, disabled = _select_profiles(model, loaded.active_profiles)
        loaded.model = model
        loaded.disabled_services = disabled
        return loaded

    def _active_profiles(self, env: Mapping[str, str]) -> tuple[str, ...] | None:
        if self.options.profiles is not None:
            return self.options.profiles
        from_env = env.get("COMPOSE_PROFILES")
        if from_env:
            return tuple(p.strip() for p in from_env.split(",") if p.strip())
        return None

    def _project_name(self, files: tuple[str, ...], working_dir: str, env: dict[str, str]) -> str:
        explicit = self.options.project_name
        first = Span.point(files[0], 1, 1)
        if explicit is not None:
            if normalize_project_name(explicit) != explicit or not explicit:
                self.error(ComposeError(_invalid_name(explicit), None, "usage"))
            return explicit
        from_env = env.get("COMPOSE_PROJECT_NAME")
        if from_env:
            if not _VALID_PROJECT_NAME.fullmatch(from_env):
                self.error(ComposeError(_invalid_name(from_env), first, "invalid-config"))
                return normalize_project_name(from_env) or "project"
            return from_env
        from_files = ""
        for path in files:
            for doc in self.files.parsed(path) or ():
                value = doc.get("name") if isinstance(doc, YMap) else None
                if isinstance(doc, YMap) and isinstance(value, str) and value:
                    from_files, first = value, doc.value_span("name")
        if from_files:
            # A bad template is reported when the file itself is interpolated.
            with contextlib.suppress(InterpolationError):
                from_files = substitute(from_files, env.get, eager_defaults=True).value
            name = normalize_project_name(from_files)
            if name:
                return name
            if from_files.strip() == "":
                self.error(ComposeError("project name must not be empty", first, "invalid-config"))
        name = normalize_project_name(os.path.basename(working_dir))
        if not name:
            self.error(ComposeError("project name must not be empty", first, "invalid-config"))
            return "project"
        return name

    def resolve_env_files(self, model: YMap, env: Mapping[str, str]) -> YMap:
        """compose-go WithServicesEnvironmentResolved: env_file contents under `environment`."""
        services = model.get("services")
        if not isinstance(services, YMap):
            return model
        new_services: YMap | None = None
        for name, service in services.items():
            if not isinstance(service, YMap) or not isinstance(service.get("env_file"), YSeq):
                continue
            svc = service.copy()
            svc["environment"] = self._service_environment(service, env)
            svc.remove("env_file")
            new_services = new_services if new_services is not None else services.copy()
            new_services[name] = svc
        if new_services is None:
            return model
        out = model.copy()
        out["services"] = new_services
        return out

    def _service_environment(self, service: YMap, env: Mapping[str, str]) -> YMap:
        own = service.get("environment")
        merged = YMap(own.span if isinstance(own, YMap) else service.span)
        values: dict[str, str] = {}

        def lookup(key: str) -> str | None:
            if key in values:
                return values[key]
            return env.get(key)

        env_files = service["env_file"]
        assert isinstance(env_files, YSeq)
        for entry, span in env_files.items_with_spans():
            if not isinstance(entry, YMap) or not isinstance(entry.get("path"), str):
                continue
            path = entry["path"]
            required = entry.get("required", True) is not False
            if not os.path.exists(path) and not required:
                continue
            text = self.files.read_text(path, span)
            if text is None:
                continue
            try:
                parsed = parse_dotenv(text, path, lookup, raw=entry.get("format") == "raw")
            except ComposeError as exc:
                self.error(exc)
                continue
            locations = _env_key_lines(text)
            for key, value in parsed.items():
                values[key] = value
                line, column = locations.get(key, (1, 1))
                where = Span(path, line, column, line, column + len(key))
                merged.put(key, value, where, where)
        if isinstance(own, YMap):
            for key, value, key_span, value_span in own.items_with_spans():
                merged.put(key, value, key_span, value_span)
        return merged


def _env_key_lines(text: str) -> dict[str, tuple[int, int]]:
    """Line and column of the last definition of each key in an env file."""
    found: dict[str, tuple[int, int]] = {}
    pattern = re.compile(r"^(\s*(?:export\s+)?)([^\s=:#]+)\s*[=:]?")
    for number, line in enumerate(text.splitlines(), start=1):
        match = pattern.match(line)
        if match and not line.lstrip().startswith("#"):
            found[match.group(2)] = (number, len(match.group(1)) + 1)
    return found


# Mappings where an "x-" key is a name, not an extension (extra_hosts is keyed by host names too).
_NAMED_ENTRIES = canonical.NAMED_MAPPINGS | {"extra_hosts"}
_TOP_LEVEL_NAMED = frozenset({"services", "volumes", "networks", "secrets", "configs", "models"})


def _misplaced_dates(doc: YMap, dates: frozenset[Span]) -> list[ComposeError]:
    """Timestamps (``2024-01-31`` unquoted) outside extensions, which Compose's schema refuses."""
    found: list[ComposeError] = []
    stack: list[tuple[Any, tuple[str | int, ...], bool]] = [(doc, (), False)]
    while stack:
        node, path, in_extension = stack.pop()
        named = (len(path) == 1 and path[0] in _TOP_LEVEL_NAMED) or (
            len(path) > 2 and path[-1] in _NAMED_ENTRIES
        )
        entries: Any = (
            ((key, value, node.value_span(key)) for key, value in node.items())
            if isinstance(node, YMap)
            else ((index, value, span) for index, (value, span) in enumerate(node.items_with_spans()))
        )
        for key, value, span in entries:
            extension = in_extension or (isinstance(key, str) and key.startswith("x-") and not named)
            if isinstance(value, OverrideTag):
                value = value.value
            if isinstance(value, (YMap, YSeq)):
                stack.append((value, (*path, key), extension))
            elif isinstance(value, str) and span in dates and not extension:
                where = ".".join(str(part) for part in (*path, key))
                found.append(
                    ComposeError(
                        f"{where}: {value} is a YAML timestamp, which Compose refuses here "
                        "(invalid jsonType time.Time); quote it",
                        span,
                        "schema-violation",
                    )
                )
    return sorted(found, key=lambda error: error.span or Span("", 0, 0, 0, 0))


def _invalid_name(name: str) -> str:
    return (
        f'invalid project name "{name}": must consist only of lowercase alphanumeric characters, '
        "hyphens, and underscores as well as start with a letter or number"
    )


# What Compose's remote loaders take: a URL (https://, git://, oci://, ...) or a git address.
_REMOTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://|[\w.-]+@[\w.-]+:")


def _join(base: str, path: str) -> str:
    expanded = os.path.expanduser(path) if path.startswith("~") else path
    return os.path.normpath(os.path.join(base, expanded))


def _include_config(entry: Any, span: Span) -> dict[str, Any] | None:
    if isinstance(entry, str):
        return {"path": [entry]}
    if not isinstance(entry, YMap):
        return None
    path = entry.get("path")
    paths = (
        [path]
        if isinstance(path, str)
        else [p for p in path if isinstance(p, str)]
        if isinstance(path, YSeq)
        else []
    )
    env_file = entry.get("env_file")
    env_files = (
        [env_file]
        if isinstance(env_file, str)
        else [f for f in env_file if isinstance(f, str)]
        if isinstance(env_file, YSeq)
        else []
    )
    config: dict[str, Any] = {"path": paths, "env_file": env_files}
    if isinstance(entry.get("project_directory"), str):
        config["project_directory"] = entry["project_directory"]
    return config


def _plain_equal(a: Any, b: Any) -> bool:
    from composelint.compose.tree import plain

    return bool(plain(a) == plain(b))


def _omit_empty_dns(model: YMap) -> YMap:
    services = model.get("services")
    if not isinstance(services, YMap):
        return model
    changed: YMap | None = None
    for name, service in services.items():
        dns = service.get("dns") if isinstance(service, YMap) else None
        if isinstance(dns, YSeq) and any(item is None or item == "" for item in dns):
            svc = service.copy()
            svc["dns"] = YSeq(
                dns.span, ((d, s) for d, s in dns.items_with_spans() if d is not None and d != "")
            )
            changed = changed if changed is not None else services.copy()
            changed[name] = svc
    if changed is None:
        return model
    out = model.copy()
    out["services"] = changed
    return out


def _select_profiles(model: YMap, active: tuple[str, ...] | None) -> tuple[YMap, tuple[str, ...]]:
    """Compose's profile selection; with no selection (the linter's default) every service stays."""
    services = model.get("services")
    if active is None or "*" in active or not isinstance(services, YMap):
        return model, ()
    kept = services.copy()
    disabled = []
    for name, service in services.items():
        profiles = service.get("profiles") if isinstance(service, YMap) else None
        if isinstance(profiles, YSeq) and len(profiles) > 0 and not any(p in active for p in profiles):
            kept.remove(name)
            disabled.append(name)
    out = model.copy()
    out["services"] = kept
    return out, tuple(disabled)


def load_project(options: LoadOptions) -> LoadedProject:
    """Load the compose files of one project. Never raises for problems in the user's files."""
    return _Loader(options).load()
