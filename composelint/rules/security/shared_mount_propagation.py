"""CL413 shared-mount-propagation: a bind mount propagates mounts between container and host."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import ClassVar

from composelint.compose.tree import YMap
from composelint.finding import Severity, Violation
from composelint.rule import Context, Option, Rule

_PROPAGATION = {
    "shared": "mounts made in the container appear on the host, and the host's in it",
    "rshared": "mounts made in the container appear on the host, and the host's in it",
    "slave": "mounts made on the host appear in it",
    "rslave": "mounts made on the host appear in it",
}


class SharedMountPropagation(Rule):
    """A bind mount propagates mounts between the container and the host.

    ## What it does
    Reports bind mounts with `shared` or `rshared` propagation (short syntax `./x:/x:rshared`, long
    syntax `bind.propagation`), at the propagation. `slave` and `rslave` only carry the host's
    mounts into the container, which node and storage agents need; they are reported with the option
    `include-slave` (KICS reports them).

    ## Why is this bad?
    With shared propagation, a mount made inside the container (over `/etc` of the mounted tree, for
    instance) appears on the host: the container can change what the host sees (CIS Docker Benchmark
    5.19).

    ## Example
    ```yaml
    services:
      agent:
        image: example/agent:1.0
        volumes:
          - type: bind
            source: /mnt/data
            target: /data
            bind:
              propagation: rshared
    ```

    ## Use instead
    ```yaml
    services:
      agent:
        image: example/agent:1.0
        volumes:
          - /mnt/data:/data
    ```
    """

    id = "CL413"
    name = "shared-mount-propagation"
    severity = Severity.WARNING
    summary = "A bind mount propagates mounts between container and host"
    security_severity = 5.0
    options: ClassVar[Mapping[str, Option]] = {
        "include-slave": Option(bool, False, "also report slave and rslave propagation (as KICS does)"),
    }

    def check(self, ctx: Context) -> Iterator[Violation]:
        reported = {"shared", "rshared"} | (
            {"slave", "rslave"} if ctx.options.get("include-slave") else set()
        )
        for service in ctx.project.services.values():
            for mount in service.mounts:
                bind = mount.config.get("bind")
                if mount.propagation in reported and isinstance(bind, YMap):
                    yield Violation(
                        bind.value_span("propagation"),
                        f"mount {mount.target} of service {service.name} uses {mount.propagation} "
                        f"propagation: {_PROPAGATION[mount.propagation]}; use the default (rprivate)",
                        service.name,
                    )
