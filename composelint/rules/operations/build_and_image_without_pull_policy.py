"""CL511 build-and-image-without-pull-policy: a service has build and image but no pull_policy."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule


class BuildAndImageWithoutPullPolicy(Rule):
    """A service has both `build` and `image` but no `pull_policy`.

    ## What it does
    Reports services that set `build` and `image` without saying whether the image is to be built or
    pulled, at the `image`.

    ## Why is this bad?
    With both keys and no `pull_policy`, Compose first tries to pull `image` from the registry and
    builds only when the pull fails. If an image of that name exists upstream (a public `app`, `web`,
    `api`, or an older push of your own), it silently replaces your build. `pull_policy: build` always
    builds; `missing`, `always` or `never` state that the registry image is wanted.

    ## Example
    ```yaml
    services:
      web:
        build: .
        image: example/web:dev
    ```

    ## Use instead
    ```yaml
    services:
      web:
        build: .
        image: example/web:dev
        pull_policy: build
    ```
    """

    id = "CL511"
    name = "build-and-image-without-pull-policy"
    severity = Severity.WARNING
    summary = "A service has build and image but no pull_policy"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            if service.has_build and service.image and "pull_policy" not in service.config:
                yield Violation(
                    service.value_span("image") or service.span,
                    f"service {service.name} has both build and image {service.image}: Compose pulls the image "
                    "first and builds only if the pull fails; set pull_policy: build to always build it",
                    service.name,
                )
