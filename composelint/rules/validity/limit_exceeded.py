"""CL117 limit-exceeded: a file exceeds a resource limit."""

from __future__ import annotations

from composelint.finding import Severity
from composelint.rule import Rule


class LimitExceeded(Rule):
    """A file is too large or too deeply nested to analyse safely.

    ## What it does
    Reports files beyond composelint's resource limits: file size, YAML nodes after alias
    expansion (billion-laughs files), nesting depth, `include`/`extends` depth and the number of files
    a project reads. Each limit is named and configurable.

    ## Why is this bad?
    Such files are almost always hostile or broken; analysing them would hang CI or exhaust memory.

    ## Example
    ```yaml
    # Each level repeats the previous one nine times: 9^6 = 531,441 strings from six lines.
    x-a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
    x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    x-c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    x-d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    x-e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
    x-f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
    services:
      app:
        image: example/app:2.1
        command: *f
    ```

    ## Use instead
    Write the structure out, or raise the limit in the configuration if the file is legitimate.
    """

    id = "CL117"
    name = "limit-exceeded"
    severity = Severity.ERROR
    summary = "A file exceeds a resource limit"
    load_error_kinds = ("limit-exceeded",)
