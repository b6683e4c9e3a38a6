"""CL503 image-not-pinned-by-digest: an image is not pinned by digest."""

from __future__ import annotations

from collections.abc import Iterator

from composelint.finding import Severity, Violation
from composelint.rule import Context, Rule
from composelint.rules.operations.common import as_written, pulled_image


class ImageNotPinnedByDigest(Rule):
    """An image is pulled by tag only, not pinned by digest.

    ## What it does
    Reports services that pull an image without a `@sha256:...` digest. Services that build their
    image are skipped, as are images that depend on an unset variable. Off by default: enable it where
    deployments must be reproducible byte for byte (supply-chain policies, regulated environments).

    ## Why is this bad?
    Tags are mutable even when they look like versions: a publisher (or an attacker with the
    publisher's credentials) can push a different image under `1.27.3`. Only a digest names exactly
    one image.

    ## Example
    ```yaml
    services:
      web:
        image: nginx:1.27.3
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27.3@sha256:4f2c4e1b8a4a5b1f0f3c9e6c2a7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9
    ```
    """

    id = "CL503"
    name = "image-not-pinned-by-digest"
    fix_summary = "the digest is known only to the registry, which composelint never contacts"
    severity = Severity.WARNING
    summary = "An image is not pinned by digest"
    enabled_by_default = False

    def check(self, ctx: Context) -> Iterator[Violation]:
        for service in ctx.project.services.values():
            pulled = pulled_image(service)
            if pulled is None:
                continue
            image, span = pulled
            if image.digest is None:
                yield Violation(
                    span,
                    f"image {image.text} of service {service.name} is not pinned by digest{as_written(service.image)}; "
                    "append @sha256:<digest> so every pull gets the same image",
                    service.name,
                )
