"""CL301 bind-mount-in-production: a production service bind-mounts a host path."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from typing import ClassVar

from composelint.finding import Severity, Violation
from composelint.project.model import Project, Service
from composelint.rule import Context, Option, Rule

_PRODUCTION_FILE = re.compile(r"(^|[._-])(prod|production)([._-]|$)", re.IGNORECASE)


def shown_host_path(path: str, project: Project) -> str:
    """A resolved host path as the user would write it: ./x below the project, ~/x below HOME."""
    relative = os.path.relpath(path, project.working_dir)
    if not relative.startswith(os.pardir):
        return "." if relative == "." else f"./{relative}"
    home = project.environment.get("HOME")
    if home and path.startswith(home.rstrip("/") + "/"):
        return "~/" + path[len(home.rstrip("/")) + 1 :]
    return path


def production_file(project: Project) -> str | None:
    """The first loaded file whose name marks production (`docker-compose.prod.yml`...), if any."""
    for path in project.config_files:
        if _PRODUCTION_FILE.search(os.path.basename(path).rsplit(".", 1)[0]):
            return os.path.basename(path)
    return None


def is_production(service: Service, project: Project, profiles: tuple[str, ...]) -> bool:
    return any(p in profiles for p in service.profiles) or production_file(project) is not None


_SOCKETS = re.compile(r"(docker|containerd|podman|crio|cri-dockerd)\.sock$")


class BindMountInProduction(Rule):
    """A production service mounts a directory or file of the host.

    ## What it does
    Reports bind mounts (short syntax with a path source, or long syntax `type: bind`) in production
    services: services whose profiles include `prod` or `production` (configurable with
    `production-profiles`), and every service of a project that loads a file named for production
    (`docker-compose.prod.yml`, `compose.production.yaml`...). Container-engine sockets are left to the
    security rules; `/etc/localtime` and `/etc/timezone` are allowed (option `allowed`).

    ## Why is this bad?
    A bind mount ties the container to one host's file layout and permissions, ships whatever is in
    that directory (often a developer checkout) and lets the container write to the host. Production
    data belongs in named volumes, configuration in images, `configs:` or `secrets:`.

    ## Example
    ```yaml
    services:
      app:
        image: example/app:2.1
        profiles: [prod]
        volumes: ["./src:/app/src"]
    ```

    ## Use instead
    ```yaml
    services:
      app:
        image: example/app:2.1
        profiles: [prod]
        volumes: ["app-data:/app/data"]
    volumes:
      app-data: {}
    ```
    """

    id = "CL301"
    name = "bind-mount-in-production"
    severity = Severity.WARNING
    summary = "A production service bind-mounts a host path"
    options: ClassVar[Mapping[str, Option]] = {
        "allowed": Option(list, ["/etc/localtime", "/etc/timezone"], "host paths that may be bind-mounted"),
    }

    def check(self, ctx: Context) -> Iterator[Violation]:
        allowed = set(ctx.options.get("allowed", ()))
        profiles = ctx.settings.production_profiles
        for service in ctx.project.services.values():
            if not is_production(service, ctx.project, profiles):
                continue
            for mount in service.mounts:
                if mount.type != "bind" or not mount.source:
                    continue
                if _SOCKETS.search(mount.source) or mount.source in allowed:
                    continue
                why = (
                    f"its profiles include {', '.join(p for p in service.profiles if p in profiles)}"
                    if any(p in profiles for p in service.profiles)
                    else f"the project loads {production_file(ctx.project)}"
                )
                yield Violation(
                    mount.span,
                    f"production service {service.name} bind-mounts host path "
                    f"{shown_host_path(mount.source, ctx.project)} at {mount.target} "
                    f"({why}); use a named volume, a config or the image instead",
                    service.name,
                )
