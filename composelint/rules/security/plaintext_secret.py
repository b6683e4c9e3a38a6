"""CL415 plaintext-secret: a credential is written in plain text in the environment."""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterator

from composelint.compose.span import Span, within_scalar
from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.security.common import (
    ESCAPED_REFERENCE,
    ONLY_DEFAULT,
    command_texts,
    environment,
    from_file,
    source_lines,
    who_sets,
    written_value,
)

# Words of a variable name that mark a credential (DB_PASSWORD, GITHUB_TOKEN, SMTP_PASS...).
_SECRET_WORD_ENDS = ("PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "APIKEY")


_SECRET_WORDS = frozenset({"PASS", "PWD", "SALT", "SECRETS", "TOKENS", "CREDENTIAL", "CREDENTIALS"})


_SECRET_PAIRS = frozenset(
    {
        *(("API", "KEY"), ("ACCESS", "KEY"), ("PRIVATE", "KEY"), ("SECRET", "KEY"), ("ENCRYPTION", "KEY")),
        *(("SIGNING", "KEY"), ("AUTH", "KEY"), ("MASTER", "KEY"), ("APP", "KEY"), ("JWT", "KEY")),
        *(("SESSION", "KEY"), ("ADMIN", "KEY"), ("AES", "KEY"), ("ENC", "KEY"), ("ENCRYPT", "KEY")),
        *(("CREDS", "KEY"), ("NONCE", "KEY"), ("CRYPT", "KEY"), ("CIPHER", "KEY"), ("HMAC", "KEY")),
        *(("LOGGED", "IN", "KEY"),),
    }
)


# A word after the secret's word that makes the variable a setting about a secret, not the secret
# (TOKEN_TTL, PASSWORD_FILE, PASSWORD_RESET_TOKEN_EXPIRES_IN, AUTHENTICATION_APIKEY_USERS).
_SETTING_WORDS = frozenset(
    {
        *("FILE", "PATH", "DIR", "URL", "URI", "HOST", "PORT", "USER", "USERNAME", "NAME", "ID", "TYPE"),
        *("LENGTH", "LEN", "SIZE", "TTL", "EXPIRY", "EXPIRE", "EXPIRES", "EXPIRATION", "LIFETIME"),
        *("TIMEOUT", "SECONDS", "MINUTES", "HOURS", "DAYS", "MIN", "MAX", "ROUNDS", "ITERATIONS"),
        *("ENABLED", "ENABLE", "DISABLED", "DISABLE", "REQUIRED", "ALGORITHM", "HEADER", "ENDPOINT"),
        *("POLICY", "STRENGTH", "PROVIDER", "MODE", "METHOD", "FORMAT", "TIME", "PERIOD", "INTERVAL"),
        *("DURATION", "AGE", "COUNT", "LIMIT", "RATE", "SCOPE", "SCOPES", "REALM", "ISSUER", "AUDIENCE"),
        *("PREFIX", "ATTEMPTS", "RETRIES", "CACHE", "STORE", "BACKEND", "DRIVER", "VERSION", "STDIN"),
        *("USERS", "EMAIL", "EMAILS", "LOGIN", "FIELD", "PARAM", "COOKIE", "LOCATION", "SOURCE"),
    }
)


# Names shaped like a credential without saying so outright (DB_ENC_KEY is a pair; these are not):
# `*_KEY`, `*_AUTH`, and PASS, SECRET or TOKEN inside a word (`REDISCLI_AUTH`, `LICENSE_KEY`,
# `DBPASS`). Their value decides: only a secret-shaped one is reported.
_CREDENTIAL_SHAPED_ENDS = ("KEY", "KEYS", "AUTH")
_CREDENTIAL_SHAPED_INSIDE = ("PASS", "SECRET", "TOKEN")


_SWITCHES = frozenset(
    {"true", "false", "yes", "no", "on", "off", "none", "null", "nil", "0", "1", "enabled", "disabled"}
)


@functools.lru_cache(maxsize=4096)  # names repeat: every service, every token of a command line
def _name_class(name: str) -> str | None:
    """ "secret" for a name that says it holds a credential, "shaped" for one that may, else None."""
    words = name.upper().replace("-", "_").replace(".", "_").split("_")
    if name.upper() in ("PWD", "OLDPWD"):
        return None  # the shell's working directory
    secret_at = [
        i
        for i, word in enumerate(words)
        if word.endswith(_SECRET_WORD_ENDS)
        or word in _SECRET_WORDS
        or any(tuple(words[i + 1 - len(pair) : i + 1]) == pair for pair in _SECRET_PAIRS)
    ]
    shaped_at = [
        i
        for i, word in enumerate(words)
        if word in _CREDENTIAL_SHAPED_ENDS or any(part in word for part in _CREDENTIAL_SHAPED_INSIDE)
    ]
    last = max(secret_at or shaped_at or [-1])
    if last < 0 or any(word in _SETTING_WORDS for word in words[last + 1 :]):
        return None  # no credential word; a setting about a secret
    if words[-1] in _SETTING_WORDS:
        return None
    return "secret" if secret_at else "shaped"


# Passwords every deployment that keeps the template's value shares (compared in lower case).
_KNOWN_DEFAULTS = frozenset(
    {
        *("password", "passw0rd", "p@ssw0rd", "p@ssword", "pass", "changeme", "change_me", "change-me"),
        *("changeit", "secret", "supersecret", "mysecret", "admin", "administrator", "root", "toor"),
        *("postgres", "mysql", "mariadb", "mongo", "mongodb", "redis", "neo4j", "example", "test"),
        *("123456", "12345678", "1234", "12345", "qwerty", "letmein", "default", "guest", "minioadmin"),
        *("mypassword", "secretpassword", "admin123", "password123", "pass123", "demo", "user"),
    }
)
_PLACEHOLDER = re.compile(
    r"user[_-]?provided|<[^<>]*>|\[[^\[\]]*\]|x{3,}|\*{3,}|\.{3,}|-+|your[_\s-].*|replace[_\s-]?(me|with.*|this)"
    r"|insert[_\s-].*|todo|tbd|placeholder|undefined|empty|unset|not[_\s-]?set|n/?a",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
_DURATION = re.compile(
    r"(\d+(\.\d+)?\s*(ms|s|sec|secs|m|min|mins|h|hr|hrs|d|w|y|seconds?|minutes?|hours?|days?|weeks?))+",
    re.IGNORECASE,
)
_PATH = re.compile(r"(/|\./|\.\./|~/|[A-Za-z]:\\|file://)\S*")
_REFERENCE = re.compile(
    r"(vault|op|secret|secrets|awssm|gcpsm|azkv|sops|env)://\S*|arn:aws:\S+|@Microsoft\.KeyVault\(.*"
)
_EMAILS = re.compile(r"[^@\s,;]+@[^@\s,;]+\.[A-Za-z]{2,}(\s*[,;]\s*[^@\s,;]+@[^@\s,;]+\.[A-Za-z]{2,})*")
_URL = re.compile(r"[a-z][a-z0-9+.-]*://[^\s@]*", re.IGNORECASE)  # credentials in a URL are CL416's


def _not_a_secret(text: str) -> bool:
    """Values that cannot be a credential: placeholders, durations, paths, references, booleans,
    numbers, e-mail addresses, URLs without credentials and empty strings."""
    return (
        not text
        or text in ('""', "''")
        or text.lower() in _SWITCHES
        or bool(
            _PLACEHOLDER.fullmatch(text)
            or (_NUMBER.fullmatch(text) and text not in _KNOWN_DEFAULTS)  # but 123456 is one
            or _DURATION.fullmatch(text)
            or _PATH.fullmatch(text)
            or _REFERENCE.fullmatch(text)
            or _EMAILS.fullmatch(text)
            or _URL.fullmatch(text)
            or ESCAPED_REFERENCE.fullmatch(text)
        )
    )


def _known_default(text: str, name_class: str) -> bool:
    """A template's default password, alone or as the password of `user/password`, `user:password`
    (`NEO4J_AUTH=neo4j/password`); for a name that is only credential-shaped, only in that form, since
    `CACHE_KEY: default` is no password."""
    user, separator, password = text.replace(":", "/").rpartition("/")
    if separator and user and password.lower() in _KNOWN_DEFAULTS:
        return True
    return name_class == "secret" and text.lower() in _KNOWN_DEFAULTS


def _secret_shaped(text: str) -> bool:
    """What a generated key or a real password looks like: 8 characters or more, no spaces, letters
    and digits or mixed case, and at least 3 bits of entropy per character."""
    if len(text) < 8 or any(c.isspace() for c in text):
        return False
    classes = sum(
        (any(c.islower() for c in text), any(c.isupper() for c in text), any(c.isdigit() for c in text))
    )
    if classes < 2:
        return False
    counts = Counter(text)
    entropy = -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())
    return entropy >= 3.0


def _judged(name_class: str, supplied: str) -> str | None:
    """How a literal value is described when it is a credential, else None."""
    text = supplied.strip()
    if _not_a_secret(text):
        return None
    if _known_default(text, name_class):
        return "a well-known default value"
    return "a literal value" if name_class == "secret" or _secret_shaped(text) else None


class PlaintextSecret(Rule):
    """A credential is written in plain text in a service's environment.

    ## What it does
    Reports environment variables that hold a credential written literally, in `environment`
    (mapping or `KEY=value` list) or in a file named by `env_file`, at the value itself (after the
    `=` of a list item). Also reports credentials passed on the command line of `command`,
    `entrypoint` and `healthcheck.test`: `--password x`, `--requirepass=x`, `PGPASSWORD=x psql`.
    The value is never printed. A value written once (an anchor, an `extends` base, a shared env
    file) is reported once, naming every service that gets it.

    Both the name and the value are judged:

    - a name that says it holds a credential (`PASSWORD`, `SECRET`, `TOKEN`, `API_KEY`,
      `PRIVATE_KEY`, `ENC_KEY`, `AES_KEY`, `ADMIN_KEY`, `*_PASS`...) is reported with any value that
      could be one;
    - a name only shaped like one (`*_KEY`, `*_AUTH`, PASS, SECRET or TOKEN inside a word:
      `REDISCLI_AUTH`, `LICENSE_KEY`, `DBPASS`) only with a secret-shaped value: 8 characters or more
      without spaces, letters with digits or mixed case, and 3 bits of entropy per character or
      more (`CACHE_KEY: default` and `SORT_KEY: created_at` are not);
    - a well-known default password (`postgres`, `changeme`, `example`, `neo4j/password` as
      `user/password`) is reported as one, whatever the shape: it is the password of every
      deployment that keeps the template's value.

    Never reported: values that cannot be a credential — placeholders (`user_provided`,
    `<your-token>`, `your_api_key`, `xxxx`), durations (`5m`), paths and references to a secret
    kept elsewhere (`/run/secrets/db`, `file://...`, `vault://...`), booleans and switches, numbers,
    e-mail addresses, URLs without credentials (those with one are `credentials-in-url`), empty
    values (`""` too); values taken from variables (`${DB_PASSWORD}`); settings about a secret
    rather than the secret (`TOKEN_TTL`, `PASSWORD_MIN_LENGTH`, `POSTGRES_PASSWORD_FILE`,
    `PASSWORD_RESET_TOKEN_EXPIRES_IN`); an escaped reference (`$${API_TOKEN}`, `$$REDIS_PASSWORD`
    in a command), which the container's shell or application expands. A lone `${VAR:-default}`
    with a literal default is reported, since the default is written in the file; `$$` is an
    escaped `$`, so `pa$$word` is a literal.

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
    fix_summary = "moving a secret out of the file needs a place to keep it: only you can choose one"
    severity = Severity.WARNING
    summary = "A credential is written in plain text in the environment"
    security_severity = 7.0

    def check(self, ctx: Context) -> Iterator[Violation]:
        # One finding per written value, naming every service that gets it (anchors, `extends`):
        # span -> (verb for one service, verb for several, what, services).
        found: dict[Span, tuple[str, str, str, list[str]]] = {}
        for service in ctx.project.services.values():
            for key, value, value_span, key_span in environment(service):
                name_class = _name_class(key)
                if name_class is None:
                    continue
                written, span = written_value(ctx, key, value, value_span, key_span)
                supplied = from_file(written)
                judged = _judged(name_class, supplied) if supplied is not None else None
                if judged is None:
                    continue
                default = ONLY_DEFAULT.fullmatch(written)
                how = f"{judged} as the default of ${{{default.group('name')}:-...}}" if default else judged
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
    name_class = "secret" if variable.upper() in _PASSWORD_FLAGS else _name_class(variable)
    if name_class is None:
        return None
    start = offset + len(name) + 1
    if flag and not equals:
        if following is None or following[0] != key or following[1].startswith("-"):
            return None
        _, value, span, start, text = following
    start += len(value) - len(value.lstrip("'\";"))
    value = value.strip("'\";")
    supplied = None if _RUNTIME_EXPANSION.search(value) else from_file(value)
    if supplied is not None and _judged(name_class, supplied) and not _CODE.search(supplied):
        return name, key, within_scalar(source_lines(ctx, span.path), span, text, start, len(value))
    return None
