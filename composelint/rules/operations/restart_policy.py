"""CL509 restart-policy: a restart policy is refused, ignored, or restarts a one-shot job."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import ClassVar, NamedTuple

from composelint.compose.span import Span
from composelint.compose.tree import YMap
from composelint.finding import Severity, Violation
from composelint.project.model import Service
from composelint.rule import Context, Option, Rule
from composelint.rules.operations.common import completion_waiters, get

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
    policy = get(service.config, ("deploy", "restart_policy"))
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
        waiting_for = completion_waiters(ctx.project)
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
