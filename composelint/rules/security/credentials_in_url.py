"""CL416 credentials-in-url: a URL with a password is written in the configuration."""

from __future__ import annotations

import re
from collections.abc import Iterator

from composelint.compose.span import Span
from composelint.compose.tree import IStr
from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.security.common import (
    ESCAPED_REFERENCE,
    ONLY_DEFAULT,
    command_texts,
    environment,
    from_file,
    who_sets,
    written_value,
)


def _may_hold_url(ctx: Context, key: str, value: str, span: Span) -> bool:
    """False when the variable's written text surely has no ``://``: it is the value itself, its
    template when interpolated, or ``KEY=`` and one of these; env file lines are always read."""
    template = value.template if isinstance(value, IStr) else ""
    return "://" in value or "://" in template or "://" in key or span.path not in ctx.documents


# The password runs to the last `@` of the authority, so a password holding an `@` is never shown;
# `/`, `?` and `#` end the authority (outside `${...}`), so `http://host:80/path?x=a@b` is no password.
# The look-behind and the bounded scheme keep the scan linear: otherwise a long run of letters is
# scanned again from each of its characters (quadratic on a 4 MB command).
_URL_CREDENTIALS = re.compile(
    r"(?<![A-Za-z0-9+.])(?P<scheme>[A-Za-z][A-Za-z0-9+.-]{0,31})://"
    r"(?P<user>[^/\s:@]*):(?P<password>(?:\$\{[^}\s]*\}|[^\s/?#])*?)"
    r"@(?P<host>[^\s/?#@,;'\"]*)(?=[\s/?#,;'\"]|$)"
)


def _literal_password(password: str) -> bool:
    """Whether the password part of a URL is written in the file (not supplied by a variable)."""
    supplied = from_file(password)
    return supplied is not None and bool(supplied) and not ESCAPED_REFERENCE.fullmatch(supplied)


class CredentialsInUrl(Rule):
    """A URL with a user and password is written in a service's configuration.

    ## What it does
    Reports `scheme://user:password@host` URLs whose password is written in the file, in environment
    values (including `env_file` files), `command`, `entrypoint` and `healthcheck.test`, at the value.
    A password supplied by a variable without a default (`postgres://app:${DB_PASSWORD}@db/app`) is
    fine; one with a literal default (`${PW:-hunter2}`, or a whole URL as a default) is reported. An
    `@` after the path (`https://host/notify?to=ops@example.com`) is no password. The password is
    never printed, not even in part. A URL written once (an anchor, an `extends` base) is reported
    once, naming every service that gets it.

    ## Why is this bad?
    Connection strings travel: into logs, error pages, `docker inspect` and version control. A
    password inside one is as exposed as a plain-text secret (CIS Docker Benchmark 4.10).

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.0
        environment:
          DATABASE_URL: postgres://app:hunter2@db:5432/app
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.0
        environment:
          DATABASE_URL: postgres://app:${DB_PASSWORD:?}@db:5432/app
    ```
    """

    id = "CL416"
    name = "credentials-in-url"
    severity = Severity.WARNING
    summary = "A URL with a password is written in the configuration"
    security_severity = 7.0

    def check(self, ctx: Context) -> Iterator[Violation]:
        # One finding per URL as written, naming every service that gets it (anchors, `extends`).
        found: dict[tuple[Span, int], tuple[str, str, list[str]]] = {}
        for service in ctx.project.services.values():
            texts = [
                (f"variable {key}", *written_value(ctx, key, value, value_span, key_span))
                for key, value, value_span, key_span in environment(service)
                if _may_hold_url(ctx, key, value, value_span)
            ]
            texts.extend(command_texts(ctx, service))
            for where, text, span in texts:
                if "://" not in text:
                    continue
                for url in _URL_CREDENTIALS.finditer(text):
                    password = url.group("password")
                    if _literal_password(password):
                        how = (
                            "a literal default password" if ONLY_DEFAULT.fullmatch(password) else "a password"
                        )
                        shown = f"{url.group('scheme')}://{url.group('user')}:***@{url.group('host')}"
                        entry = found.setdefault((span, url.start()), (where, f"{how} ({shown})", []))
                        entry[2].append(service.name)
        for (span, _), (where, what, names) in found.items():
            yield Violation(
                span,
                f"{who_sets(ctx, span, names)}: {where} holds a URL with {what}; take the password from a "
                "variable or a secret",
                names[0],
            )
