"""CL414 tmpfs-exec-suid: a tmpfs mount allows executables or setuid programs."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.compose.tree import YSeq
from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule

_TMPFS_RISK = {
    "exec": "programs written there can run",
    "suid": "setuid programs written there keep their privileges",
}


class TmpfsExecSuid(Rule):
    """A tmpfs mount allows executables or setuid programs.

    ## What it does
    Reports `tmpfs` entries with the `exec` or `suid` option (`/tmp:exec,mode=1777`), at the entry;
    as with `mount`, the last of `exec` and `noexec` (`suid`, `nosuid`) wins. Docker mounts tmpfs
    `noexec,nosuid` unless told otherwise; long-syntax `type: tmpfs` volumes only take a size and a
    mode, so they are always safe.

    ## Why is this bad?
    A writable place where downloaded programs can run, or where setuid programs keep their power,
    is what an intruder looks for, and defeats `read_only: true`.

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.0
        read_only: true
        tmpfs: ["/tmp:exec,mode=1777"]
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.0
        read_only: true
        tmpfs: ["/tmp:mode=1777"]
    ```
    """

    id = "CL414"
    name = "tmpfs-exec-suid"
    severity = Severity.INFO
    summary = "A tmpfs mount allows executables or setuid programs"
    security_severity = 3.0

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            node = service.config.get("tmpfs")
            if not isinstance(node, YSeq):
                continue
            for entry, span in node.items_with_spans():
                if not isinstance(entry, str) or ":" not in entry:
                    continue
                target, _, options = entry.partition(":")
                # Mount options: the last of `exec` and `noexec` (`suid`, `nosuid`) wins.
                last = {
                    o.removeprefix("no"): o for o in options.split(",") if o.removeprefix("no") in _TMPFS_RISK
                }
                allowed = [o for o in _TMPFS_RISK if last.get(o) == o]
                if allowed:
                    yield Violation(
                        span,
                        f"tmpfs {target} of service {service.name} allows {' and '.join(allowed)}: "
                        f"{'; '.join(_TMPFS_RISK[o] for o in allowed)}. Drop {' and '.join(allowed)} unless "
                        "the service needs it",
                        service.name,
                    )
