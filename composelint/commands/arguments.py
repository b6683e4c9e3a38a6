"""Reading the command line's values, shared by the commands."""

from __future__ import annotations


def split_commas(values: list[str] | None) -> tuple[str, ...]:
    """Repeatable options that also take comma-separated lists: `--select CL2,CL4 --select CL601`."""
    out: list[str] = []
    for value in values or ():
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return tuple(out)
