"""CL302 non-external-critical-volume: critical data in a volume that docker compose down -v deletes."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator

from composelint.compose.tree import YMap
from composelint.finding import Severity, Violation
from composelint.project.model import Volume
from composelint.rule import Context, Rule


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
                )
