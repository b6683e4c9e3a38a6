"""CL108 invalid-volume-spec: a volume mount Docker Compose cannot parse or would refuse."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule


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
