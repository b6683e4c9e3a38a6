"""CL603 service-keys-order: the keys of a service are not in the conventional order."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import ClassVar

from composelint.finding import Severity, Violation
from composelint.rule import Context, Option, Rule
from composelint.rules.style.common import Rank, order_violations, own_keys, sorted_fix, written_services

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
    fix_safety = "safe"
    fix_summary = "orders the service's keys, each moved with its value and the comment lines above it"
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

        def rank(key: str) -> Rank | None:
            if key in positions:
                return Rank(positions[key], "")
            return Rank(len(order), key.casefold()) if others_last else None

        for _, service, definition in written_services(ctx):
            for key, span, previous in order_violations(own_keys(definition), rank, against_highest=False):
                yield Violation(
                    span,
                    f"key {key} of service {service} should come before {previous}",
                    service,
                    fix=sorted_fix(ctx, definition, lambda name, _: rank(name), "order the service's keys"),
                )
