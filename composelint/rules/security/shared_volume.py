"""CL421 shared-volume: several services mount the same volume or host path."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.project.model import Mount, Service
from composelint.rule import Context, Rule
from composelint.rules.security.common import written_mount_source


class SharedVolume(Rule):
    """Several services mount the same volume or host path (off by default; KICS parity).

    ## What it does
    Reports a named volume or host path that two or more services mount writable, at each writable
    mount. Read-only mounts (`:ro`, `read_only: true`) are never reported: one writer and any number
    of readers is the safe way to share. This is KICS's "Shared Volumes Between Containers" (which
    reports every shared mount); an application and its sidecar often share a volume on purpose.

    ## Why is this bad?
    A writable volume shared between containers is a path from one to the other: a compromised
    service can plant files the other one reads or runs, and two writers can corrupt the data.

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.0
        volumes: ["uploads:/app/uploads"]
      scanner:
        image: example/scanner:1.1
        volumes: ["uploads:/scan"]
    volumes:
      uploads: {}
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.0
        volumes: ["uploads:/app/uploads"]
      scanner:
        image: example/scanner:1.1
        volumes: ["uploads:/scan:ro"]
    volumes:
      uploads: {}
    ```
    """

    id = "CL421"
    name = "shared-volume"
    severity = Severity.INFO
    summary = "Several services mount the same volume or host path"
    enabled_by_default = False
    security_severity = 2.0

    def check(self, ctx: Context) -> Iterator[Violation]:
        writers: dict[tuple[str, str], list[tuple[Service, Mount]]] = {}
        for service in ctx.project.services.values():
            for mount in service.mounts:
                if mount.type in ("bind", "volume") and mount.source and not mount.read_only:
                    writers.setdefault((mount.type, mount.source), []).append((service, mount))
        for (kind, source), mounts in writers.items():
            names = sorted({service.name for service, _ in mounts})
            if len(names) < 2:
                continue
            for service, mount in mounts:
                others = [name for name in names if name != service.name]
                also = f"{'does' if len(others) == 1 else 'do'} {', '.join(others)}"
                written = written_mount_source(ctx, mount) if kind == "bind" else None
                shared = f"volume {source}" if kind == "volume" else f"host path {written or source}"
                yield Violation(
                    mount.config.value_span("source"),
                    f"service {service.name} mounts {shared} writable, and so {also}: each can plant files "
                    "the others read; mount it read-only (:ro) where a service only reads it",
                    service.name,
                )
