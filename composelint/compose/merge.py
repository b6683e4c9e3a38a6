"""Merging compose documents as compose-go v2.9 does (override files, multi-document YAML, extends).

The rules live in compose-go `override/merge.go` and `override/uncity.go`: mappings merge
recursively, sequences append, scalars are replaced, and a few paths have special rules. ``!reset``
removes what earlier files defined, ``!override`` replaces it. Every value keeps the span of the file
where it was written, so a finding on a merged value points into the right file.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from composelint.compose.errors import ComposeError
from composelint.compose.span import Span
from composelint.compose.specs import SpecError, parse_volume, port_key
from composelint.compose.tree import OverrideTag, ResetTag, YMap, YSeq

Path = tuple[str, ...]
T = TypeVar("T")
_VALUE = object()  # the key of a pattern's value in its trie node (never a path segment)


class PathTable(Generic[T]):
    """Values by compose-go path pattern (``*`` matches any one segment), as a trie.

    Walkers keep the trie nodes of the path they are at (``step`` one segment at a time), so finding
    whether anything applies at or below a node costs a few dict lookups, whatever the file size.
    """

    __slots__ = ("root",)

    def __init__(self, entries: Iterable[tuple[tuple[str, ...], T]]) -> None:
        self.root: dict[Any, Any] = {}
        for pattern, value in entries:
            node = self.root
            for segment in pattern:
                node = node.setdefault(segment, {})
            node[_VALUE] = value

    def start(self) -> tuple[dict[Any, Any], ...]:
        return (self.root,)

    @staticmethod
    def step(nodes: tuple[dict[Any, Any], ...], segment: str) -> tuple[dict[Any, Any], ...]:
        """The trie nodes one segment further down (empty when no pattern goes that way)."""
        found = []
        for node in nodes:
            child = node.get(segment)
            if child is not None:
                found.append(child)
            if segment != "*":
                wildcard = node.get("*")
                if wildcard is not None:
                    found.append(wildcard)
        return tuple(found)

    @staticmethod
    def value(nodes: tuple[dict[Any, Any], ...]) -> T | None:
        for node in nodes:
            if _VALUE in node:
                return node[_VALUE]  # type: ignore[no-any-return]
        return None

    def lookup(self, path: Iterable[str]) -> T | None:
        nodes = self.start()
        for segment in path:
            nodes = self.step(nodes, segment)
            if not nodes:
                return None
        return self.value(nodes)


def dotted(path: Path) -> str:
    return ".".join(path)


def go_format(value: Any) -> str:
    """Go's ``fmt.Sprint`` of a scalar, as compose-go uses when turning mappings into KEY=VALUE."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "<nil>"
    if isinstance(value, float):
        return format_go_float(value)
    return str(value)


def format_go_float(value: float) -> str:
    """``strconv.FormatFloat(f, 'g', -1, 64)``: shortest digits, exponent form below 1e-4 or from 1e6."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if str(value).startswith("-") else "0"
    sign = "-" if value < 0 else ""
    mantissa, _, exp_text = f"{abs(value)!r}".partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    point = len(whole) + int(exp_text or 0) - (len(whole + frac) - len((whole + frac).lstrip("0")))
    digits = digits.rstrip("0") or "0"
    exponent = point - 1
    # With the shortest precision, Go's %g decides on an exponent of -4 and precision 6.
    if exponent < -4 or exponent >= 6:
        tail = f".{digits[1:]}" if len(digits) > 1 else ""
        return f"{sign}{digits[0]}{tail}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return f"{sign}{digits}{'0' * (point - len(digits))}"
    return f"{sign}{digits[:point]}.{digits[point:]}"


# ---------------------------------------------------------------------------------------------------
# Tag stripping: what a document means on its own (no earlier file to reset or override).


def strip_tags(value: Any) -> Any:
    """Drop ``!reset`` entries and unwrap ``!override`` values, recursively."""
    if isinstance(value, OverrideTag):
        return strip_tags(value.value)
    if isinstance(value, YMap):
        if not _has_tags(value):
            return value
        out = YMap(value.span)
        for key, item, key_span, value_span in value.items_with_spans():
            if isinstance(item, ResetTag):
                continue
            out.put(key, strip_tags(item), key_span, value_span)
        return out
    if isinstance(value, YSeq):
        if not _has_tags(value):
            return value
        return YSeq(
            value.span,
            (
                (strip_tags(item), span)
                for item, span in value.items_with_spans()
                if not isinstance(item, ResetTag)
            ),
        )
    return value


def _has_tags(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, (ResetTag, OverrideTag)):
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


# ---------------------------------------------------------------------------------------------------
# Conversions used by the special merge rules. ``span`` is where the converted value was written.


def to_sequence(value: Any, span: Span) -> YSeq:
    """compose-go convertIntoSequence: a mapping becomes sorted ``KEY=VALUE`` strings."""
    if isinstance(value, YMap):
        items: list[tuple[str, Span]] = []
        for key, item, key_span, value_span in value.items_with_spans():
            if isinstance(item, ResetTag):
                continue
            item = strip_tags(item)
            if item is None:
                items.append((key, key_span))
            elif isinstance(item, YSeq):
                items.extend(
                    (f"{key}={go_format(element)}", element_span)
                    for element, element_span in item.items_with_spans()
                )
            else:
                items.append((f"{key}={go_format(item)}", value_span))
        items.sort(key=lambda pair: pair[0])
        return YSeq(value.span, items)
    if isinstance(value, YSeq):
        return strip_tags(value)  # type: ignore[no-any-return]
    if isinstance(value, str):
        return YSeq(span, [(value, span)])
    return YSeq(span)


def to_mapping(value: Any, span: Span, default: dict[str, Any] | None) -> YMap:
    """compose-go convertIntoMapping: a list of names becomes a mapping (to ``default`` or null)."""
    if isinstance(value, YMap):
        return value
    out = YMap(value.span if isinstance(value, YSeq) else span)
    if isinstance(value, YSeq):
        for item, item_span in value.items_with_spans():
            if isinstance(item, str):
                entry: Any = None
                if default is not None:
                    entry = YMap(item_span)
                    for key, val in default.items():
                        entry.put(key, val, item_span, item_span)
                out.put(item, entry, item_span, item_span)
    return out


# ---------------------------------------------------------------------------------------------------
# The merge itself. A merger gets both values and the spans where each was written.

Merger = Callable[[Any, Any, Path, Span, Span], Any]

_DEPENDS_ON_DEFAULT = {"condition": "service_started", "required": True}


def _merge_override(_base: Any, override: Any, _path: Path, _bs: Span, _os: Span) -> Any:
    return strip_tags(override)


def _merge_to_sequence(base: Any, override: Any, _path: Path, base_span: Span, override_span: Span) -> Any:
    left = to_sequence(base, base_span)
    right = to_sequence(override, override_span)
    removed = (
        {key for key, item in override.items() if isinstance(item, ResetTag)}
        if isinstance(override, YMap)
        else set()
    )
    out = YSeq(left.span)
    for item, span in left.items_with_spans():
        if removed and isinstance(item, str) and item.split("=", 1)[0] in removed:
            continue
        out.push(item, span)
    for item, span in right.items_with_spans():
        out.push(item, span)
    return out


def _merge_extra_hosts(base: Any, override: Any, _path: Path, base_span: Span, override_span: Span) -> Any:
    left = to_sequence(base, base_span)
    out = left.copy()
    for item, span in to_sequence(override, override_span).items_with_spans():
        if item not in left:
            out.push(item, span)
    return out


def _merge_depends_on(base: Any, override: Any, path: Path, base_span: Span, override_span: Span) -> Any:
    return _merge_mappings(
        to_mapping(base, base_span, _DEPENDS_ON_DEFAULT),
        to_mapping(override, override_span, _DEPENDS_ON_DEFAULT),
        path,
    )


def _merge_networks(base: Any, override: Any, path: Path, base_span: Span, override_span: Span) -> Any:
    return _merge_mappings(to_mapping(base, base_span, None), to_mapping(override, override_span, None), path)


def _to_build(value: Any, span: Span) -> YMap:
    if isinstance(value, YMap):
        return value
    out = YMap(span)
    if isinstance(value, str):
        out.put("context", value, span, span)
    return out


def _merge_build(base: Any, override: Any, path: Path, base_span: Span, override_span: Span) -> Any:
    return _merge_mappings(_to_build(base, base_span), _to_build(override, override_span), path)


def _merge_logging(base: Any, override: Any, path: Path, _bs: Span, _os: Span) -> Any:
    if not isinstance(base, YMap) or not isinstance(override, YMap):
        return strip_tags(override)
    if "driver" not in override or "driver" not in base or override["driver"] == base["driver"]:
        return _merge_mappings(base, override, path)
    return strip_tags(override)


def _merge_ipam_config(base: Any, override: Any, path: Path, base_span: Span, override_span: Span) -> Any:
    if not isinstance(base, YSeq) or not isinstance(override, YSeq):
        return strip_tags(override)
    result = YSeq(base.span)
    for original, original_span in base.items_with_spans():
        right = to_mapping(original, original_span, None)
        for entry, entry_span in override.items_with_spans():
            left = to_mapping(strip_tags(entry), entry_span, None)
            if left.get("subnet") != right.get("subnet"):
                if not any(isinstance(r, dict) and r.get("subnet") == left.get("subnet") for r in result):
                    result.push(left, entry_span)
                continue
            merged = _merge_mappings(right, left, path)
            for index, existing in enumerate(result):
                if isinstance(existing, dict) and existing.get("subnet") == merged.get("subnet"):
                    result[index] = merged
                    break
            else:
                result.push(merged, entry_span)
    return result


_SPECIALS: PathTable[Merger] = PathTable(
    (
        (("networks", "*", "ipam", "config"), _merge_ipam_config),
        (("networks", "*", "labels"), _merge_to_sequence),
        (("volumes", "*", "labels"), _merge_to_sequence),
        (("services", "*", "annotations"), _merge_to_sequence),
        (("services", "*", "build"), _merge_build),
        (("services", "*", "build", "args"), _merge_to_sequence),
        (("services", "*", "build", "additional_contexts"), _merge_to_sequence),
        (("services", "*", "build", "extra_hosts"), _merge_extra_hosts),
        (("services", "*", "build", "labels"), _merge_to_sequence),
        (("services", "*", "command"), _merge_override),
        (("services", "*", "depends_on"), _merge_depends_on),
        (("services", "*", "deploy", "labels"), _merge_to_sequence),
        (("services", "*", "dns"), _merge_to_sequence),
        (("services", "*", "dns_opt"), _merge_to_sequence),
        (("services", "*", "dns_search"), _merge_to_sequence),
        (("services", "*", "entrypoint"), _merge_override),
        (("services", "*", "env_file"), _merge_to_sequence),
        (("services", "*", "label_file"), _merge_to_sequence),
        (("services", "*", "environment"), _merge_to_sequence),
        (("services", "*", "extra_hosts"), _merge_extra_hosts),
        (("services", "*", "healthcheck", "test"), _merge_override),
        (("services", "*", "labels"), _merge_to_sequence),
        (("services", "*", "volumes", "*", "volume", "labels"), _merge_to_sequence),
        (("services", "*", "logging"), _merge_logging),
        (("services", "*", "models"), _merge_networks),
        (("services", "*", "networks"), _merge_networks),
        (("services", "*", "sysctls"), _merge_to_sequence),
        (("services", "*", "tmpfs"), _merge_to_sequence),
        # compose-go mergeUlimit: the override entry replaces the base entry.
        (("services", "*", "ulimits", "*"), _merge_override),
    )
)


def merge_values(base: Any, override: Any, path: Path, base_span: Span, override_span: Span) -> Any:
    """compose-go MergeYaml: merge ``override`` onto ``base`` (neither is modified)."""
    if isinstance(override, OverrideTag):
        return strip_tags(override.value)
    merger = _SPECIALS.lookup(path)
    if merger is not None:
        return merger(base, override, path, base_span, override_span)
    if override is None:
        return base
    if isinstance(base, YMap):
        if not isinstance(override, YMap):
            raise ComposeError(f"cannot override {dotted(path)}", override_span, "invalid-config")
        return _merge_mappings(base, override, path)
    if isinstance(base, YSeq):
        if not isinstance(override, YSeq):
            raise ComposeError(f"cannot override {dotted(path)}", override_span, "invalid-config")
        out = base.copy()
        for item, span in strip_tags(override).items_with_spans():
            out.push(item, span)
        return out
    return strip_tags(override)


def _merge_mappings(base: YMap, override: YMap, path: Path) -> YMap:
    out = base.copy()
    for key, value, key_span, value_span in override.items_with_spans():
        if isinstance(value, ResetTag):
            out.remove(key)
            continue
        if key not in out:
            out.put(key, strip_tags(value), key_span, value_span)
            continue
        merged = merge_values(out[key], value, (*path, key), out.value_span(key), value_span)
        # A value that stayed the base's keeps the base's spans (override null keeps the base).
        if merged is out[key]:
            continue
        out.put(key, merged, key_span, value_span)
    return out


def merge_documents(base: YMap | None, override: YMap) -> YMap:
    """Merge one more compose document onto what earlier files and documents defined."""
    if base is None:
        return strip_tags(override)  # type: ignore[no-any-return]
    return _merge_mappings(base, override, ())


def extend_service(base: YMap, service: YMap) -> YMap:
    """compose-go ExtendService: the local definition merged onto the extended one."""
    return _merge_mappings(base, service, ("services", "x"))


# ---------------------------------------------------------------------------------------------------
# Unicity: a later item with the same key replaces the earlier one in place.

Indexer = Callable[[Any], str | None]


def _key_value_index(item: Any) -> str | None:
    return item.split("=", 1)[0] if isinstance(item, str) else None


def _volume_index(item: Any) -> str | None:
    if isinstance(item, dict):
        target = item.get("target")
        return target if isinstance(target, str) else None
    if isinstance(item, str):
        return _short_volume_target(str(item))
    return None


@functools.lru_cache(maxsize=1024)
def _short_volume_target(spec: str) -> str | None:
    # Parsed again by canonicalization; the same specs recur across files and documents.
    try:
        target = parse_volume(spec).get("target")
    except SpecError:
        return None
    return target if isinstance(target, str) else None


def _device_index(item: Any) -> str | None:
    if isinstance(item, dict):
        target = item.get("target")
        return target if isinstance(target, str) else None
    if isinstance(item, str):
        parts = item.split(":")
        return parts[0] if len(parts) == 1 else parts[1]
    return None


def _expose_index(item: Any) -> str | None:
    if isinstance(item, bool):
        return None
    if isinstance(item, (str, int)):
        return str(item)
    return None


def _mount_index(default_dir: str) -> Indexer:
    def index(item: Any) -> str | None:
        if isinstance(item, str):
            return f"{default_dir}/{item}"
        if isinstance(item, dict):
            target = item.get("target")
            if target is not None:
                return str(target)
            return f"{default_dir}/{item.get('source')}"
        return None

    return index


def _port_index(item: Any) -> str | None:
    if isinstance(item, bool):
        return None
    if isinstance(item, int):
        return str(item)
    if isinstance(item, str):
        return item
    if isinstance(item, dict):
        if "target" not in item:
            return None
        return port_key(item)
    return None


def _env_file_index(item: Any) -> str | None:
    if isinstance(item, str):
        return item
    if isinstance(item, dict):
        path = item.get("path")
        return path if isinstance(path, str) else None
    return None


_UNIQUE: PathTable[Indexer] = PathTable(
    (
        (("networks", "*", "labels"), _key_value_index),
        (("networks", "*", "ipam", "options"), _key_value_index),
        (("services", "*", "annotations"), _key_value_index),
        (("services", "*", "build", "args"), _key_value_index),
        (("services", "*", "build", "additional_contexts"), _key_value_index),
        (("services", "*", "build", "platform"), _key_value_index),
        (("services", "*", "build", "tags"), _key_value_index),
        (("services", "*", "build", "labels"), _key_value_index),
        (("services", "*", "cap_add"), _key_value_index),
        (("services", "*", "cap_drop"), _key_value_index),
        (("services", "*", "configs"), _mount_index("")),
        (("services", "*", "deploy", "labels"), _key_value_index),
        (("services", "*", "dns"), _key_value_index),
        (("services", "*", "dns_opt"), _key_value_index),
        (("services", "*", "dns_search"), _key_value_index),
        (("services", "*", "environment"), _key_value_index),
        (("services", "*", "env_file"), _env_file_index),
        (("services", "*", "expose"), _expose_index),
        (("services", "*", "labels"), _key_value_index),
        (("services", "*", "links"), _key_value_index),
        (("services", "*", "networks", "*", "aliases"), _key_value_index),
        (("services", "*", "networks", "*", "link_local_ips"), _key_value_index),
        (("services", "*", "ports"), _port_index),
        (("services", "*", "profiles"), _key_value_index),
        (("services", "*", "secrets"), _mount_index("/run/secrets")),
        (("services", "*", "sysctls"), _key_value_index),
        (("services", "*", "tmpfs"), _key_value_index),
        (("services", "*", "volumes"), _volume_index),
        (("services", "*", "devices"), _device_index),
    )
)


def _unique_seq(seq: YSeq, indexer: Indexer) -> YSeq:
    # Most sequences hold no duplicate: they are kept as they are, and so are the maps above them.
    seen: set[str] = set()
    for item in seq:
        key = indexer(item)
        if key is not None:
            if key in seen:
                break
            seen.add(key)
    else:
        return seq
    out = YSeq(seq.span)
    positions: dict[str, int] = {}
    for item, span in seq.items_with_spans():
        key = indexer(item)
        if key is not None and key in positions:
            index = positions[key]
            out[index] = item
            out.item_spans[index] = span
            continue
        if key is not None:
            positions[key] = len(out)
        out.push(item, span)
    return out


def enforce_unicity(model: YMap) -> YMap:
    """compose-go EnforceUnicity on the paths that hold keyed sequences."""
    return _unique_in(model, _UNIQUE.start())


def _unique_in(node: YMap, nodes: tuple[dict[Any, Any], ...]) -> YMap:
    out: YMap | None = None
    for key, value in node.items():
        if not isinstance(value, (YMap, YSeq)):
            continue
        below = PathTable.step(nodes, key)
        if not below:
            continue
        new_value = value
        if isinstance(value, YSeq):
            indexer = PathTable.value(below)
            if indexer is not None:
                new_value = _unique_seq(value, indexer)
        else:
            new_value = _unique_in(value, below)
        if new_value is not value:
            if out is None:
                out = node.copy()
            out[key] = new_value
    return node if out is None else out
