"""CL423 database-auth-disabled: a data service runs without authentication."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from composelint.compose.span import Span, within_scalar
from composelint.finding import Severity, Violation
from composelint.project.model import Service
from composelint.rule import Context, Rule
from composelint.rules.security.common import command_texts, environment, source_lines, written_value

_YES = frozenset({"yes", "true", "1", "on", "y"})
_FALSE_WORDS = frozenset({"no", "false", "0", "off", "n"})


def _any_value(value: str) -> str | None:
    """The official MySQL and MariaDB images test these variables for being non-empty: `no` counts."""
    if not value.strip():
        return None
    note = " (the image only tests that it is not empty)" if value.strip().lower() in _FALSE_WORDS else ""
    return f"allows an empty root password{note}"


# Variable -> what its value does to authentication (None: it does not turn it off).
_SWITCHES: dict[str, Callable[[str], str | None]] = {
    "MYSQL_ALLOW_EMPTY_PASSWORD": _any_value,
    "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD": _any_value,
    "MARIADB_ALLOW_EMPTY_PASSWORD": _any_value,
    "ALLOW_EMPTY_PASSWORD": lambda v: "allows an empty password" if v.strip().lower() in _YES else None,
    "POSTGRES_HOST_AUTH_METHOD": lambda v: (
        "accepts every connection without a password" if v.strip().lower() == "trust" else None
    ),
    "NEO4J_AUTH": lambda v: "turns authentication off" if v.strip().lower() == "none" else None,
    "XPACK.SECURITY.ENABLED": lambda v: "turns security off" if v.strip().lower() == "false" else None,
    "DISABLE_SECURITY_PLUGIN": lambda v: (
        "turns the security plugin off" if v.strip().lower() == "true" else None
    ),
    "PLUGINS.SECURITY.DISABLED": lambda v: (
        "turns the security plugin off" if v.strip().lower() == "true" else None
    ),
}
# Command-line switches: `mongod --noauth`, `redis-server --protected-mode no`, `-Expack.security.enabled=false`.
_COMMAND_SWITCHES = re.compile(
    r"--noauth\b|--protected-mode[= ]+no\b|-E\s*xpack\.security\.enabled=false\b|--skip-grant-tables\b"
)
# Kinds that accept anyone unless given a password: only reported when published.
_OPEN_BY_DEFAULT = {
    "redis": (
        "no password (--requirepass, REDIS_PASSWORD)",
        ("REDIS_PASSWORD", "REDIS_ARGS", "VALKEY_PASSWORD"),
    ),
    "valkey": (
        "no password (--requirepass, VALKEY_PASSWORD)",
        ("VALKEY_PASSWORD", "REDIS_PASSWORD", "VALKEY_EXTRA_FLAGS"),
    ),
    "keydb": ("no password (--requirepass)", ("KEYDB_PASSWORD",)),
    "dragonfly": ("no password (--requirepass, DFLY_requirepass)", ("DFLY_requirepass", "DFLY_REQUIREPASS")),
    "mongo": (
        "no root user (MONGO_INITDB_ROOT_USERNAME)",
        ("MONGO_INITDB_ROOT_USERNAME", "MONGODB_ROOT_PASSWORD"),
    ),
    "mongodb": (
        "no root user (MONGODB_ROOT_PASSWORD)",
        ("MONGODB_ROOT_PASSWORD", "MONGO_INITDB_ROOT_USERNAME"),
    ),
    "memcached": ("no authentication at all (memcached has none without SASL)", ()),
}
_COMMAND_EFFECTS = {
    "--noauth": "turns authentication off",
    "--protected-mode": "lets clients from other hosts in without a password",
    "--skip-grant-tables": "lets anyone in as any user",
    "-E": "turns security off",
}
_PASSWORD_FLAGS = re.compile(r"--requirepass\b|--auth\b|--keyFile\b|--sasl|-S\b|--aclfile\b")


def _published(service: Service) -> str | None:
    """How the service is open beyond loopback (`port 6379/tcp on all interfaces`), else None."""
    if service.network_mode == "host":
        return "runs with network_mode: host"
    if (service.network_mode or "").startswith(("service:", "container:")):
        return None
    for port in service.ports:
        if not port.is_loopback and port.target is not None:
            where = (
                f"on {port.host_ip}" if port.host_ip and not port.on_all_interfaces else "on all interfaces"
            )
            return f"publishes port {port.target}/{port.protocol} {where}"
    return None


class DatabaseAuthDisabled(Rule):
    """A database, cache or search engine runs without authentication.

    ## What it does
    Reports data services (recognised as `exposed-database` does) whose configuration turns
    authentication off, at the setting:

    - `MYSQL_ALLOW_EMPTY_PASSWORD`, `MARIADB_ALLOW_EMPTY_ROOT_PASSWORD` with any non-empty value
      (the images test for non-empty: `"no"` turns it on too) and no root password;
    - `ALLOW_EMPTY_PASSWORD=yes` (Bitnami images), `POSTGRES_HOST_AUTH_METHOD=trust`,
      `NEO4J_AUTH=none`, `xpack.security.enabled=false` (Elasticsearch), `DISABLE_SECURITY_PLUGIN`
      or `plugins.security.disabled` (OpenSearch);
    - `mongod --noauth`, `redis-server --protected-mode no`, `mysqld --skip-grant-tables`,
      `-Expack.security.enabled=false` on the command line.

    A warning, and an error when the service is published beyond loopback (or runs on the host's
    network). Redis, Valkey, KeyDB, Dragonfly, MongoDB and memcached accept anyone unless given a
    password or a root user; without one they are reported only when published beyond loopback, at
    the image, since on an internal network that is how most stacks run them.

    ## Why is this bad?
    Without authentication, every container on the same network — and with a published port,
    anyone on the internet — reads and rewrites the data. A compromised neighbour (a web app with a
    server-side request forgery bug) is enough; open Redis instances are also a known way to get
    code execution on the host.

    ## Example
    ```yaml
    services:
      db:
        image: postgres:16.4
        environment:
          POSTGRES_HOST_AUTH_METHOD: trust
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
        file: ./db_password.txt
    ```
    """

    id = "CL423"
    name = "database-auth-disabled"
    severity = Severity.WARNING
    summary = "A data service runs without authentication"
    security_severity = 8.1

    def check(self, ctx: Context) -> Iterator[Violation]:
        policy = ctx.data_services
        for service in ctx.project.services.values():
            if not policy.is_data_service(service):
                continue
            who = f"{policy.kind(service)} service {service.name}{policy.why(service)}"
            published = _published(service)
            severity = Severity.ERROR if published else None
            worse = f", and it {published}: anyone who reaches the host gets in" if published else ""
            found = False
            for span, does in _switched_off(ctx, service):
                found = True
                yield Violation(
                    span,
                    f"{who} {does}{worse}; set a password (with secrets:) instead",
                    service.name,
                    severity,
                )
            if found or not published:
                continue
            missing = _OPEN_BY_DEFAULT.get(policy.kind(service))
            if missing is not None and not _has_credentials(service, missing[1]):
                yield Violation(
                    service.value_span("image") or service.span,
                    f"{who} has {missing[0]} and {published}: anyone who reaches the host reads and writes "
                    "its data; set a password and bind the port to 127.0.0.1",
                    service.name,
                    Severity.ERROR,
                )


_EMPTY_ROOT = frozenset(
    {"MYSQL_ALLOW_EMPTY_PASSWORD", "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", "MARIADB_ALLOW_EMPTY_PASSWORD"}
)
_ROOT_PASSWORDS = (
    "MYSQL_ROOT_PASSWORD",
    "MARIADB_ROOT_PASSWORD",
    "MYSQL_ROOT_PASSWORD_FILE",
    "MARIADB_ROOT_PASSWORD_FILE",
)


def _switched_off(ctx: Context, service: Service) -> Iterator[tuple[Span, str]]:
    """Where and how the service's environment or command line turns authentication off."""
    root_password = any((service.environment.get(k) or "").strip() for k in _ROOT_PASSWORDS)
    for key, value, value_span, key_span in environment(service):
        judge = _SWITCHES.get(key.upper())
        if judge is None or (root_password and key.upper() in _EMPTY_ROOT):
            continue  # with a root password set, the image ignores the empty-password switch
        does = judge(value)
        if does:
            _, span = written_value(ctx, key, value, value_span, key_span)
            yield span, f"sets {key}={value}, which {does}"
    with_password = any(_PASSWORD_FLAGS.search(text) for text in service.command_strings())
    for _, text, span in command_texts(ctx, service):
        match = _COMMAND_SWITCHES.search(text)
        if match and not (with_password and "protected-mode" in match.group()):
            flag = " ".join(match.group().split())
            where = within_scalar(source_lines(ctx, span.path), span, text, match.start(), len(match.group()))
            does = next(d for f, d in _COMMAND_EFFECTS.items() if flag.startswith(f))
            yield where, f"runs with {flag}, which {does}"
            return


def _has_credentials(service: Service, variables: tuple[str, ...]) -> bool:
    if any((service.environment.get(v) or "").strip() for v in variables):
        return True
    return any(_PASSWORD_FLAGS.search(text) for text in service.command_strings())
