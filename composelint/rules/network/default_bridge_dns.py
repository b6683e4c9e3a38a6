"""CL207 default-bridge-dns: services on the default bridge network address each other by name."""

from __future__ import annotations

import re
from collections.abc import Iterator

from composelint.compose.span import Span
from composelint.compose.tree import YSeq
from composelint.finding import Severity, Violation
from composelint.project.model import Service
from composelint.rule import Context, Rule

# -- the default bridge network --------------------------------------------------------------------

# A name used as a host: in a URL ("postgres://app@db/x", "http://db"), before a port ("db:5432"),
# or as the whole value of a variable whose name says it holds a host (DB_HOST: db).
_HOST_KEY = re.compile(
    r"HOST|ADDR|SERVER|SERVICE|URL|URI|DSN|ENDPOINT|BROKER|UPSTREAM|BACKEND", re.IGNORECASE
)


def _addressed_by_name(text: str, name: str, host_key: bool) -> bool:
    if host_key and text.strip() == name:
        return True
    as_host = (
        rf"(?:(?<=//)|(?<=@)){re.escape(name)}(?=$|[:/?#\s,;'\"])|(?<![\w.-]){re.escape(name)}(?=:[0-9])"
    )
    return re.search(as_host, text) is not None


def _texts_with_spans(service: Service) -> Iterator[tuple[str, str, Span, bool]]:
    """(where, text, span, holds a host) for each environment value, the command and the entrypoint."""
    for key, value in service.environment.items():
        if value:
            span = service.value_span("environment", key) or service.span
            yield f"environment {key}", value, span, _HOST_KEY.search(key) is not None
    for key in ("command", "entrypoint"):
        value = service.config.get(key)
        words = [value] if isinstance(value, str) else value if isinstance(value, YSeq) else []
        text = " ".join(w for w in words if isinstance(w, str))
        if text:
            yield key, text, service.value_span(key) or service.span, False


def _names(service: Service) -> list[str]:
    return [service.name] + ([service.container_name] if service.container_name else [])


class DefaultBridgeDns(Rule):
    """Services on the default `bridge` network address each other by name.

    ## What it does
    Reports a service that uses another service's name (or `container_name`) as a host name in its
    environment, command or entrypoint (in a URL such as `postgres://app@db/app`, before a port as in
    `db:5432`, or as the whole value of a variable named like `DB_HOST` or `REDIS_URL`) when either
    of them runs with `network_mode: bridge` and no `links` entry connects them. Reported where the
    name is written.

    ## Why is this bad?
    `network_mode: bridge` puts the container on Docker's default `docker0` network, which has no
    DNS for container names: `db` does not resolve and the connection fails at runtime. A container on
    the default bridge also cannot reach names on the project's networks. Compose's own per-project
    network (what you get without `network_mode`) has DNS (CIS Docker Benchmark 5.29).

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.1
        network_mode: bridge
        environment:
          DB_HOST: db
      db:
        image: postgres:16.4
        network_mode: bridge
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.1
        environment:
          DB_HOST: db
      db:
        image: postgres:16.4
    ```
    """

    id = "CL207"
    name = "default-bridge-dns"
    severity = Severity.WARNING
    summary = "Services on the default bridge network address each other by name"

    def check(self, ctx: Context) -> Iterator[Violation]:
        services = ctx.project.services
        on_bridge = {name for name, s in services.items() if s.network_mode == "bridge"}
        if not on_bridge:
            return
        for user in services.values():
            linked = {d.service for d in user.depends_on if d.kind == "links"}
            for where, text, span, host_key in _texts_with_spans(user):
                for target in services.values():
                    if target.name == user.name or target.name in linked:
                        continue
                    if user.name not in on_bridge and target.name not in on_bridge:
                        continue
                    name = next((n for n in _names(target) if _addressed_by_name(text, n, host_key)), None)
                    if name is None:
                        continue
                    bridged = user.name if user.name in on_bridge else target.name
                    yield Violation(
                        span,
                        f"service {user.name} addresses {target.name} as `{name}` in its {where}, but {bridged} "
                        "runs on the default bridge network (network_mode: bridge), where container names do not "
                        "resolve; drop network_mode so both use the project network",
                        user.name,
                    )
                    break
