"""Family 1: is this a compose project Docker Compose would accept, and does it mean what it says?"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator, Mapping

import networkx as nx

from composelint.finding import Severity, Violation
from composelint.model import Service
from composelint.rule import Context, Rule
from composelint.span import Span
from composelint.specs import is_valid_ip
from composelint.tree import IStr, YMap


class InternalError(Rule):
    """A rule crashed while checking this project.

    ## What it does
    Reports that one of composelint's rules (or a plugin rule) failed with an unexpected error; the
    other rules still ran and their findings are complete. Also reports a failure to load the
    project itself, which leaves nothing else to check.

    ## Why is this bad?
    The crashed rule could not check your project, so a problem it looks for may be missing from the
    report. It is a bug in composelint or in the plugin, not in your file.

    ## Example
    ```text
    compose.yaml:1:1: CL100 [internal-error] rule CL999 [my-plugin-rule] crashed: KeyError: 'image'
    ```

    ## Use instead
    Report the message to the rule's authors. Meanwhile, `--ignore` the crashing rule.
    """

    id = "CL100"
    name = "internal-error"
    severity = Severity.ERROR
    summary = "A rule crashed while checking the project"
    # Rule crashes are stamped by the engine; loader crashes arrive as load errors of this kind.
    load_error_kinds = ("internal-error",)


class YamlSyntax(Rule):
    """The file is not valid YAML, or not a compose mapping.

    ## What it does
    Reports YAML syntax errors (bad indentation, tabs, unclosed quotes or brackets), invalid UTF-8,
    non-string mapping keys, values that do not fit their explicit tag (`!!bool maybe`) and a top
    level that is not a mapping, at the line and column where the parser stopped.

    ## Why is this bad?
    Docker Compose refuses the file, so nothing in it runs; no other rule can check it either.

    ## Example
    ```yaml
    services:
      web:
        image: nginx
       ports: ["80:80"]
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx
        ports: ["80:80"]
    ```
    """

    id = "CL101"
    name = "yaml-syntax"
    severity = Severity.ERROR
    summary = "The file is not valid YAML or not a compose mapping"
    load_error_kinds = ("yaml-syntax",)


class DuplicateKey(Rule):
    """A mapping defines the same key twice.

    ## What it does
    Reports a key written twice in the same mapping, at the second occurrence, naming the line of
    the first. As in Docker Compose, reading the file stops there: a second duplicate shows once the
    first is fixed.

    ## Why is this bad?
    Docker Compose rejects the file (`mapping key "image" already defined at line 3`). Many YAML
    tools silently keep the last value instead, so the file may look fine in other linters.

    ## Example
    ```yaml
    services:
      web:
        image: nginx:1.27
        image: nginx:1.25
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27
    ```
    """

    id = "CL102"
    name = "duplicate-key"
    severity = Severity.ERROR
    summary = "A mapping defines the same key twice"
    load_error_kinds = ("duplicate-key",)


class SchemaViolation(Rule):
    """The file does not follow the compose specification's schema.

    ## What it does
    Validates the project against the official compose-spec JSON schema and reports every violation
    (not only the first) at the offending key: unknown keys, with a "did you mean" for typos, wrong
    types, invalid enum values, duplicates in lists that must be unique.

    ## Why is this bad?
    Docker Compose refuses the file. A misspelled key such as `servces:` or `enviroment:` is not
    ignored by Compose, it stops the deployment.

    ## Example
    ```yaml
    servces:
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

    id = "CL103"
    name = "schema-violation"
    severity = Severity.ERROR
    summary = "The file does not follow the compose-spec schema"
    load_error_kinds = ("schema-violation",)


class UndefinedReference(Rule):
    """A service refers to a network, volume, secret, config or service that does not exist.

    ## What it does
    Checks every reference a service makes: networks it joins, named volumes it mounts, secrets,
    configs, build secrets and models it uses, services in `depends_on`, `links`, `volumes_from`,
    `extends`, `network_mode: service:`/`ipc`/`pid: service:` and `build.additional_contexts`.

    ## Why is this bad?
    Docker Compose refuses the project (`service "web" refers to undefined network backend`). A
    named volume that is not declared is often a typo for a bind mount (`data/db:/db` instead of
    `./data/db:/db`).

    ## Example
    ```yaml
    services:
      web:
        image: nginx:1.27
        networks: [backend]
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27
        networks: [backend]
    networks:
      backend: {}
    ```
    """

    id = "CL104"
    name = "undefined-reference"
    severity = Severity.ERROR
    summary = "A reference to a network, volume, secret, config or service that does not exist"
    load_error_kinds = ("undefined-reference",)

    def check(self, ctx: Context) -> Iterator[Violation]:
        yield from super().check(ctx)
        project = ctx.project
        services = project.services
        disabled = set(project.disabled_services)
        for service in services.values():
            for attachment in service.networks:
                if attachment.network not in project.networks:
                    yield Violation(
                        attachment.span,
                        f'service "{service.name}" refers to undefined network {attachment.network}',
                        service.name,
                    )
            for mount in service.mounts:
                if mount.type == "volume" and mount.source and mount.source not in project.volumes:
                    hint = (
                        f"; for a bind mount of the host path, write ./{mount.source}"
                        if "/" in mount.source
                        else ""
                    )
                    yield Violation(
                        mount.span,
                        f'service "{service.name}" refers to undefined volume {mount.source}{hint}',
                        service.name,
                    )
            for path, kind, declared in (
                (("secrets",), "secret", project.secrets),
                (("configs",), "config", project.configs),
                (("build", "secrets"), "build secret", project.secrets),
            ):
                yield from _undefined_sources(service, path, kind, declared)
            yield from _undefined_models(service, ctx.project.model.get("models"))
            yield from _unknown_context_services(service, services)
            for dependency in service.depends_on:
                target = dependency.service
                if target in services or target in disabled:
                    continue
                if dependency.kind in ("network_mode", "ipc", "pid", "uts", "cgroup"):
                    message = f"service \"{target}\" not found for {dependency.kind} 'service:{target}'"
                elif dependency.kind == "depends_on":
                    message = f'service "{service.name}" depends on undefined service "{target}"'
                else:
                    message = f'service "{service.name}" refers to undefined service "{target}" in {dependency.kind}'
                yield Violation(dependency.span, message, service.name)


def _undefined_sources(
    service: Service, path: tuple[str, ...], kind: str, declared: Mapping[str, object]
) -> Iterator[Violation]:
    """Secrets and configs (long or short syntax) that the top level does not declare."""
    node: object = service.config
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    if not isinstance(node, list):
        return
    for index, entry in enumerate(node):
        source = entry.get("source") if isinstance(entry, dict) else entry
        if isinstance(source, str) and source not in declared:
            yield Violation(
                service.value_span(*path, index) or service.span,
                f'service "{service.name}" refers to undefined {kind} {source}',
                service.name,
            )


def _undefined_models(service: Service, declared: object) -> Iterator[Violation]:
    models = service.config.get("models")
    if not isinstance(models, YMap):
        return
    for model in models:
        if not isinstance(declared, dict) or model not in declared:
            yield Violation(
                models.key_span(model),
                f'service "{service.name}" refers to undefined model {model}',
                service.name,
            )


def _unknown_context_services(service: Service, services: Mapping[str, Service]) -> Iterator[Violation]:
    """`additional_contexts: {base: service:other}` needs a service named other."""
    for name, target, span in _context_services(service):
        if target not in services:
            yield Violation(
                span,
                f'service "{service.name}" declares unknown service "{target}" as additional context {name}',
                service.name,
            )


def _context_services(service: Service) -> Iterator[tuple[str, str, Span]]:
    build = service.config.get("build")
    contexts = build.get("additional_contexts") if isinstance(build, YMap) else None
    if isinstance(contexts, YMap):
        for name, value, _, value_span in contexts.items_with_spans():
            if isinstance(value, str) and value.startswith("service:"):
                yield name, value[len("service:") :], value_span


class DependencyCycle(Rule):
    """Services depend on each other in a cycle.

    ## What it does
    Finds cycles among `depends_on`, `links`, `volumes_from` and `network_mode: service:`
    dependencies (and circular `extends` chains). Each group of services that depend on each other is
    reported once, with its shortest cycle from the first service by name.

    ## Why is this bad?
    Docker Compose cannot decide which service to start first and refuses the project
    (`dependency cycle detected: a -> b -> a`).

    ## Example
    ```yaml
    services:
      api:
        image: example/api:1.4
        depends_on: [worker]
      worker:
        image: example/worker:1.4
        depends_on: [api]
    ```

    ## Use instead
    ```yaml
    services:
      api:
        image: example/api:1.4
        depends_on: [worker]
      worker:
        image: example/worker:1.4
    ```
    """

    id = "CL105"
    name = "dependency-cycle"
    severity = Severity.ERROR
    summary = "Services depend on each other in a cycle"
    load_error_kinds = ("dependency-cycle",)

    def check(self, ctx: Context) -> Iterator[Violation]:
        yield from super().check(ctx)
        services = ctx.project.services
        successors = {
            name: sorted({d.service for d in service.depends_on if d.service in services})
            for name, service in services.items()
        }
        if not _has_cycle(successors):  # the common case, decided without building a graph
            return
        # One cycle per strongly connected component, not every simple cycle: their number grows
        # exponentially (a 14-service file where all depend on all has billions).
        graph = nx.DiGraph([(name, target) for name, targets in successors.items() for target in targets])
        for component in nx.strongly_connected_components(graph):
            start = min(component)
            if len(component) == 1 and start not in successors[start]:
                continue
            cycle = _shortest_cycle(start, successors, component)
            second = cycle[1 % len(cycle)]
            span = next(d.span for d in services[start].depends_on if d.service == second)
            chain = " -> ".join([*cycle, start])
            yield Violation(span, f"dependency cycle detected: {chain}", start)


def _has_cycle(successors: Mapping[str, list[str]]) -> bool:
    """Whether some service depends on itself through others (Kahn: a cycle leaves nodes unsorted)."""
    waiting = dict.fromkeys(successors, 0)
    for targets in successors.values():
        for target in targets:
            waiting[target] += 1
    ready = [name for name, count in waiting.items() if count == 0]
    sorted_count = 0
    while ready:
        name = ready.pop()
        sorted_count += 1
        for target in successors[name]:
            waiting[target] -= 1
            if waiting[target] == 0:
                ready.append(target)
    return sorted_count < len(successors)


def _shortest_cycle(start: str, successors: Mapping[str, list[str]], within: set[str]) -> list[str]:
    """The shortest cycle from ``start`` back to it inside one strongly connected component."""
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for target in successors[node]:
            if target == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return path[::-1]
            if target in within and target not in previous:
                previous[target] = node
                queue.append(target)
    raise AssertionError(f"{start} is in a cycle by construction")


class MissingRequiredVariable(Rule):
    """A `${VAR:?message}` or `${VAR?message}` variable is not set.

    ## What it does
    Reports required variables that neither the environment nor the `.env` file (or `--env-file`)
    provides, at the value that requires them.

    ## Why is this bad?
    Docker Compose refuses to start (`required variable DB_PASSWORD is missing a value`). In CI the
    variable may be set by the pipeline: then lint with the same `--env-file` or environment.

    ## Example
    ```yaml
    services:
      db:
        image: postgres:16
        environment:
          POSTGRES_PASSWORD: ${DB_PASSWORD:?set DB_PASSWORD}
    ```

    ## Use instead
    Set the variable in `.env` (kept out of version control) or in the environment that runs
    `docker compose`, and lint with it available.
    """

    id = "CL106"
    name = "missing-required-variable"
    severity = Severity.ERROR
    summary = "A required ${VAR:?} variable is not set"
    load_error_kinds = ("missing-required-variable",)


class InvalidPortSpec(Rule):
    """A port mapping Docker Compose cannot parse.

    ## What it does
    Checks short and long port syntax: host IP addresses (`127.0.1:80:80`), port numbers and ranges
    (`8080-8079`, `70000`), protocols (`80/http`), mismatched host and container ranges.

    ## Why is this bad?
    Docker Compose refuses the project (`Invalid ip address: 127.0.1`).

    ## Example
    ```yaml
    services:
      web:
        image: nginx:1.27
        ports: ["127.0.1:8080:80"]
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27
        ports: ["127.0.0.1:8080:80"]
    ```
    """

    id = "CL107"
    name = "invalid-port-spec"
    severity = Severity.ERROR
    summary = "A port mapping Docker Compose cannot parse"
    load_error_kinds = ("invalid-port-spec",)

    def check(self, ctx: Context) -> Iterator[Violation]:
        yield from super().check(ctx)
        for service in ctx.project.services.values():
            for port in service.ports:
                if port.host_ip and not is_valid_ip(port.host_ip):
                    yield Violation(
                        port.span,
                        f"services.{service.name}.ports: invalid ip address: {port.host_ip}",
                        service.name,
                    )


class InvalidVolumeSpec(Rule):
    """A volume mount Docker Compose cannot parse or would refuse.

    ## What it does
    Checks short volume syntax (too many colons, empty sections, often from an unset variable), bind
    mounts without a source, and volumes on a container path a `tmpfs` already mounts.

    ## Why is this bad?
    Docker Compose refuses the project (`services.web.volumes[0]: target /data already mounted as
    services.web.tmpfs[0]`).

    ## Example
    ```yaml
    services:
      web:
        image: nginx:1.27
        tmpfs: [/usr/share/nginx/html]
        volumes: ["./html:/usr/share/nginx/html"]
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27
        volumes: ["./html:/usr/share/nginx/html"]
    ```
    """

    id = "CL108"
    name = "invalid-volume-spec"
    severity = Severity.ERROR
    summary = "A volume mount Docker Compose cannot parse or would refuse"
    load_error_kinds = ("invalid-volume-spec",)

    def check(self, ctx: Context) -> Iterator[Violation]:
        yield from super().check(ctx)
        for service in ctx.project.services.values():
            mounted: dict[str, str] = {}
            tmpfs = service.config.get("tmpfs")
            if isinstance(tmpfs, list):
                for index, entry in enumerate(tmpfs):
                    if isinstance(entry, str):
                        path = entry.split(":", 1)[0]
                        where = f"services.{service.name}.tmpfs[{index}]"
                        if path in mounted:
                            span = service.value_span("tmpfs", index) or service.span
                            yield Violation(
                                span,
                                f"{where}: target {path} already mounted as {mounted[path]}",
                                service.name,
                            )
                        mounted.setdefault(path, where)
            # No list index for volumes: entries with a broken short syntax are already dropped, so
            # the index would not match the file; the finding's position says which entry it is.
            for mount in service.mounts:
                where = f"services.{service.name}.volumes"
                if mount.type == "bind" and not mount.source:
                    yield Violation(
                        mount.span,
                        f'{where}: invalid mount config for type "bind": field Source must not be empty',
                        service.name,
                    )
                if mount.target in mounted:
                    yield Violation(
                        mount.span,
                        f"{where}: target {mount.target} already mounted as {mounted[mount.target]}",
                        service.name,
                    )
                mounted.setdefault(mount.target, f"the volume on line {mount.span.line}")


class NetworkModeWithNetworks(Rule):
    """A service sets both `network_mode` and `networks`.

    ## What it does
    Reports services that declare `network_mode` (host, none, `service:x`, `container:x`...) and a
    non-empty `networks` list.

    ## Why is this bad?
    The two are mutually exclusive: Docker Compose refuses the project (`service web declares
    mutually exclusive network_mode and networks`).

    ## Example
    ```yaml
    services:
      exporter:
        image: prom/node-exporter:v1.8.2
        network_mode: host
        networks: [monitoring]
    ```

    ## Use instead
    ```yaml
    services:
      exporter:
        image: prom/node-exporter:v1.8.2
        network_mode: host
    ```
    """

    id = "CL109"
    name = "network-mode-with-networks"
    severity = Severity.ERROR
    summary = "network_mode and networks are set together"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            # An empty network_mode (an unset variable) is no network_mode for Compose.
            if service.network_mode and service.networks:
                span = service.key_span("networks") or service.span
                yield Violation(
                    span,
                    f"service {service.name} declares mutually exclusive `network_mode` and `networks`",
                    service.name,
                )


class DependsOnDisabledService(Rule):
    """A service depends on a service that a profile may leave disabled.

    ## What it does
    Reports `depends_on` (and links, `volumes_from`, `network_mode: service:`) on a service that is
    not enabled whenever the depending service is: the dependency has `profiles` the dependent
    service does not share. Dependencies declared with `required: false` are fine.

    ## Why is this bad?
    When the dependency's profile is not active, `docker compose up` fails (`service "db" is
    required by "app" but is disabled`).

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.1
        depends_on: [db]
      db:
        image: postgres:16
        profiles: [local-db]
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.1
        depends_on:
          db:
            condition: service_started
            required: false
      db:
        image: postgres:16
        profiles: [local-db]
    ```
    """

    id = "CL110"
    name = "depends-on-disabled-service"
    severity = Severity.ERROR
    summary = "A dependency on a service its profiles may leave disabled"

    def check(self, ctx: Context) -> Iterator[Violation]:
        services = ctx.project.services
        disabled = set(ctx.project.disabled_services)
        for service in services.values():
            for dependency in service.depends_on:
                if not dependency.required:
                    continue
                target = dependency.service
                if target in disabled:
                    yield Violation(
                        dependency.span,
                        f'service "{target}" is required by "{service.name}" but is disabled by the active profiles',
                        service.name,
                    )
                    continue
                other = services.get(target)
                if other is None or not other.profiles or "*" in other.profiles:
                    continue
                missing = [p for p in service.profiles if p not in other.profiles]
                if not service.profiles:
                    reason = f'"{service.name}" runs without any profile'
                elif missing:
                    reason = f'"{service.name}" runs with profile {", ".join(missing)}'
                else:
                    continue
                profiles = ", ".join(other.profiles)
                yield Violation(
                    dependency.span,
                    f'service "{service.name}" depends on "{target}", which only runs with profile {profiles}, '
                    f"but {reason}; set required: false or give both the same profiles",
                    service.name,
                )


class ContainerNameWithReplicas(Rule):
    """A service sets `container_name` and runs more than one replica.

    ## What it does
    Reports services with a fixed `container_name` and `scale` or `deploy.replicas` greater than 1.

    ## Why is this bad?
    Container names are unique on a host: Docker Compose refuses the project.

    ## Example
    ```yaml
    services:
      worker:
        image: example/worker:3.0
        container_name: worker
        deploy:
          replicas: 3
    ```

    ## Use instead
    ```yaml
    services:
      worker:
        image: example/worker:3.0
        deploy:
          replicas: 3
    ```
    """

    id = "CL111"
    name = "container-name-with-replicas"
    severity = Severity.ERROR
    summary = "container_name together with more than one replica"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            if not service.container_name:
                continue
            scale = service.config.get("scale")
            deploy = service.config.get("deploy")
            replicas = deploy.get("replicas") if isinstance(deploy, dict) else None
            for value, path in ((scale, ("scale",)), (replicas, ("deploy", "replicas"))):
                if isinstance(value, int) and not isinstance(value, bool) and value > 1:
                    span = service.value_span(*path) or service.span
                    yield Violation(
                        span,
                        f"services.{service.name}: can't set container_name and {'.'.join(path)} ({value}) "
                        "as container names must be unique",
                        service.name,
                    )
                    break


class DuplicateContainerName(Rule):
    """Two services use the same `container_name`.

    ## What it does
    Reports every service after the first whose `container_name` another service already uses.

    ## Why is this bad?
    Docker refuses to create the second container (`Conflict. The container name "/db" is already in
    use`).

    ## Example
    ```yaml
    services:
      db:
        image: postgres:16
        container_name: db
      db-replica:
        image: postgres:16
        container_name: db
    ```

    ## Use instead
    ```yaml
    services:
      db:
        image: postgres:16
        container_name: db
      db-replica:
        image: postgres:16
        container_name: db-replica
    ```
    """

    id = "CL112"
    name = "duplicate-container-name"
    severity = Severity.ERROR
    summary = "Two services use the same container_name"

    def check(self, ctx: Context) -> Iterator[Violation]:
        first: dict[str, str] = {}
        for service in ctx.project.services.values():
            name = service.container_name
            if not name:
                continue
            if name in first:
                span = service.value_span("container_name") or service.span
                yield Violation(
                    span,
                    f'container_name "{name}" is already used by service "{first[name]}"',
                    service.name,
                )
            else:
                first[name] = service.name


class InvalidInterpolation(Rule):
    """A `$` expression Docker Compose cannot interpolate.

    ## What it does
    Reports malformed variable references such as `${ VAR}`, `${VAR:1}`, `${VAR/a/b}` or an unclosed
    `${`, at the value that contains them.

    ## Why is this bad?
    Docker Compose refuses the file (`invalid interpolation format`). A literal dollar sign must be
    written `$$`.

    ## Example
    ```yaml
    services:
      web:
        image: nginx:1.27
        command: echo ${HOME/user/me}
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27
        command: echo $${HOME}
    ```
    """

    id = "CL113"
    name = "invalid-interpolation"
    severity = Severity.ERROR
    summary = "A $ expression Docker Compose cannot interpolate"
    load_error_kinds = ("invalid-interpolation",)


class InvalidEnvFile(Rule):
    """An env file (`.env`, `--env-file`, `env_file:`) Docker Compose cannot parse.

    ## What it does
    Parses env files with Compose's syntax and reports lines it would refuse: keys with spaces or
    invalid characters, unterminated quotes.

    ## Why is this bad?
    Docker Compose refuses to load the project (`line 3: key cannot contain a space`).

    ## Example
    ```dotenv
    DB PASSWORD=secret
    ```

    ## Use instead
    ```dotenv
    DB_PASSWORD=secret
    ```
    """

    id = "CL114"
    name = "invalid-env-file"
    severity = Severity.ERROR
    summary = "An env file Docker Compose cannot parse"
    load_error_kinds = ("invalid-env-file",)


class MissingFile(Rule):
    """A file the project needs is missing or unreadable.

    ## What it does
    Reports `include`, `extends.file`, `env_file` and `--env-file` targets that do not exist, are
    directories or cannot be read.

    ## Why is this bad?
    Docker Compose refuses to load the project (`env file /app/.env.local not found`). Mark optional
    env files with `required: false`.

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.1
        env_file: .env.local
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.1
        env_file:
          - path: .env.local
            required: false
    ```
    """

    id = "CL115"
    name = "missing-file"
    severity = Severity.ERROR
    summary = "A file the project needs is missing or unreadable"
    load_error_kinds = ("missing-file", "unreadable-file")


class UnsafePath(Rule):
    """The project points at a file composelint refuses to read.

    ## What it does
    Reports `include`, `extends.file` and `env_file` paths that leave the repository, or that name a
    device, a FIFO or a socket. composelint never reads them.

    ## Why is this bad?
    A compose file from an untrusted pull request could make a CI job read `/dev/zero` forever, a
    FIFO that never ends, or a secret outside the checkout.

    ## Example
    ```yaml
    include:
      - ../../../etc/secrets/compose.yaml
    ```

    ## Use instead
    Keep every file of the project inside the repository.
    """

    id = "CL116"
    name = "unsafe-path"
    severity = Severity.ERROR
    summary = "A path outside the repository, or to a device or FIFO"
    load_error_kinds = ("unsafe-path",)


class LimitExceeded(Rule):
    """A file is too large or too deeply nested to analyse safely.

    ## What it does
    Reports files beyond composelint's resource limits: file size, YAML nodes after alias
    expansion (billion-laughs files), nesting depth, `include`/`extends` depth and the number of files
    a project reads. Each limit is named and configurable.

    ## Why is this bad?
    Such files are almost always hostile or broken; analysing them would hang CI or exhaust memory.

    ## Example
    ```yaml
    # Each level repeats the previous one nine times: 9^6 = 531,441 strings from six lines.
    x-a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
    x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    x-c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    x-d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    x-e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
    x-f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
    services:
      app:
        image: example/app:2.1
        command: *f
    ```

    ## Use instead
    Write the structure out, or raise the limit in the configuration if the file is legitimate.
    """

    id = "CL117"
    name = "limit-exceeded"
    severity = Severity.ERROR
    summary = "A file exceeds a resource limit"
    load_error_kinds = ("limit-exceeded",)


class InvalidConfig(Rule):
    """Docker Compose would refuse this project for another reason.

    ## What it does
    Reports the remaining checks Docker Compose makes when it loads a project: a service with
    neither `image` nor `build`, conflicting values (`cpus`, `mem_limit`, `mem_reservation` or
    `pids_limit` vs `deploy.resources`, `scale` vs `deploy.replicas`), an invalid `healthcheck.test`,
    a `develop.watch` rule without `target`, a build context from a service that is not built, a
    secret without `file` or `environment`, an external volume with a driver, values that cannot be
    cast to their type (`privileged: maybe`), an `include` conflict, an empty file.

    ## Why is this bad?
    `docker compose up` fails on it.

    ## Example
    ```yaml
    services:
      web:
        ports: ["8080:80"]
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27
        ports: ["8080:80"]
    ```
    """

    id = "CL118"
    name = "invalid-config"
    severity = Severity.ERROR
    summary = "Docker Compose would refuse the project"
    load_error_kinds = ("invalid-config", "include-cycle")

    def check(self, ctx: Context) -> Iterator[Violation]:
        yield from super().check(ctx)
        project = ctx.project
        for service in project.services.values():
            config = service.config
            if not service.image and not service.has_build and "provider" not in config:
                image = config.get("image")
                unset = (
                    f" (image is written {image.template!r}; {', '.join(image.unset)} unset)"
                    if isinstance(image, IStr) and image.unset
                    else ""
                )
                yield Violation(
                    service.value_span("image") or service.span,
                    f'service "{service.name}" has neither an image nor a build context specified{unset}',
                    service.name,
                )
            build = config.get("build")
            if isinstance(build, dict) and build.get("dockerfile_inline") and build.get("dockerfile"):
                span = service.value_span("build", "dockerfile_inline") or service.span
                yield Violation(
                    span,
                    f'service "{service.name}" declares mutually exclusive dockerfile and dockerfile_inline',
                    service.name,
                )
            yield from _platform_mismatch(service)
            healthcheck = config.get("healthcheck")
            test = healthcheck.get("test") if isinstance(healthcheck, dict) else None
            if isinstance(test, list) and test and test[0] not in ("CMD", "CMD-SHELL", "NONE"):
                span = service.value_span("healthcheck", "test") or service.span
                yield Violation(
                    span, 'healthcheck.test must start either by "CMD", "CMD-SHELL" or "NONE"', service.name
                )
            yield from _conflicting_limits(service)
            yield from _watch_without_target(service)
            for context, target, span in _context_services(service):
                other = project.services.get(target)
                if other is not None and not other.has_build:
                    yield Violation(
                        span,
                        f'service "{service.name}" declares non-buildable service "{target}" as additional '
                        f"context {context}",
                        service.name,
                    )
        for name, secret in project.secrets.items():
            if not secret.external and not secret.file and "environment" not in secret.config:
                yield Violation(secret.span, f'secret "{name}" must declare either `file` or `environment`')
        for name, volume in project.volumes.items():
            if volume.external:
                for key in ("driver", "driver_opts", "labels"):
                    if key in volume.config:
                        yield Violation(
                            volume.config.key_span(key),
                            f'volumes.{name}: conflicting parameters "external" and "{key}" specified',
                        )


def _conflicting_limits(service: Service) -> Iterator[Violation]:
    config = service.config
    deploy = config.get("deploy")
    scale = config.get("scale")
    replicas = deploy.get("replicas") if isinstance(deploy, dict) else None
    if isinstance(scale, int) and isinstance(replicas, int) and scale != replicas:
        yield Violation(
            service.value_span("scale") or service.span,
            f"services.{service.name}: can't set distinct values on 'scale' and 'deploy.replicas'",
            service.name,
        )
    resources = deploy.get("resources") if isinstance(deploy, dict) else None
    for key, section, limit_key, parse in (
        ("cpus", "limits", "cpus", _number),
        ("mem_limit", "limits", "memory", _bytes),
        ("mem_reservation", "reservations", "memory", _bytes),
        ("pids_limit", "limits", "pids", _number),
    ):
        limits = resources.get(section) if isinstance(resources, dict) else None
        own = parse(config.get(key))
        # As in Compose, a limit missing from a `limits:` mapping counts as 0, and differs.
        if not isinstance(limits, dict) or not own:
            continue
        limit = parse(limits.get(limit_key)) if limit_key in limits else 0
        if limit is not None and own != limit:
            yield Violation(
                service.value_span(key) or service.span,
                f"services.{service.name}: can't set distinct values on '{key}' and "
                f"'deploy.resources.{section}.{limit_key}'",
                service.name,
            )
    for value, path in ((scale, ("scale",)), (replicas, ("deploy", "replicas"))):
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            yield Violation(
                service.value_span(*path) or service.span,
                f"services.{service.name}.{'.'.join(path)}: must be greater than or equal to 0",
                service.name,
            )


def _watch_without_target(service: Service) -> Iterator[Violation]:
    develop = service.config.get("develop")
    watch = develop.get("watch") if isinstance(develop, dict) else None
    if not isinstance(watch, list):
        return
    for index, rule in enumerate(watch):
        if (
            isinstance(rule, dict)
            and not rule.get("target")
            and rule.get("action") not in ("rebuild", "restart")
        ):
            yield Violation(
                service.value_span("develop", "watch", index) or service.span,
                f"services.{service.name}.develop.watch: target is required for non-rebuild actions",
                service.name,
            )


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


_BYTE_SIZE = re.compile(r"(\d+(?:\.\d+)*) ?([kmgtp])?i?b?", re.IGNORECASE)


def _bytes(value: object) -> float | None:
    """A memory size as Docker reads it (go-units RAMInBytes: binary multiples, "512m", "1.5GiB")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return float(value)
    match = _BYTE_SIZE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    exponent = " kmgtp".index(match.group(2).lower()) if match.group(2) else 0
    return float(int(float(match.group(1)) * 1024**exponent))


RULES: tuple[type[Rule], ...] = (
    InternalError,
    YamlSyntax,
    DuplicateKey,
    SchemaViolation,
    UndefinedReference,
    DependencyCycle,
    MissingRequiredVariable,
    InvalidPortSpec,
    InvalidVolumeSpec,
    NetworkModeWithNetworks,
    DependsOnDisabledService,
    ContainerNameWithReplicas,
    DuplicateContainerName,
    InvalidInterpolation,
    InvalidEnvFile,
    MissingFile,
    UnsafePath,
    LimitExceeded,
    InvalidConfig,
)


def _platform_mismatch(service: Service) -> Iterator[Violation]:
    build = service.config.get("build")
    platforms = build.get("platforms") if isinstance(build, dict) else None
    platform = service.config.get("platform")
    if isinstance(platforms, list) and platforms and isinstance(platform, str) and platform not in platforms:
        yield Violation(
            service.value_span("platform") or service.span,
            f'service.build.platforms must include service.platform "{platform}"',
            service.name,
        )
