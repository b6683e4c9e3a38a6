"""CL116 unsafe-path: a path outside the repository, or to a device or FIFO."""

from __future__ import annotations

from composelint.finding import Severity
from composelint.rule import Rule


class UnsafePath(Rule):
    """The project points at a file composelint refuses to read.

    ## What it does
    Reports `include`, `extends.file` and `env_file` paths that leave the repository, or that name a
    device, a FIFO or a socket. composelint never reads them.

    ## Why is this bad?
    A compose file from an untrusted pull request could make a CI job read `/dev/zero` forever, a
    FIFO that never ends, or a secret outside the checkout.

    ## Example
    ```yaml
    include:
      - ../../../etc/secrets/compose.yaml
    ```

    ## Use instead
    Keep every file of the project inside the repository.
    """

    id = "CL116"
    name = "unsafe-path"
    severity = Severity.ERROR
    summary = "A path outside the repository, or to a device or FIFO"
    load_error_kinds = ("unsafe-path",)
