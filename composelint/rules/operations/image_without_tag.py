"""CL501 image-without-tag: an image is pulled without a tag."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.operations.common import as_written, pulled_image


class ImageWithoutTag(Rule):
    """An image is pulled without a tag, so Docker takes whatever `latest` is today.

    ## What it does
    Reports services that pull an image named without a tag or digest (`image: nginx`,
    `image: registry.example.com:5000/team/app`). Services that also have `build` are skipped: their
    `image` names what the build produces. A digest (`nginx@sha256:...`) is a pin and passes. An image
    written with variables is checked after interpolation; one that depends on an unset variable is
    left alone (its value is unknown), unlike dclint, which reports every `${IMAGE}`.

    ## Why is this bad?
    An untagged image means `:latest`: two machines running the same file can run different software,
    and an upstream release can break a deployment that nobody changed.

    ## Example
    ```yaml
    services:
      web:
        image: nginx
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27.3
    ```
    """

    id = "CL501"
    name = "image-without-tag"
    fix_summary = "composelint cannot know which version you run: pin the tag yourself"
    severity = Severity.WARNING
    summary = "An image is pulled without a tag"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            pulled = pulled_image(service)
            if pulled is None:
                continue
            image, span = pulled
            if image.tag is None and image.digest is None:
                yield Violation(
                    span,
                    f"image {image.text} of service {service.name} has no tag, so Docker pulls `latest`"
                    f"{as_written(service.image)}; pin a version",
                    service.name,
                )
