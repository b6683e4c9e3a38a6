"""CL415 plaintext-secret: a credential is written in plain text in the environment."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from itertools import pairwise

from composelint.compose.span import Span
from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.security.common import (
    ESCAPED_REFERENCE,
    ONLY_DEFAULT,
    command_texts,
    environment,
    from_file,
    source_line,
    who_sets,
    written_value,
)

# Words of a variable name that mark a credential (DB_PASSWORD, GITHUB_TOKEN, SMTP_PASS...).
_SECRET_WORD_ENDS = ("PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "APIKEY")


_SECRET_WORDS = frozenset({"PASS", "PWD", "SALT", "SECRETS", "TOKENS", "CREDENTIAL", "CREDENTIALS"})


_SECRET_PAIRS = frozenset(
    {
        ("API", "KEY"),
        ("ACCESS", "KEY"),
        ("PRIVATE", "KEY"),
        ("SECRET", "KEY"),
        ("ENCRYPTION", "KEY"),
        ("SIGNING", "KEY"),
        ("AUTH", "KEY"),
        ("MASTER", "KEY"),
        ("APP", "KEY"),
        ("JWT", "KEY"),
        ("SESSION", "KEY"),
    }
)


# A last word that makes the variable a setting about a secret, not the secret (TOKEN_TTL, PASSWORD_FILE).
_SETTING_WORDS = frozenset(
    {
        *("FILE", "PATH", "DIR", "URL", "URI", "HOST", "PORT", "USER", "USERNAME", "NAME", "ID", "TYPE"),
        *("LENGTH", "LEN", "SIZE", "TTL", "EXPIRY", "EXPIRE", "EXPIRES", "EXPIRATION", "LIFETIME"),
        *("TIMEOUT", "SECONDS", "MINUTES", "HOURS", "DAYS", "MIN", "MAX", "ROUNDS", "ITERATIONS"),
        *("ENABLED", "ENABLE", "DISABLED", "DISABLE", "REQUIRED", "ALGORITHM", "HEADER", "ENDPOINT"),
        *("POLICY", "STRENGTH", "PROVIDER", "MODE", "METHOD", "FORMAT", "TIME", "PERIOD", "INTERVAL"),
        *("DURATION", "AGE", "COUNT", "LIMIT", "RATE", "SCOPE", "SCOPES", "REALM", "ISSUER", "AUDIENCE"),
        *("PREFIX", "ATTEMPTS", "RETRIES", "CACHE", "STORE", "BACKEND", "DRIVER", "VERSION", "STDIN"),
    }
)


_SWITCHES = frozenset({"true", "false", "yes", "no", "on", "off", "none", "null", "0", "1"})


@functools.lru_cache(maxsize=4096)  # names repeat: every service, every token of a command line
def _is_secret_name(name: str) -> bool:
    words = name.upper().split("_")
    if name.upper() in ("PWD", "OLDPWD") or words[-1] in _SETTING_WORDS:
        return False  # the shell's working directory; a setting about a secret
    return any(word.endswith(_SECRET_WORD_ENDS) or word in _SECRET_WORDS for word in words) or any(
        pair in _SECRET_PAIRS for pair in pairwise(words)
    )


def _literal_secret(supplied: str) -> bool:
    """Whether the part of a value the file supplies is a credential: not empty, not an on/off switch,
    not a path to a secret file, not an escaped reference (``$$VAR``: the container gets the text
    ``$VAR``, for its shell or application to expand)."""
    text = supplied.strip()
    return (
        bool(text)
        and text.lower() not in _SWITCHES
        and not text.startswith("/run/secrets/")
        and not ESCAPED_REFERENCE.fullmatch(text)
    )


class PlaintextSecret(Rule):
    """A credential is written in plain text in a service's environment.

    ## What it does
    Reports environment variables whose name marks a credential (`PASSWORD`, `SECRET`, `TOKEN`,
    `API_KEY`, `PRIVATE_KEY`, `*_PASS`...) and whose value is written literally, in `environment`
    (mapping or `KEY=value` list) or in a file named by `env_file`, at the value itself (after the
    `=` of a list item). Also reports credentials passed on the command line of `command`,
    `entrypoint` and `healthcheck.test`: `--password x`, `--requirepass=x`, `PGPASSWORD=x psql`.
    The value is never printed. A value written once (an anchor, an `extends` base, a shared env
    file) is reported once, naming every service that gets it.

    Weak and well-known values (`POSTGRES_PASSWORD: postgres`) are reported like any other: they
    are the password of every deployment that does not change them.

    Not reported: values taken from variables (`${DB_PASSWORD}`), which are kept out of the file;
    empty values; on/off switches (`true`, `no`); paths to a secret file (`/run/secrets/...`);
    settings about a secret rather than the secret (`TOKEN_TTL`, `PASSWORD_MIN_LENGTH`,
    `POSTGRES_PASSWORD_FILE`); an escaped reference (`$${API_TOKEN}`, `$$REDIS_PASSWORD` in a
    command), which the container's shell or application expands. A lone `${VAR:-default}` with a
    literal default is reported, since the default is written in the file; `$$` is an escaped `$`,
    so `pa$$word` is a literal.

    ## Why is this bad?
    Secrets in compose files end up in version control, in `docker inspect` and in every log of the
    deployment. Compose `secrets:` mount them as files instead (CIS Docker Benchmark 4.10).

    ## Example
    ```yaml
    services:
      db:
        image: postgres:16.4
        environment:
          POSTGRES_PASSWORD: hunter2
    ```

    ## Use instead
    ```yaml
    services:
      db:
        image: postgres:16.4
        environment:
          POSTGRES_PASSWORD_FILE: /run/secrets/db_password
        secrets: [db_password]
    secrets:
      db_password:
        environment: DB_PASSWORD
    ```
    """

    id = "CL415"
    name = "plaintext-secret"
    severity = Severity.WARNING
    summary = "A credential is written in plain text in the environment"
    security_severity = 7.0

    def check(self, ctx: Context) -> Iterator[Violation]:
        # One finding per written value, naming every service that gets it (anchors, `extends`):
        # span -> (verb for one service, verb for several, what, services).
        found: dict[Span, tuple[str, str, str, list[str]]] = {}
        for service in ctx.project.services.values():
            for key, value, value_span, key_span in environment(service):
                if not _is_secret_name(key):
                    continue
                written, span = written_value(ctx, key, value, value_span, key_span)
                supplied = from_file(written)
                if supplied is None or not _literal_secret(supplied):
                    continue
                default = ONLY_DEFAULT.fullmatch(written)
                how = (
                    f"a literal default (${{{default.group('name')}:-...}})" if default else "a literal value"
                )
                found.setdefault(span, ("sets", "set", f"{key} to {how}", []))[3].append(service.name)
            for name, where, span in _command_credentials(ctx, command_texts(ctx, service)):
                what = f"a literal value to {name} in {where}"
                found.setdefault(span, ("passes", "pass", what, []))[3].append(service.name)
        for span, (verb, verbs, what, names) in found.items():
            yield Violation(
                span,
                f"{who_sets(ctx, span, names)} {verb if len(names) == 1 else verbs} {what}; pass it with "
                "secrets: or a variable kept out of the file",
                names[0],
            )


# Flags that take a password without a credential word of their own (redis-server, valkey, keydb).
_PASSWORD_FLAGS = frozenset({"REQUIREPASS", "MASTERAUTH"})


# `$$VAR`, `$${VAR}`, `$$(cat file)`, `$(cat file)`, backquotes in a command: its shell computes
# the value when it runs.
_RUNTIME_EXPANSION = re.compile(r"\$\$[({_A-Za-z]|\$\(|`")


_ASSIGNED_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


_FLAG_NAME = re.compile(r"--?[A-Za-z][A-Za-z0-9_-]*")


# A "value" holding these is a piece of an inline script (`KEY="+JSON.stringify(k)`), not a literal.
_CODE = re.compile(r"[()<>|&+\[\]{}]")


_TOKEN = re.compile(r"\S+")


_Token = tuple[str, str, Span, int, str]  # key, token, span of its scalar, offset in it, the scalar


def _tokens(texts: list[tuple[str, str, Span]]) -> Iterator[_Token]:
    # A generator: a 4 MB command line holds millions of tokens, never all in memory at once.
    for key, text, span in texts:
        for match in _TOKEN.finditer(text):
            yield key, match.group(), span, match.start(), text


def _command_credentials(ctx: Context, texts: list[tuple[str, str, Span]]) -> Iterator[tuple[str, str, Span]]:
    """(name as written, key, span of the value) of each literal credential on a command line:
    `--password x`, `--requirepass=x`, `PGPASSWORD=x psql`. A list item is one token; a string is
    split at spaces."""
    tokens = _tokens(texts)
    current = next(tokens, None)
    while current is not None:
        following = next(tokens, None)
        found = _token_credential(ctx, current, following)
        if found is not None:
            yield found
        current = following


def _token_credential(
    ctx: Context, current: _Token, following: _Token | None
) -> tuple[str, str, Span] | None:
    key, token, span, offset, text = current
    name, equals, value = token.partition("=")
    flag = name.startswith("-")
    variable = name.lstrip("-").replace("-", "_")
    if not (_FLAG_NAME if flag else _ASSIGNED_NAME).fullmatch(name):
        return None
    if not (_is_secret_name(variable) or variable.upper() in _PASSWORD_FLAGS):
        return None
    start = offset + len(name) + 1
    if flag and not equals:
        if following is None or following[0] != key or following[1].startswith("-"):
            return None
        _, value, span, start, text = following
    start += len(value) - len(value.lstrip("'\";"))
    value = value.strip("'\";")
    supplied = None if _RUNTIME_EXPANSION.search(value) else from_file(value)
    if supplied is not None and _literal_secret(supplied) and not _CODE.search(supplied):
        return name, key, _within_scalar(ctx, span, text, start, len(value))
    return None


def _within_scalar(ctx: Context, span: Span, text: str, start: int, length: int) -> Span:
    """The span of ``text[start:start + length]`` when the one-line scalar at ``span`` holds ``text``
    verbatim (plain, or quoted without escapes); else the scalar's span."""
    line = source_line(ctx, span)
    column = span.column - 1
    column += 1 if line[column : column + 1] in ("'", '"') else 0
    if span.end_line != span.line or not line.startswith(text, column):
        return span
    return Span(span.path, span.line, column + start + 1, span.line, column + start + 1 + length)
