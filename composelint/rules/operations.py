"""Family 5: reliability and operations — images, limits, healthchecks, restarts, logging."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, NamedTuple

from composelint.dataservices import repository
from composelint.finding import Severity, Violation
from composelint.model import Project, Service
from composelint.rule import Context, Option, Rule
from composelint.span import Span
from composelint.tree import IStr, YMap


def _written(value: Any) -> str:
    """How an interpolated value was written, so the user sees which variable decided it."""
    if isinstance(value, IStr):
        unset = ", ".join("${" + v + "}" for v in value.unset)
        return f" (written {value.template!r}" + (f"; {unset} is unset" if unset else "") + ")"
    return ""


class _Image(NamedTuple):
    """An image reference split as Docker reads it: ``registry:5000/team/app:1.2@sha256:...``."""

    text: str
    tag: str | None
    digest: str | None

    @classmethod
    def parse(cls, text: str) -> _Image:
        name, _, digest = text.partition("@")
        last = name.rsplit("/", 1)[-1]  # a registry port ("localhost:5000/app") is not a tag
        tag = last.rsplit(":", 1)[1] if ":" in last else None
        return cls(text, tag or None, digest or None)


def _pulled_image(service: Service) -> tuple[_Image, Span] | None:
    """The image a service pulls: None when it builds its own (then `image` names the build output)
    or when the reference depends on an unset variable (its value is unknown here)."""
    image = service.image
    if not image or service.has_build or (isinstance(image, IStr) and image.unset):
        return None
    return _Image.parse(image), service.value_span("image") or service.span


class ImageWithoutTag(Rule):
    """An image is pulled without a tag, so Docker takes whatever `latest` is today.

    ## What it does
    Reports services that pull an image named without a tag or digest (`image: nginx`,
    `image: registry.example.com:5000/team/app`). Services that also have `build` are skipped: their
    `image` names what the build produces. A digest (`nginx@sha256:...`) is a pin and passes. An image
    written with variables is checked after interpolation; one that depends on an unset variable is
    left alone (its value is unknown), unlike dclint, which reports every `${IMAGE}`.

    ## Why is this bad?
    An untagged image means `:latest`: two machines running the same file can run different software,
    and an upstream release can break a deployment that nobody changed.

    ## Example
    ```yaml
    services:
      web:
        image: nginx
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27.3
    ```
    """

    id = "CL501"
    name = "image-without-tag"
    severity = Severity.WARNING
    summary = "An image is pulled without a tag"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            pulled = _pulled_image(service)
            if pulled is None:
                continue
            image, span = pulled
            if image.tag is None and image.digest is None:
                yield Violation(
                    span,
                    f"image {image.text} of service {service.name} has no tag, so Docker pulls `latest`"
                    f"{_written(service.image)}; pin a version",
                    service.name,
                )


_MUTABLE_TAGS = [
    "latest",
    "stable",
    "edge",
    "nightly",
    "dev",
    "develop",
    "main",
    "master",
    "test",
    "testing",
    "beta",
    "canary",
    "lts",
    "rolling",
    "current",
    "next",
    "unstable",
]


class MutableImageTag(Rule):
    """An image tag that moves: `latest`, `stable`, `nightly`, `main`...

    ## What it does
    Reports services that pull an image whose tag names a channel rather than a release: `latest`,
    `stable`, `edge`, `nightly`, `dev`, `main`, `master`, `beta`, `canary`, `lts` and others (option
    `tags`, compared without case), alone or with a variant suffix without digits (`stable-alpine`,
    `lts-slim`). A digest after the tag (`nginx:latest@sha256:...`) pins the image and passes; services
    that build their image are skipped, as are images that depend on an unset variable.

    ## Why is this bad?
    Such a tag points to a different image after every upstream release. A redeploy, a new machine or
    a cleaned image cache silently upgrades the service, sometimes across major versions, and a
    rollback has nothing to go back to.

    ## Example
    ```yaml
    services:
      cache:
        image: redis:latest
    ```

    ## Use instead
    ```yaml
    services:
      cache:
        image: redis:7.4.1
    ```
    """

    id = "CL502"
    name = "mutable-image-tag"
    severity = Severity.WARNING
    summary = "An image tag names a moving channel such as latest"
    options: ClassVar[Mapping[str, Option]] = {
        "tags": Option(list, _MUTABLE_TAGS, "tags that name a channel rather than a release"),
    }

    def check(self, ctx: Context) -> Iterator[Violation]:
        mutable = {str(tag).lower() for tag in ctx.options.get("tags", _MUTABLE_TAGS)}
        for service in ctx.project.services.values():
            pulled = _pulled_image(service)
            if pulled is None:
                continue
            image, span = pulled
            if image.tag is None or image.digest is not None:
                continue
            channel, _, variant = image.tag.lower().partition("-")
            if channel in mutable and not any(ch.isdigit() for ch in variant):
                yield Violation(
                    span,
                    f"image {image.text} of service {service.name} uses the moving tag `{image.tag}`"
                    f"{_written(service.image)}; pin a release tag (and a digest for reproducible deploys)",
                    service.name,
                )


class ImageNotPinnedByDigest(Rule):
    """An image is pulled by tag only, not pinned by digest.

    ## What it does
    Reports services that pull an image without a `@sha256:...` digest. Services that build their
    image are skipped, as are images that depend on an unset variable. Off by default: enable it where
    deployments must be reproducible byte for byte (supply-chain policies, regulated environments).

    ## Why is this bad?
    Tags are mutable even when they look like versions: a publisher (or an attacker with the
    publisher's credentials) can push a different image under `1.27.3`. Only a digest names exactly
    one image.

    ## Example
    ```yaml
    services:
      web:
        image: nginx:1.27.3
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27.3@sha256:4f2c4e1b8a4a5b1f0f3c9e6c2a7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9
    ```
    """

    id = "CL503"
    name = "image-not-pinned-by-digest"
    severity = Severity.WARNING
    summary = "An image is not pinned by digest"
    enabled_by_default = False

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            pulled = _pulled_image(service)
            if pulled is None:
                continue
            image, span = pulled
            if image.digest is None:
                yield Violation(
                    span,
                    f"image {image.text} of service {service.name} is not pinned by digest{_written(service.image)}; "
                    "append @sha256:<digest> so every pull gets the same image",
                    service.name,
                )


# -- resource limits -----------------------------------------------------------------------------

_SIZE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgtpe]?)(?:i?b)?\s*", re.IGNORECASE)
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "p": 1 << 50, "e": 1 << 60}


def _number(value: Any) -> float | None:
    """A limit as a number: ints, floats and numeric strings, with byte units (`512m`, `1.5GiB`)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        match = _SIZE.fullmatch(value)
        if match:
            return float(match.group(1)) * _UNITS[match.group(2).lower()]
    return None


class _LimitKind(NamedTuple):
    what: str  # "memory limit"
    keys: tuple[tuple[str, ...], ...]  # where a limit may be written, service-relative
    advice: str


def _missing_limit(service: Service, kind: _LimitKind) -> Violation | None:
    """None when one of the keys sets a positive limit; else a violation at an explicit "unlimited"
    value (0, -1) when there is one, or at the service."""
    unlimited: tuple[tuple[str, ...], Any] | None = None
    for path in kind.keys:
        value = _get(service.config, path)
        if isinstance(value, IStr) and value.unset:
            return None  # set through a variable that is unset here: the limit is unknown, not missing
        number = _number(value)
        if number is None:
            continue  # absent, or a value the schema rejects
        if number > 0:
            return None
        unlimited = unlimited or (path, value)
    if unlimited is not None:
        path, value = unlimited
        return Violation(
            service.value_span(*path) or service.span,
            f"{'.'.join(path)}: {value} of service {service.name} sets no {kind.what}{_written(value)}; "
            f"{kind.advice}",
            service.name,
        )
    keys = " or ".join(".".join(p) for p in kind.keys)
    return Violation(
        service.span, f"service {service.name} has no {kind.what} ({keys}); {kind.advice}", service.name
    )


def _get(node: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(node, YMap):
            return None
        node = node.get(part)
    return node


_MEMORY = _LimitKind(
    "memory limit",
    (("mem_limit",), ("deploy", "resources", "limits", "memory")),
    "without one a leak or a burst can take the host's memory and get other containers killed",
)
_CPU = _LimitKind(
    "CPU limit",
    (("cpus",), ("cpu_quota",), ("deploy", "resources", "limits", "cpus")),
    "without one a busy loop can starve every other container on the host",
)
_PIDS = _LimitKind(
    "process limit",
    (("pids_limit",), ("deploy", "resources", "limits", "pids")),
    "without one a fork bomb or a thread leak can exhaust the host's process table",
)


class MissingMemoryLimit(Rule):
    """A service has no memory limit.

    ## What it does
    Reports services with neither `mem_limit` nor `deploy.resources.limits.memory` set to a positive
    size; a limit of `0` (no limit) is reported at its value. The legacy key and the `deploy` one are
    both accepted, in every file whether or not it has a `version:` key (KICS only looks when
    `version` is present). A limit that depends on an unset variable is unknown and not reported. Off by
    default: development files rarely set limits.

    ## Why is this bad?
    A container without a memory limit can use all of the host's memory: a leak or a traffic burst in
    one service makes the kernel's OOM killer pick victims among all the others, databases included.

    ## Example
    ```yaml
    services:
      api:
        image: example/api:2.1
    ```

    ## Use instead
    ```yaml
    services:
      api:
        image: example/api:2.1
        deploy:
          resources:
            limits:
              memory: 512m
    ```
    """

    id = "CL504"
    name = "missing-memory-limit"
    severity = Severity.WARNING
    summary = "A service has no memory limit"
    enabled_by_default = False

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            violation = _missing_limit(service, _MEMORY)
            if violation is not None:
                yield violation


class MissingCpuLimit(Rule):
    """A service has no CPU limit.

    ## What it does
    Reports services with none of `cpus`, `cpu_quota` or `deploy.resources.limits.cpus` set to a
    positive value; an explicit `0` is reported at its value. `cpu_shares` is a relative weight, not a
    limit, and does not count. The legacy keys and the `deploy` one are accepted in every file, with or
    without a `version:` key. A limit that depends on an unset variable is unknown and not reported.
    Off by default: development files rarely set limits.

    ## Why is this bad?
    A container without a CPU limit can take every core of the host: one busy loop slows every other
    service on the machine, including the ones that answer health checks.

    ## Example
    ```yaml
    services:
      worker:
        image: example/worker:3.0
    ```

    ## Use instead
    ```yaml
    services:
      worker:
        image: example/worker:3.0
        cpus: 1.5
    ```
    """

    id = "CL505"
    name = "missing-cpu-limit"
    severity = Severity.INFO
    summary = "A service has no CPU limit"
    enabled_by_default = False

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            violation = _missing_limit(service, _CPU)
            if violation is not None:
                yield violation


class MissingPidsLimit(Rule):
    """A service has no limit on the number of processes.

    ## What it does
    Reports services with neither `pids_limit` nor `deploy.resources.limits.pids` set to a positive
    number; `-1` and `0` mean unlimited and are reported at their value. Both keys are accepted in
    every file, with or without a `version:` key (KICS only checks files whose `version` is below 3). A
    limit that depends on an unset variable is unknown and not reported. Off by default.

    ## Why is this bad?
    Processes and threads are a host-wide resource. Without a limit, a fork bomb or a thread leak in
    one container exhausts the host's process table and nothing else can start, not even a shell to
    repair it (CIS Docker Benchmark 5.28).

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.1
        pids_limit: -1
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.1
        pids_limit: 200
    ```
    """

    id = "CL506"
    name = "missing-pids-limit"
    severity = Severity.WARNING
    summary = "A service has no process limit"
    enabled_by_default = False

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            violation = _missing_limit(service, _PIDS)
            if violation is not None:
                yield violation


# -- healthchecks ----------------------------------------------------------------------------------


class _Healthcheck(NamedTuple):
    state: str  # "absent", "defined", "disabled" or "broken"
    span: Span | None = None  # where it is disabled or broken


def _healthcheck(service: Service) -> _Healthcheck:
    config = service.config.get("healthcheck")
    if not isinstance(config, YMap):
        return _Healthcheck("absent")
    if config.get("disable") is True:
        return _Healthcheck("disabled", service.value_span("healthcheck", "disable"))
    test = config.get("test")
    if not test:
        # Only timings (or nothing): the image's HEALTHCHECK command is kept with these settings.
        return _Healthcheck("absent")
    if isinstance(test, list):
        if test[0] == "NONE":
            return _Healthcheck("disabled", service.value_span("healthcheck", "test"))
        if list(test) == ["CMD-SHELL", "NONE"]:
            return _Healthcheck("broken", service.value_span("healthcheck", "test"))
    return _Healthcheck("defined")


class HealthcheckDisabled(Rule):
    """A service disables its healthcheck.

    ## What it does
    Reports `healthcheck: {disable: true}` and `healthcheck: {test: ["NONE"]}`, which switch off the
    image's own `HEALTHCHECK`, at the key that does it. Also reports `test: NONE` written as a string:
    that does not disable anything, it runs the shell command `NONE`, which fails, so the container is
    always unhealthy.

    ## Why is this bad?
    Without a healthcheck Docker only knows whether the main process runs, not whether it works: a
    hung server stays "running", `depends_on: condition: service_healthy` cannot be used, and
    orchestration never replaces it (CIS Docker Benchmark 5.26).

    ## Example
    ```yaml
    services:
      api:
        image: example/api:2.1
        healthcheck:
          disable: true
    ```

    ## Use instead
    ```yaml
    services:
      api:
        image: example/api:2.1
        healthcheck:
          test: ["CMD", "curl", "-f", "http://localhost:8080/health"]
          interval: 30s
    ```
    """

    id = "CL507"
    name = "healthcheck-disabled"
    severity = Severity.WARNING
    summary = "A service disables its healthcheck"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            health = _healthcheck(service)
            span = health.span or service.span
            if health.state == "disabled":
                yield Violation(
                    span,
                    f"service {service.name} disables its healthcheck, so Docker cannot tell a hung "
                    "container from a working one; define a test instead",
                    service.name,
                )
            elif health.state == "broken":
                yield Violation(
                    span,
                    f"healthcheck test `NONE` of service {service.name} is a string, so Docker runs the shell "
                    'command NONE, which fails: the container is always unhealthy; write test: ["NONE"] '
                    "to disable the healthcheck, or a real command",
                    service.name,
                )


def _completion_waiters(project: Project) -> dict[str, list[str]]:
    """Service -> the services that wait for it to exit with service_completed_successfully (it is a
    job, not a server)."""
    waiters: dict[str, list[str]] = {}
    for service in project.services.values():
        for dependency in service.depends_on:
            if dependency.condition == "service_completed_successfully":
                waiters.setdefault(dependency.service, []).append(service.name)
    return waiters


class HealthyDependencyWithoutHealthcheck(Rule):
    """A service waits for another to be healthy, but that one has no healthcheck in the project.

    ## What it does
    Reports `depends_on: {X: {condition: service_healthy}}` where service X defines no healthcheck test
    in the compose files, at the `condition`. When X disables its healthcheck (`disable: true`,
    `test: ["NONE"]`) or breaks it (`test: NONE` as a string runs a command that always fails), the
    dependency can never be satisfied and `docker compose up` fails; when X simply has none, the
    project relies on a `HEALTHCHECK` baked into X's image, which the compose file does not show
    (option `images-with-healthcheck` lists images known to have one, which are then not reported).

    ## Why is this bad?
    Compose refuses to start the dependent service: `dependency failed to start: container x has no
    healthcheck configured` (with `required: false`, it starts it without waiting, so the condition
    achieves nothing). It works only as long as the image keeps its `HEALTHCHECK`, which a base
    image change or a switch to another image removes without warning.

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.1
        depends_on:
          db:
            condition: service_healthy
      db:
        image: postgres:16.4
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.1
        depends_on:
          db:
            condition: service_healthy
      db:
        image: postgres:16.4
        healthcheck:
          test: ["CMD-SHELL", "pg_isready -U postgres"]
          interval: 5s
    ```
    """

    id = "CL508"
    name = "healthy-dependency-without-healthcheck"
    severity = Severity.WARNING
    summary = "A service waits for a dependency to be healthy, but it has no healthcheck"
    options: ClassVar[Mapping[str, Option]] = {
        "images-with-healthcheck": Option(
            list, [], "image repositories (fnmatch patterns) whose image defines a HEALTHCHECK"
        ),
    }

    def check(self, ctx: Context) -> Iterator[Violation]:
        trusted = [str(p) for p in ctx.options.get("images-with-healthcheck", [])]
        services = ctx.project.services
        for service in services.values():
            for dependency in service.depends_on:
                target = services.get(dependency.service)
                if dependency.condition != "service_healthy" or target is None:
                    continue
                health = _healthcheck(target)
                span = service.value_span("depends_on", target.name, "condition") or dependency.span
                # Compose fails the startup, or for an optional dependency gives up waiting.
                outcome = (
                    "`docker compose up` fails"
                    if dependency.required
                    else f"Compose starts {service.name} without waiting (the dependency is optional)"
                )
                if health.state in ("disabled", "broken"):
                    what = (
                        "disables its healthcheck"
                        if health.state == "disabled"
                        else "has a broken healthcheck"
                    )
                    yield Violation(
                        span,
                        f"service {service.name} waits for {target.name} to be healthy, but {target.name} {what}: "
                        f"it never becomes healthy and {outcome}",
                        service.name,
                        severity=Severity.ERROR if dependency.required else None,
                    )
                elif health.state == "absent":
                    image = target.image or ""
                    if image and any(fnmatch.fnmatchcase(repository(image), p) for p in trusted):
                        continue
                    source = f"image {image}" if image else "its build"
                    yield Violation(
                        span,
                        f"service {service.name} waits for {target.name} to be healthy, but {target.name} defines "
                        f"no healthcheck test: this relies on a HEALTHCHECK in {source}, and without one "
                        f"{outcome}; define the healthcheck in the compose file",
                        service.name,
                    )


class MissingHealthcheck(Rule):
    """A service defines no healthcheck.

    ## What it does
    Reports services without a `healthcheck` test in the compose files. Services that other services
    wait for with `condition: service_completed_successfully` are jobs, not servers, and are skipped.
    Off by default and informational: many images define a `HEALTHCHECK` of their own, which the
    compose file does not show.

    ## Why is this bad?
    Without a healthcheck Docker only knows whether the main process runs, not whether it answers:
    dependents cannot wait for it to be ready, and a hung process is never noticed (CIS Docker
    Benchmark 5.26, KICS "Healthcheck Not Set").

    ## Example
    ```yaml
    services:
      api:
        image: example/api:2.1
    ```

    ## Use instead
    ```yaml
    services:
      api:
        image: example/api:2.1
        healthcheck:
          test: ["CMD", "wget", "-qO-", "http://localhost:8080/health"]
          interval: 30s
    ```
    """

    id = "CL512"
    name = "missing-healthcheck"
    severity = Severity.INFO
    summary = "A service defines no healthcheck"
    enabled_by_default = False

    def check(self, ctx: Context) -> Iterator[Violation]:
        jobs = _completion_waiters(ctx.project)
        for service in ctx.project.services.values():
            if service.name in jobs or _healthcheck(service).state != "absent":
                continue
            yield Violation(
                service.span,
                f"service {service.name} defines no healthcheck test; add one so Docker and dependent services "
                "can tell when it is ready",
                service.name,
            )


# -- restart policy --------------------------------------------------------------------------------

_ENGINE_POLICIES = ("no", "always", "unless-stopped", "on-failure")
# deploy.restart_policy conditions as Compose maps them for the engine (mapRestartPolicyCondition).
_CONDITIONS = {"none": "no", "any": "always"}


class _Restart(NamedTuple):
    """A restart policy as Docker Compose hands it to the engine (`getRestartPolicy`)."""

    name: str  # the engine's policy name, or the unknown value as written
    written_name: str  # the policy or condition as written ("any" for the engine's "always")
    attempts: int
    span: Span
    written: str  # "restart" or "deploy.restart_policy"
    explicit: bool = True  # False: deploy.restart_policy without a condition (the engine's "no")


def _restart_policies(service: Service) -> list[_Restart]:
    """The `restart` policy, then the `deploy.restart_policy` one; Compose applies the last."""
    policies = []
    restart = service.config.get("restart")
    if isinstance(restart, str) and restart:
        name, _, count = restart.partition(":")
        attempts = int(count) if count.isdigit() else 0
        span = service.value_span("restart") or service.span
        policies.append(_Restart(name, name, attempts, span, "restart"))
    policy = _get(service.config, ("deploy", "restart_policy"))
    if isinstance(policy, YMap):
        condition = policy.get("condition")
        max_attempts = policy.get("max_attempts")
        retries = max_attempts if isinstance(max_attempts, int) and not isinstance(max_attempts, bool) else 0
        if isinstance(condition, str) and condition:
            span = service.value_span("deploy", "restart_policy", "condition") or service.span
            name = _CONDITIONS.get(condition, condition)
            policies.append(_Restart(name, condition, retries, span, "deploy.restart_policy"))
        else:
            span = service.key_span("deploy") or service.span
            span = service.value_span("deploy", "restart_policy") or span
            policies.append(_Restart("no", "", retries, span, "deploy.restart_policy", explicit=False))
    return policies


class RestartPolicy(Rule):
    """A restart policy that Docker refuses, that Compose ignores, or that defeats a dependency.

    ## What it does
    Checks each service's restart policy as Docker Compose hands it to the engine (`restart`, then
    `deploy.restart_policy`, which wins when both are set):

    - an unknown policy (`restart: unless-stoped`, `condition: sometimes`): the engine refuses the
      container;
    - a retry count with a policy other than `on-failure` (`restart: always:3`, or `condition: any`
      with `max_attempts`): the engine refuses the container ("maximum retry count can only be used
      with 'on-failure'");
    - `restart` and `deploy.restart_policy` that disagree: Compose applies the `deploy` one (without
      a `condition`, that means no restart at all), so the `restart` line is dead;
    - a service that restarts always (or unless stopped) while another service waits for it with
      `condition: service_completed_successfully`: it is restarted each time it completes, so the
      dependent may wait forever.

    With the option `required-max-attempts` set to N (KICS and CIS 5.14 use 5), `on-failure` policies
    whose retry limit is not N are reported too, including a bare `on-failure`, which retries forever
    (KICS misses that case). Services without any restart policy are not reported: Docker's default,
    `no`, is a valid choice, and `always` or `unless-stopped` are ordinary choices for servers.

    ## Why is this bad?
    Each case is a policy that does not do what the file says: a container that is never created, a
    policy that is silently replaced, or a startup that hangs.

    ## Example
    ```yaml
    services:
      migrate:
        image: example/migrate:1.0
        restart: always
      app:
        image: example/app:2.1
        restart: unless-stopped
        deploy:
          restart_policy:
            condition: any
            max_attempts: 3
        depends_on:
          migrate:
            condition: service_completed_successfully
    ```

    ## Use instead
    ```yaml
    services:
      migrate:
        image: example/migrate:1.0
        restart: on-failure:3
      app:
        image: example/app:2.1
        restart: unless-stopped
        depends_on:
          migrate:
            condition: service_completed_successfully
    ```
    """

    id = "CL509"
    name = "restart-policy"
    severity = Severity.WARNING
    summary = "A restart policy is refused, ignored, or restarts a one-shot job"
    options: ClassVar[Mapping[str, Option]] = {
        "required-max-attempts": Option(
            int, 0, "when above 0, on-failure policies must retry exactly this many times (KICS/CIS: 5)"
        ),
    }

    def check(self, ctx: Context) -> Iterator[Violation]:
        required = ctx.options.get("required-max-attempts", 0)
        required = required if isinstance(required, int) else 0
        waiting_for = _completion_waiters(ctx.project)
        for service in ctx.project.services.values():
            policies = _restart_policies(service)
            if not policies:
                continue
            for policy in policies:
                yield from self._refused(service, policy)
            effective = policies[-1]
            first = policies[0]
            if len(policies) == 2 and (first.name, first.attempts) != (effective.name, effective.attempts):
                what = f"`{effective.name}`" if effective.explicit else "`no` (it has no condition)"
                yield Violation(
                    first.span,
                    f"restart of service {service.name} is ignored: Docker Compose applies "
                    f"deploy.restart_policy, which means {what}; keep only one of them",
                    service.name,
                )
            waiters = waiting_for.get(service.name)
            if waiters and effective.name in ("always", "unless-stopped"):
                yield Violation(
                    effective.span,
                    f"service {service.name} restarts `{effective.name}`, but {', '.join(waiters)} waits for it "
                    "to complete (service_completed_successfully): it is restarted each time it exits, so the "
                    "wait may never end; use on-failure",
                    service.name,
                )
            if required > 0 and effective.name == "on-failure" and effective.attempts != required:
                limit = f"{effective.attempts} retries" if effective.attempts else "unlimited retries"
                yield Violation(
                    effective.span,
                    f"on-failure policy of service {service.name} allows {limit}; the required limit is "
                    f"{required} (option required-max-attempts)",
                    service.name,
                )

    @staticmethod
    def _refused(service: Service, policy: _Restart) -> Iterator[Violation]:
        if policy.name not in _ENGINE_POLICIES:
            yield Violation(
                policy.span,
                f"{policy.written} of service {service.name} names the unknown policy `{policy.written_name}`: the "
                "engine refuses the container; use no, always, on-failure or unless-stopped",
                service.name,
            )
        elif policy.explicit and policy.attempts and policy.name != "on-failure":
            yield Violation(
                policy.span,
                f"{policy.written} of service {service.name} sets {policy.attempts} retries on policy "
                f"`{policy.written_name}`: the engine refuses the container (maximum retry count can only be "
                "used with 'on-failure')",
                service.name,
            )


# -- logging, build ------------------------------------------------------------------------------------


class LoggingDisabled(Rule):
    """A service throws its logs away with `logging.driver: none`.

    ## What it does
    Reports services whose logging driver is `none`, at the driver.

    ## Why is this bad?
    `docker compose logs` shows nothing and nothing is kept anywhere: when the service fails, the
    only evidence of why is gone. To limit disk use, keep the default driver and cap it instead
    (`max-size`, `max-file`).

    ## Example
    ```yaml
    services:
      worker:
        image: example/worker:3.0
        logging:
          driver: none
    ```

    ## Use instead
    ```yaml
    services:
      worker:
        image: example/worker:3.0
        logging:
          driver: json-file
          options:
            max-size: 10m
            max-file: "3"
    ```
    """

    id = "CL510"
    name = "logging-disabled"
    severity = Severity.WARNING
    summary = "A service disables logging"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            if _get(service.config, ("logging", "driver")) == "none":
                yield Violation(
                    service.value_span("logging", "driver") or service.span,
                    f"service {service.name} discards its logs (logging driver none); keep a driver and cap "
                    "its size with max-size/max-file instead",
                    service.name,
                )


class BuildAndImageWithoutPullPolicy(Rule):
    """A service has both `build` and `image` but no `pull_policy`.

    ## What it does
    Reports services that set `build` and `image` without saying whether the image is to be built or
    pulled, at the `image`.

    ## Why is this bad?
    With both keys and no `pull_policy`, Compose first tries to pull `image` from the registry and
    builds only when the pull fails. If an image of that name exists upstream (a public `app`, `web`,
    `api`, or an older push of your own), it silently replaces your build. `pull_policy: build` always
    builds; `missing`, `always` or `never` state that the registry image is wanted.

    ## Example
    ```yaml
    services:
      web:
        build: .
        image: example/web:dev
    ```

    ## Use instead
    ```yaml
    services:
      web:
        build: .
        image: example/web:dev
        pull_policy: build
    ```
    """

    id = "CL511"
    name = "build-and-image-without-pull-policy"
    severity = Severity.WARNING
    summary = "A service has build and image but no pull_policy"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            if service.has_build and service.image and "pull_policy" not in service.config:
                yield Violation(
                    service.value_span("image") or service.span,
                    f"service {service.name} has both build and image {service.image}: Compose pulls the image "
                    "first and builds only if the pull fails; set pull_policy: build to always build it",
                    service.name,
                )


RULES: tuple[type[Rule], ...] = (
    ImageWithoutTag,
    MutableImageTag,
    ImageNotPinnedByDigest,
    MissingMemoryLimit,
    MissingCpuLimit,
    MissingPidsLimit,
    HealthcheckDisabled,
    HealthyDependencyWithoutHealthcheck,
    RestartPolicy,
    LoggingDisabled,
    BuildAndImageWithoutPullPolicy,
    MissingHealthcheck,
)
