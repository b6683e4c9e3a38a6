"""CL502 mutable-image-tag: an image tag names a moving channel such as latest."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import ClassVar

from composelint.finding import Severity, Violation
from composelint.rule import Context, Option, Rule
from composelint.rules.operations.common import as_written, pulled_image

_MUTABLE_TAGS = [
    "latest",
    "stable",
    "edge",
    "nightly",
    "dev",
    "develop",
    "main",
    "master",
    "test",
    "testing",
    "beta",
    "canary",
    "lts",
    "rolling",
    "current",
    "next",
    "unstable",
]


class MutableImageTag(Rule):
    """An image tag that moves: `latest`, `stable`, `nightly`, `main`...

    ## What it does
    Reports services that pull an image whose tag names a channel rather than a release: `latest`,
    `stable`, `edge`, `nightly`, `dev`, `main`, `master`, `beta`, `canary`, `lts` and others (option
    `tags`, compared without case), alone or with a variant suffix without digits (`stable-alpine`,
    `lts-slim`). A digest after the tag (`nginx:latest@sha256:...`) pins the image and passes; services
    that build their image are skipped, as are images that depend on an unset variable.

    ## Why is this bad?
    Such a tag points to a different image after every upstream release. A redeploy, a new machine or
    a cleaned image cache silently upgrades the service, sometimes across major versions, and a
    rollback has nothing to go back to.

    ## Example
    ```yaml
    services:
      cache:
        image: redis:latest
    ```

    ## Use instead
    ```yaml
    services:
      cache:
        image: redis:7.4.1
    ```
    """

    id = "CL502"
    name = "mutable-image-tag"
    fix_summary = "composelint cannot know which version a moving tag points at today: pin it yourself"
    severity = Severity.WARNING
    summary = "An image tag names a moving channel such as latest"
    options: ClassVar[Mapping[str, Option]] = {
        "tags": Option(list, _MUTABLE_TAGS, "tags that name a channel rather than a release"),
    }

    def check(self, ctx: Context) -> Iterator[Violation]:
        mutable = {str(tag).lower() for tag in ctx.options.get("tags", _MUTABLE_TAGS)}
        for service in ctx.project.services.values():
            pulled = pulled_image(service)
            if pulled is None:
                continue
            image, span = pulled
            if image.tag is None or image.digest is not None:
                continue
            channel, _, variant = image.tag.lower().partition("-")
            if channel in mutable and not any(ch.isdigit() for ch in variant):
                yield Violation(
                    span,
                    f"image {image.text} of service {service.name} uses the moving tag `{image.tag}`"
                    f"{as_written(service.image)}; pin a release tag (and a digest for reproducible deploys)",
                    service.name,
                )
