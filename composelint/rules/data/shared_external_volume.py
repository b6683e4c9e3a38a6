"""CL303 shared-external-volume: several projects on one host mount the same external volume."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule


class SharedExternalVolume(Rule):
    """Several projects on one host mount the same external volume.

    ## What it does
    With `--same-host` (or `hosts:` in the configuration), reports a service that mounts an external
    volume (by the name Docker sees) that a service of another project on the same host mounts too,
    at the later project's mount, naming the other one. Cross-project only.

    ## Why is this bad?
    Either stack can read and change the other's data: a restore or a migration of one silently
    rewrites the other's, and two databases writing one data directory corrupt it.

    ## Example
    ```yaml
    # shop/compose.yaml and blog/compose.yaml both say:
    services:
      db:
        image: postgres:16.4
        volumes: ["pgdata:/var/lib/postgresql/data"]
    volumes:
      pgdata:
        external: true
    ```

    ## Use instead
    ```yaml
    # each stack its own volume
    volumes:
      pgdata:
        name: shop_pgdata
        external: true
    ```
    """

    id = "CL303"
    name = "shared-external-volume"
    severity = Severity.WARNING
    summary = "Several projects on one host mount the same external volume"

    def check(self, ctx: Context) -> Iterator[Violation]:
        return iter(())  # cross-project: composelint.host judges the host's projects together
