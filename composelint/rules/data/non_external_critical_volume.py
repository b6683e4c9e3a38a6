"""CL302 non-external-critical-volume: critical data in a volume that docker compose down -v deletes."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator

from composelint.compose.span import Span
from composelint.compose.tree import YMap
from composelint.finding import Edit, Fix, Severity, Violation
from composelint.project.model import Volume
from composelint.rule import Context, Rule
from composelint.rules.edits import add_entry, as_yaml, no_fix, raw_top_level, source_lines, written


def _stored_elsewhere(volume: Volume) -> bool:
    """A `local` volume over a `device` (a host directory bound in, an NFS export) keeps its data
    there: removing the volume leaves the data in place."""
    options = volume.config.get("driver_opts")
    return volume.driver in (None, "local") and isinstance(options, YMap) and bool(options.get("device"))


def _under(path: str, directory: str) -> bool:
    path, directory = path.rstrip("/") or "/", directory.rstrip("/") or "/"
    return path == directory or path.startswith(directory + "/") or directory.startswith(path + "/")


class NonExternalCriticalVolume(Rule):
    """Database data lives in a volume that `docker compose down -v` deletes.

    ## What it does
    Reports named volumes mounted at a data service's data directory
    (`/var/lib/postgresql/data`, `/var/lib/mysql`, `/data/db`, `/data` for Redis..., or the directory
    its command or environment chooses: `--dbpath /srv/db`, `PGDATA=/pg`) or listed in
    `critical-volumes` in the configuration (names or glob patterns), that are not declared
    `external: true`. Reported at the volume's top-level declaration (at the mount when it has none),
    naming the service and the path. A `local` volume over a `device` (a bound host directory, an NFS
    export) keeps its data outside the volume and is not reported.

    ## Why is this bad?
    Compose owns the volumes it creates: `docker compose down -v` (a common "clean restart") or
    `docker compose down --volumes` in a script deletes them with the database inside. An external
    volume is created once, outside Compose, and survives.

    ## Example
    ```yaml
    services:
      db:
        image: postgres:16
        volumes: ["pgdata:/var/lib/postgresql/data"]
    volumes:
      pgdata: {}
    ```

    ## Use instead
    ```yaml
    services:
      db:
        image: postgres:16
        volumes: ["pgdata:/var/lib/postgresql/data"]
    volumes:
      pgdata:
        external: true
    ```
    """

    id = "CL302"
    name = "non-external-critical-volume"
    fix_safety = "unsafe"
    fix_summary = (
        "declares the volume `external: true` with `name:` its current Docker name, so the data stays "
        "where it is; the volume must then exist before `docker compose up` (`docker volume create NAME` "
        "once, which an existing volume does not need)"
    )
    severity = Severity.WARNING
    summary = "Critical data in a volume that docker compose down -v deletes"

    def check(self, ctx: Context) -> Iterator[Violation]:
        project = ctx.project
        policy = ctx.data_services
        critical = ctx.settings.critical_volumes
        reported: set[str] = set()
        for service in project.services.values():
            dirs = policy.data_dirs(service)
            for mount in service.mounts:
                if mount.type != "volume" or not mount.source or mount.source in reported:
                    continue
                volume = project.volumes.get(mount.source)
                names = (mount.source, volume.effective_name) if volume is not None else (mount.source,)
                listed = any(fnmatch.fnmatchcase(n, p) for n in names for p in critical)
                holds_data = dirs is not None and any(_under(mount.target, d) for d in dirs)
                if not (listed or holds_data) or (
                    volume is not None and (volume.external or _stored_elsewhere(volume))
                ):
                    continue
                reported.add(mount.source)
                what = (
                    f"holds the data of service {service.name} ({mount.target}){policy.why(service)}"
                    if holds_data
                    else f"is critical in the configuration (service {service.name} mounts it at {mount.target})"
                )
                yield Violation(
                    volume.span if volume is not None else mount.span,
                    f"volume {mount.source} {what} but is not external: `docker compose down -v` deletes it; "
                    "declare it `external: true` and create it once",
                    service.name,
                    fix=_external(ctx, volume) if volume is not None else None,
                )


def _external(ctx: Context, volume: Volume) -> Fix | None:
    """`pgdata:` -> `pgdata: {external: true, name: project_pgdata}`; a block declaration gets the two
    keys. None when it sets driver options, which an external volume cannot have."""
    declared = raw_top_level(ctx, volume.span.path, "volumes")
    if declared is None or volume.name not in declared:
        return None
    value = declared[volume.name]
    name = as_yaml(volume.effective_name)
    description = (
        f"declare volume {volume.name} external (first: docker volume create {volume.effective_name})"
    )
    fields = (f"volumes.{volume.name}",)
    if value is None:
        key = declared.key_span(volume.name)
        lines = source_lines(ctx, key.path)
        line = lines[key.line - 1]
        colon = line.find(":", key.end_column - 1)
        if colon < 0 or (line[colon + 1 :].strip(" \r") and not line[colon + 1 :].strip().startswith("#")):
            return None
        edit = Edit(Span.point(key.path, key.line, colon + 2), f" {{external: true, name: {name}}}")
        return Fix(description, (edit,), safe=False, fields=fields)
    if not isinstance(value, YMap) or set(value) - {"name"}:
        return no_fix(
            "the volume sets a driver, options or labels, which an external volume cannot have", safe=False
        )
    entries = ["external: true"] + ([] if "name" in value else [f"name: {name}"])
    if not value:
        replaced = written(ctx, declared.value_span(volume.name))
        if replaced != "{}":
            return None
        edit = Edit(declared.value_span(volume.name), "{" + ", ".join(entries) + "}")
        return Fix(description, (edit,), safe=False, fields=fields)
    first = add_entry(ctx, value, entries[0])
    if first is None:
        return None
    separator = first.text[: len(first.text) - len(entries[0])]
    return Fix(
        description, (Edit(first.span, "".join(separator + e for e in entries)),), safe=False, fields=fields
    )
