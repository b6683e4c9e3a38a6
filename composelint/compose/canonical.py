"""From what the user wrote to Compose's canonical model: type casts, long syntax, defaults, normalization.

Mirrors compose-go v2.9 (`loader/interpolate.go` casts, `transform/`, `loader/normalize.go`,
`paths/resolve.go`). Every function works on value trees and keeps spans: a port written as
``"8080:80"`` becomes a mapping whose every key points at that string. Problems a user can cause are
returned as ``ComposeError`` lists, never raised, so one bad entry does not hide the rest.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from composelint.compose.errors import ComposeError
from composelint.compose.limits import DEFAULT_LIMITS
from composelint.compose.merge import Path, PathTable, go_format
from composelint.compose.span import Span
from composelint.compose.specs import (
    RangeTooLarge,
    SpecError,
    clean_path,
    go_parse_float,
    parse_bytes,
    parse_duration,
    parse_port,
    parse_volume,
    split_command,
)
from composelint.compose.tree import IStr, YMap, YSeq

Errors = list[ComposeError]
_DECIMAL = re.compile(r"[+-]?[0-9]+")

# Mappings whose keys are names (variables, labels, networks, services...), not the fields of a
# structure: every entry is the user's, and `docker compose config` prints them only when not empty.
NAMED_MAPPINGS = frozenset(
    {"additional_contexts", "annotations", "args", "aux_addresses", "depends_on", "driver_opts"}
    | {"environment", "labels", "models", "networks", "options", "ssh", "storage_opt", "sysctls"}
    | {"ulimits"}
)


def from_plain(value: Any, span: Span) -> Any:
    """A plain dict/list (from the spec parsers) as a tree whose every node points at ``span``."""
    if isinstance(value, dict):
        out = YMap(span)
        for key, item in value.items():
            out.put(key, from_plain(item, span), span, span)
        return out
    if isinstance(value, list):
        return YSeq(span, ((from_plain(item, span), span) for item in value))
    return value


# ---------------------------------------------------------------------------------------------------
# Type casts applied after interpolation (compose-go interpolateTypeCastMapping).


def _to_int(text: str) -> int:
    # Go strconv.Atoi / ParseInt(s, 10, 64): optional sign and decimal digits, nothing else.
    if not _DECIMAL.fullmatch(text):
        raise ValueError(f"invalid number: {text}")
    return int(text)


def _to_float(text: str) -> float:
    try:
        return go_parse_float(text)
    except SpecError:
        raise ValueError(f"invalid number: {text}") from None


def _to_bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("true", "y", "yes", "on"):
        return True
    if lowered in ("false", "n", "no", "off"):
        return False
    raise ValueError(f"invalid boolean: {text}")


_SERVICE_CASTS: tuple[tuple[tuple[str, ...], Callable[[str], Any]], ...] = (
    (("cpu_count",), _to_int),
    (("cpu_percent",), _to_float),
    (("cpu_period",), _to_int),
    (("cpu_quota",), _to_int),
    (("cpu_rt_period",), _to_int),
    (("cpu_rt_runtime",), _to_int),
    (("cpus",), _to_float),
    (("cpu_shares",), _to_int),
    (("init",), _to_bool),
    (("deploy", "replicas"), _to_int),
    (("deploy", "update_config", "parallelism"), _to_int),
    (("deploy", "update_config", "max_failure_ratio"), _to_float),
    (("deploy", "rollback_config", "parallelism"), _to_int),
    (("deploy", "rollback_config", "max_failure_ratio"), _to_float),
    (("deploy", "restart_policy", "max_attempts"), _to_int),
    (("deploy", "placement", "max_replicas_per_node"), _to_int),
    (("healthcheck", "retries"), _to_int),
    (("healthcheck", "disable"), _to_bool),
    (("oom_kill_disable",), _to_bool),
    (("oom_score_adj",), _to_int),
    (("pids_limit",), _to_int),
    (("ports", "[]", "target"), _to_int),
    (("privileged",), _to_bool),
    (("read_only",), _to_bool),
    (("scale",), _to_int),
    (("stdin_open",), _to_bool),
    (("tty",), _to_bool),
    (("ulimits", "*"), _to_int),
    (("ulimits", "*", "hard"), _to_int),
    (("ulimits", "*", "soft"), _to_int),
    (("volumes", "[]", "read_only"), _to_bool),
    (("volumes", "[]", "volume", "nocopy"), _to_bool),
)
_CASTS: tuple[tuple[tuple[str, ...], Callable[[str], Any]], ...] = (
    *((("services", "*", *path), fn) for path, fn in _SERVICE_CASTS),
    (("networks", "*", "external"), _to_bool),
    (("networks", "*", "internal"), _to_bool),
    (("networks", "*", "attachable"), _to_bool),
    (("networks", "*", "enable_ipv4"), _to_bool),
    (("networks", "*", "enable_ipv6"), _to_bool),
    (("volumes", "*", "external"), _to_bool),
    (("secrets", "*", "external"), _to_bool),
    (("configs", "*", "external"), _to_bool),
)
_CAST_TABLE: PathTable[Callable[[str], Any]] = PathTable(_CASTS)


def cast_types(doc: YMap) -> tuple[YMap, Errors]:
    """Cast strings at typed paths (``privileged: "true"``, ``published: "${P}"``...) like Compose."""
    errors: Errors = []

    def visit(node: YMap | YSeq, path: Path, nodes: tuple[dict[Any, Any], ...]) -> Any:
        entries: Any = (
            ((key, value, node.value_span(key)) for key, value in node.items())
            if isinstance(node, YMap)
            else ((index, value, span) for index, (value, span) in enumerate(node.items_with_spans()))
        )
        out: Any = None
        for key, value, span in entries:
            segment = key if isinstance(key, str) else "[]"
            below = PathTable.step(nodes, segment)
            if not below:
                continue
            new = value
            if isinstance(value, str):
                new = _cast_value(value, PathTable.value(below), (*path, segment), span, errors)
            elif isinstance(value, (YMap, YSeq)):
                new = visit(value, (*path, segment), below)
            if new is not value:
                out = out if out is not None else node.copy()
                out[key] = new
        return node if out is None else out

    return visit(doc, (), _CAST_TABLE.start()), errors


def _cast_value(value: str, fn: Callable[[str], Any] | None, path: Path, span: Span, errors: Errors) -> Any:
    if fn is None:
        return value
    try:
        return fn(value)
    except ValueError as exc:
        detail = str(exc) if "invalid boolean" in str(exc) else f"invalid number: {value}"
        errors.append(
            ComposeError(
                f"error while interpolating {'.'.join(path).replace('.[]', '[]')}: "
                f"failed to cast to expected type: {detail}",
                span,
                "invalid-config",
            )
        )
        return value


# ---------------------------------------------------------------------------------------------------
# Canonical (long) syntax: compose-go transform.Canonical.


def canonical(model: YMap, max_ports: int = DEFAULT_LIMITS.max_ports) -> tuple[YMap, Errors]:
    """The model in long syntax. Port ranges expand to one mapping per port, as Compose prints them;
    past ``max_ports`` mappings in the project, further ones are reported and left out."""
    errors: Errors = []
    out = model.copy()
    services = model.get("services")
    if isinstance(services, YMap):
        new_services = services.copy()
        ports = _PortBudget(max_ports)
        for name, service, _, _ in services.items_with_spans():
            if isinstance(service, YMap):
                new_services[name] = _canonical_service(service, name, errors, ports)
        out["services"] = new_services
    for kind in ("volumes", "networks", "secrets", "configs"):
        resources = model.get(kind)
        if isinstance(resources, YMap):
            new_resources = resources.copy()
            for name, resource, _, _ in resources.items_with_spans():
                if isinstance(resource, YMap):
                    resource = _canonical_external(resource, (kind, name), errors)
                    labels = resource.get("labels")
                    if labels is not None:
                        resource = resource.copy()
                        resource["labels"] = _labels(labels, resource.value_span("labels"), name, errors)
                    new_resources[name] = resource
            out[kind] = new_resources
    include = model.get("include")
    if isinstance(include, YSeq):
        out["include"] = YSeq(
            include.span,
            (
                (_single(item, "path", span) if isinstance(item, str) else item, span)
                for item, span in include.items_with_spans()
            ),
        )
    return out, errors


def _single(value: Any, key: str, span: Span) -> YMap:
    out = YMap(span)
    out.put(key, value, span, span)
    return out


def _canonical_external(resource: YMap, path: Path, errors: Errors) -> YMap:
    external = resource.get("external")
    if not isinstance(external, YMap):
        return resource
    out = resource.copy()
    out.put("external", True, resource.key_span("external"), resource.value_span("external"))
    if "name" in external:
        if "name" in resource and resource["name"] != external["name"]:
            errors.append(
                ComposeError(
                    f"{'.'.join(path)}: name and external.name conflict; only use name",
                    resource.value_span("external"),
                    "invalid-config",
                )
            )
        elif "name" not in resource:
            out.put("name", external["name"], external.key_span("name"), external.value_span("name"))
    return out


class _PortBudget:
    """Port mappings a project may still expand to: ``1-65535:1-65535`` is 65,535 of them."""

    __slots__ = ("left", "limit", "reported")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit
        self.reported = False


def _canonical_service(service: YMap, name: str, errors: Errors, ports: _PortBudget) -> YMap:
    out = service.copy()
    for key, value, _, value_span in service.items_with_spans():
        if key == "ports":
            new = _ports(value, name, errors, ports)
            if new is not value:
                out[key] = new
            continue
        transform = _SERVICE_TRANSFORMS.get(key)
        if transform is None:
            continue
        new = transform(value, value_span, name, errors)
        if new is not value:
            out[key] = new
    return out


def _string_or_list(value: Any, span: Span, _name: str, _errors: Errors) -> Any:
    return YSeq(span, [(value, span)]) if isinstance(value, str) else value


def _build(value: Any, span: Span, name: str, errors: Errors) -> Any:
    if isinstance(value, str):
        return _single(value, "context", span)
    if not isinstance(value, YMap):
        return value
    out = value.copy()
    for key, item, _, item_span in value.items_with_spans():
        if key == "additional_contexts" and isinstance(item, YSeq):
            out[key] = _key_value_seq_to_map(item)
        elif key == "args" and isinstance(item, YSeq):
            out[key] = _key_value_seq_to_map(item, keep_bare=True)
        elif key == "labels":
            out[key] = _labels(item, item_span, name, errors)
        elif key == "secrets":
            out[key] = _file_mounts(item, item_span, name, errors)
        elif key == "ssh" and isinstance(item, YSeq):
            out[key] = _ssh(item, name, errors)
        elif key in ("provenance", "sbom") and not isinstance(item, str) and item is not None:
            out[key] = go_format(item)  # compose-go transformStringOrX
        elif key == "extra_hosts":
            out[key] = _extra_hosts(item, item_span, name, errors)
    return out


def _ssh(seq: YSeq, name: str, errors: Errors) -> YMap:
    """compose-go transformSSH: ``[default, "key=path"]`` becomes ``{default: null, key: path}``."""
    out = YMap(seq.span)
    for item, span in seq.items_with_spans():
        if not isinstance(item, str):
            continue
        key, sep, path = item.partition("=")
        if not sep and key != "default":
            errors.append(
                ComposeError(f'services.{name}.build.ssh: invalid ssh key "{item}"', span, "invalid-config")
            )
            continue
        out.put(key, _keep_istr(item, path) if sep else None, span, span)
    return out


def _key_value_seq_to_map(seq: YSeq, keep_bare: bool = False) -> YMap:
    out = YMap(seq.span)
    for item, span in seq.items_with_spans():
        if not isinstance(item, str):
            continue
        key, sep, val = item.partition("=")
        if sep:
            out.put(key, _keep_istr(item, val), span, span)
        elif keep_bare:
            out.put(key, None, span, span)
    return out


def _keep_istr(whole: str, part: str) -> str:
    """A slice of an interpolated string stays interpolated (rules want to know it came from ${X})."""
    if isinstance(whole, IStr):
        return IStr(part, whole.template, whole.variables, whole.unset)
    return part


def _depends_on(value: Any, span: Span, _name: str, _errors: Errors) -> Any:
    if isinstance(value, YSeq):
        out = YMap(value.span)
        for item, item_span in value.items_with_spans():
            if isinstance(item, str):
                entry = YMap(item_span)
                entry.put("condition", "service_started", item_span, item_span)
                entry.put("required", True, item_span, item_span)
                out.put(item, entry, item_span, item_span)
        return out
    if isinstance(value, YMap):
        out = value.copy()
        for key, entry, _, entry_span in value.items_with_spans():
            if isinstance(entry, YMap):
                filled = entry.copy()
                if "condition" not in filled:
                    filled.put("condition", "service_started", entry_span, entry_span)
                if "required" not in filled:
                    filled.put("required", True, entry_span, entry_span)
                out[key] = filled
        return out
    return value


def _env_file(value: Any, span: Span, _name: str, _errors: Errors) -> Any:
    items = YSeq(span, [(value, span)]) if isinstance(value, str) else value
    if not isinstance(items, YSeq):
        return value
    out = YSeq(items.span)
    for item, item_span in items.items_with_spans():
        if isinstance(item, str):
            entry = YMap(item_span)
            entry.put("path", item, item_span, item_span)
            entry.put("required", True, item_span, item_span)
            out.push(entry, item_span)
        elif isinstance(item, YMap):
            entry = item
            if "required" not in item:
                entry = item.copy()
                entry.put("required", True, item_span, item_span)
            out.push(entry, item_span)
    return out


def _extends(value: Any, span: Span, _name: str, _errors: Errors) -> Any:
    return _single(value, "service", span) if isinstance(value, str) else value


def _names_to_map(value: Any, span: Span, _name: str, _errors: Errors) -> Any:
    if isinstance(value, YSeq):
        out = YMap(value.span)
        for item, item_span in value.items_with_spans():
            if isinstance(item, str):
                out.put(item, None, item_span, item_span)
        return out
    return value


def _volumes(value: Any, span: Span, name: str, errors: Errors) -> Any:
    if not isinstance(value, YSeq):
        return value
    out = YSeq(value.span)
    for item, item_span in value.items_with_spans():
        if isinstance(item, str):
            try:
                parsed = parse_volume(item)
            except SpecError as exc:
                errors.append(
                    ComposeError(
                        f"services.{name}.volumes: {exc}{_unset_note(item)}", item_span, "invalid-volume-spec"
                    )
                )
                continue
            out.push(_with_source_text(from_plain(parsed, item_span), item), item_span)
        else:
            out.push(item, item_span)
    return out


def _unset_note(item: object) -> str:
    """Most broken specs in real files come from unset variables: say which."""
    if isinstance(item, IStr) and item.unset:
        names = ", ".join("${" + name + "}" for name in item.unset)
        return f" (written {item.template!r}; {names} unset)"
    return ""


def _with_source_text(mount: YMap, text: str) -> YMap:
    """Keep the interpolation record of a short-syntax string on the parsed source."""
    if isinstance(text, IStr) and isinstance(mount.get("source"), str):
        mount["source"] = IStr(mount["source"], text.template, text.variables, text.unset)
    return mount


def _devices(value: Any, span: Span, name: str, errors: Errors) -> Any:
    if not isinstance(value, YSeq):
        return value
    out = YSeq(value.span)
    for item, item_span in value.items_with_spans():
        if isinstance(item, str):
            parts = item.split(":")
            if len(parts) > 3:
                errors.append(
                    ComposeError(
                        f"services.{name}.devices: confusing device mapping, please use long syntax: {item}",
                        item_span,
                        "invalid-config",
                    )
                )
                continue
            # compose-go transformDeviceMapping: an empty target is the source.
            target = parts[1] if len(parts) >= 2 and parts[1] else parts[0]
            permissions = parts[2] if len(parts) == 3 else "rwm"
            device = {"source": parts[0], "target": target, "permissions": permissions}
            out.push(from_plain(device, item_span), item_span)
        else:
            out.push(item, item_span)
    return out


def _file_mounts(value: Any, span: Span, _name: str, _errors: Errors) -> Any:
    if not isinstance(value, YSeq):
        return value
    return YSeq(
        value.span,
        (
            (_single(item, "source", item_span) if isinstance(item, str) else item, item_span)
            for item, item_span in value.items_with_spans()
        ),
    )


def _ports(value: Any, name: str, errors: Errors, budget: _PortBudget) -> Any:
    if not isinstance(value, YSeq):
        return value
    out = YSeq(value.span)
    for item, item_span in value.items_with_spans():
        if not isinstance(item, YMap):  # parse_port also refuses floats, lists and null
            try:
                parsed = parse_port(item, budget.left)
            except SpecError as exc:
                errors.append(
                    ComposeError(
                        f"services.{name}.ports: {exc}{_unset_note(item)}", item_span, "invalid-port-spec"
                    )
                )
                continue
            except RangeTooLarge:
                if not budget.reported:
                    budget.reported = True
                    errors.append(
                        ComposeError(
                            f"services.{name}.ports: the project's port ranges expand to more than "
                            f"{budget.limit:,} mappings (limit max-ports); this range and later ones were "
                            "not checked",
                            item_span,
                            "limit-exceeded",
                        )
                    )
                continue
            budget.left -= len(parsed)
            for mapping in parsed:
                port = from_plain(mapping, item_span)
                if isinstance(item, IStr) and "published" in port:
                    port["published"] = IStr(port["published"], item.template, item.variables, item.unset)
                if isinstance(item, IStr) and "host_ip" in port:
                    port["host_ip"] = IStr(port["host_ip"], item.template, item.variables, item.unset)
                out.push(port, item_span)
        else:
            out.push(item, item_span)
    return out


def _environment(value: Any, span: Span, name: str, errors: Errors) -> Any:
    if isinstance(value, YSeq):
        for item, item_span in value.items_with_spans():
            key = item.partition("=")[0] if isinstance(item, str) else ""
            if key[-1:].isspace():
                errors.append(
                    ComposeError(
                        f"services.{name}.environment: environment variable {key} is declared with a trailing space",
                        item_span,
                        "invalid-config",
                    )
                )
        return _key_value_seq_to_map(value, keep_bare=True)
    if isinstance(value, YMap):
        out = value.copy()
        for key, item in value.items():
            if item is not None and not isinstance(item, str):
                out[key] = go_format(item)
        return out
    return value


def _labels(value: Any, span: Span, _name: str, _errors: Errors) -> Any:
    """compose-go Labels and Mapping: string values, a key without a value is ``""`` (not null)."""
    if isinstance(value, YSeq):
        out = YMap(value.span)
        for item, item_span in value.items_with_spans():
            if isinstance(item, str):
                key, _, val = item.partition("=")
                out.put(key, _keep_istr(item, val), item_span, item_span)
        return out
    if isinstance(value, YMap):
        out = value.copy()
        for key, item in value.items():
            if item is None:
                out[key] = ""
            elif not isinstance(item, str):
                out[key] = go_format(item)
        return out
    return value


def _shell_words(value: Any, span: Span, where: str, errors: Errors) -> Any:
    """compose-go ShellCommand: a string is split into words as go-shellwords does."""
    if not isinstance(value, str):
        return value
    try:
        words = split_command(value)
    except SpecError as exc:
        errors.append(ComposeError(f"{where}: {exc}", span, "invalid-config"))
        words = [value]
    return YSeq(span, ((_keep_istr(value, word), span) for word in words))


def _command(key: str) -> Callable[[Any, Span, str, Errors], Any]:
    def transform(value: Any, span: Span, name: str, errors: Errors) -> Any:
        return _shell_words(value, span, f"services.{name}.{key}", errors)

    return transform


def _hooks(key: str) -> Callable[[Any, Span, str, Errors], Any]:
    """``post_start``/``pre_stop``: each hook's ``command`` is a ShellCommand."""

    def transform(value: Any, span: Span, name: str, errors: Errors) -> Any:
        if not isinstance(value, YSeq):
            return value
        out = YSeq(value.span)
        for hook, hook_span in value.items_with_spans():
            if isinstance(hook, YMap) and isinstance(hook.get("command"), str):
                hook = hook.copy()
                hook["command"] = _shell_words(
                    hook["command"], hook.value_span("command"), f"services.{name}.{key}.command", errors
                )
            out.push(hook, hook_span)
        return out

    return transform


def _develop(value: Any, span: Span, name: str, errors: Errors) -> Any:
    """``develop.watch``: ``ignore``/``include`` strings become lists, ``exec.command`` is split."""
    watch = value.get("watch") if isinstance(value, YMap) else None
    if not isinstance(value, YMap) or not isinstance(watch, YSeq):
        return value
    rules = YSeq(watch.span)
    for rule, rule_span in watch.items_with_spans():
        if isinstance(rule, YMap):
            rule = rule.copy()
            for key in ("ignore", "include"):
                if isinstance(rule.get(key), str):
                    rule[key] = _string_or_list(rule[key], rule.value_span(key), name, errors)
            hook = rule.get("exec")
            if isinstance(hook, YMap) and isinstance(hook.get("command"), str):
                hook = hook.copy()
                hook["command"] = _shell_words(
                    hook["command"], hook.value_span("command"), f"services.{name}.develop.watch.exec", errors
                )
                rule["exec"] = hook
        rules.push(rule, rule_span)
    out = value.copy()
    out["watch"] = rules
    return out


def _healthcheck(value: Any, span: Span, _name: str, _errors: Errors) -> Any:
    if isinstance(value, YMap) and isinstance(value.get("test"), str):
        out = value.copy()
        test_span = value.value_span("test")
        out["test"] = YSeq(test_span, [("CMD-SHELL", test_span), (value["test"], test_span)])
        return out
    return value


def _deploy(value: Any, span: Span, name: str, errors: Errors) -> Any:
    if isinstance(value, YMap) and "labels" in value:
        out = value.copy()
        out["labels"] = _labels(value["labels"], value.value_span("labels"), name, errors)
        return out
    return value


def _gpus(value: Any, span: Span, _name: str, _errors: Errors) -> Any:
    # compose-go transformGpus: `gpus: all` is one request for every GPU.
    if isinstance(value, str):
        return YSeq(span, [(_single("all", "count", span), span)])
    return value


def _expose(value: Any, span: Span, _name: str, _errors: Errors) -> Any:
    if isinstance(value, YSeq):
        return YSeq(
            value.span,
            (
                (str(item) if isinstance(item, int) and not isinstance(item, bool) else item, item_span)
                for item, item_span in value.items_with_spans()
            ),
        )
    return value


def _extra_hosts(value: Any, span: Span, name: str, errors: Errors) -> Any:
    """compose-go HostsList: ``host=ip`` strings (``host:ip``, maps and comma lists accepted).

    Brackets around an IPv6 address are dropped; a host without an address or a bad host name is
    an error, as in Compose.
    """
    entries: list[tuple[str, str, Span]] = []
    if isinstance(value, YMap):
        for host, item, _, item_span in value.items_with_spans():
            addresses = item if isinstance(item, YSeq) else [item]
            entries.extend((host, "" if ip is None else go_format(ip), item_span) for ip in addresses)
    elif isinstance(value, YSeq):
        for item, item_span in value.items_with_spans():
            text = go_format(item)
            host, sep, ips = text.partition("=")
            if not sep:
                host, sep, ips = text.partition(":")
            if not sep:
                errors.append(
                    ComposeError(
                        f"services.{name}.extra_hosts: invalid additional host, missing IP: {text}",
                        item_span,
                        "invalid-config",
                    )
                )
                continue
            entries.extend((host, ip, item_span) for ip in ips.split(","))
    else:
        return value
    out = YSeq(value.span)
    for host, ip, item_span in entries:
        if host == "" or ":" in host or "=" in host:
            errors.append(
                ComposeError(
                    f"services.{name}.extra_hosts: bad host name '{host}'", item_span, "invalid-config"
                )
            )
            continue
        if len(ip) > 2 and ip[0] == "[" and ip[-1] == "]":
            ip = ip[1:-1]
        out.push(f"{host}={ip}", item_span)
    return out


_SERVICE_TRANSFORMS: dict[str, Callable[[Any, Span, str, Errors], Any]] = {
    "build": _build,
    "deploy": _deploy,
    "develop": _develop,
    "gpus": _gpus,
    "post_start": _hooks("post_start"),
    "pre_stop": _hooks("pre_stop"),
    "depends_on": _depends_on,
    "env_file": _env_file,
    "label_file": _string_or_list,
    "extends": _extends,
    "networks": _names_to_map,
    "models": _names_to_map,
    "volumes": _volumes,
    "dns": _string_or_list,
    "dns_search": _string_or_list,
    "tmpfs": _string_or_list,
    "devices": _devices,
    "secrets": _file_mounts,
    "configs": _file_mounts,
    "environment": _environment,
    "labels": _labels,
    "annotations": _labels,
    "sysctls": _labels,
    "command": _command("command"),
    "entrypoint": _command("entrypoint"),
    "healthcheck": _healthcheck,
    "expose": _expose,
    "extra_hosts": _extra_hosts,
}


# ---------------------------------------------------------------------------------------------------
# Defaults, relative paths and normalization (after all files are merged).


def set_defaults(model: YMap) -> YMap:
    """compose-go SetDefaultValues: build context, secret targets, port protocol and mode."""
    services = model.get("services")
    if not isinstance(services, YMap):
        return model
    out = model.copy()
    new_services = services.copy()
    for name, service in services.items():
        if not isinstance(service, YMap):
            continue
        svc = service.copy()
        build = svc.get("build")
        if isinstance(build, YMap) and "context" not in build:
            build = build.copy()
            build.put("context", ".", build.span, build.span)
            svc["build"] = build
        secrets = svc.get("secrets")
        if isinstance(secrets, YSeq):
            svc["secrets"] = YSeq(
                secrets.span, ((_default_secret(s), span) for s, span in secrets.items_with_spans())
            )
        ports = svc.get("ports")
        if isinstance(ports, YSeq):
            svc["ports"] = YSeq(
                ports.span, ((_default_port(p), span) for p, span in ports.items_with_spans())
            )
        gpus = svc.get("gpus")
        if isinstance(gpus, YSeq):
            svc["gpus"] = _default_device_requests(gpus)
        deploy = svc.get("deploy")
        resources = deploy.get("resources") if isinstance(deploy, YMap) else None
        reservations = resources.get("reservations") if isinstance(resources, YMap) else None
        devices = reservations.get("devices") if isinstance(reservations, YMap) else None
        if isinstance(devices, YSeq):
            assert isinstance(deploy, YMap) and isinstance(resources, YMap) and isinstance(reservations, YMap)
            reservations = reservations.copy()
            reservations["devices"] = _default_device_requests(devices)
            resources = resources.copy()
            resources["reservations"] = reservations
            deploy = deploy.copy()
            deploy["resources"] = resources
            svc["deploy"] = deploy
        new_services[name] = svc
    out["services"] = new_services
    return out


def _default_device_requests(requests: YSeq) -> YSeq:
    """compose-go deviceRequestDefaults: a request with neither ``count`` nor ``device_ids`` is for all."""
    out = YSeq(requests.span)
    for request, span in requests.items_with_spans():
        if isinstance(request, YMap) and "count" not in request and "device_ids" not in request:
            request = request.copy()
            request.put("count", "all", request.span, request.span)
        out.push(request, span)
    return out


def _default_secret(secret: Any) -> Any:
    if isinstance(secret, YMap) and "target" not in secret:
        secret = secret.copy()
        secret.put("target", f"/run/secrets/{secret.get('source')}", secret.span, secret.span)
    return secret


def _default_port(port: Any) -> Any:
    if isinstance(port, YMap) and ("protocol" not in port or "mode" not in port):
        port = port.copy()
        if "protocol" not in port:
            port.put("protocol", "tcp", port.span, port.span)
        if "mode" not in port:
            port.put("mode", "ingress", port.span, port.span)
    return port


# ---------------------------------------------------------------------------------------------------
# Typed fields Compose decodes after loading (durations, sizes, counts): values it cannot decode.


def _check_duration(value: Any) -> None:
    if isinstance(value, str):
        parse_duration(value)


def _check_bytes(value: Any) -> None:
    if isinstance(value, str):
        parse_bytes(value)


def _check_cpus(value: Any) -> None:
    if isinstance(value, str):
        go_parse_float(value)
    elif not isinstance(value, (int, float)) or isinstance(value, bool):
        raise SpecError(f"unexpected value type {_go_type(value)} for cpus")


def _check_device_count(value: Any) -> None:
    if isinstance(value, str) and value.lower() != "all" and not _DECIMAL.fullmatch(value):
        raise SpecError(f"invalid value \"{value}\", the only value allowed is 'all' or a number")
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise SpecError(f"invalid type {_go_type(value)} for device count")


def _check_file_mode(value: Any) -> None:
    if isinstance(value, str) and not re.fullmatch(r"[+-]?[0-7]+", value):
        raise SpecError(f'strconv.ParseInt: parsing "{value}": invalid syntax')


def _check_port_target(value: Any) -> None:
    if isinstance(value, YMap) and "target" not in value:
        raise SpecError("missing target (the container port)")


def _go_type(value: Any) -> str:
    names = {bool: "bool", int: "int", float: "float64", str: "string", YSeq: "[]interface {}"}
    return "map[string]interface {}" if isinstance(value, dict) else names.get(type(value), "<nil>")


_DECODED: tuple[tuple[tuple[str, ...], Callable[[Any], None], str], ...] = (
    (("stop_grace_period",), _check_duration, "invalid-config"),
    *(
        (("healthcheck", key), _check_duration, "invalid-config")
        for key in ("interval", "timeout", "start_period", "start_interval")
    ),
    *(
        (("deploy", section, key), _check_duration, "invalid-config")
        for section, key in (
            ("update_config", "delay"),
            ("update_config", "monitor"),
            ("rollback_config", "delay"),
            ("rollback_config", "monitor"),
            ("restart_policy", "delay"),
            ("restart_policy", "window"),
        )
    ),
    *(
        ((key,), _check_bytes, "invalid-config")
        for key in ("mem_limit", "mem_reservation", "memswap_limit", "mem_swappiness", "shm_size")
    ),
    (("build", "shm_size"), _check_bytes, "invalid-config"),
    (("deploy", "resources", "limits", "memory"), _check_bytes, "invalid-config"),
    (("deploy", "resources", "reservations", "memory"), _check_bytes, "invalid-config"),
    (("deploy", "resources", "limits", "cpus"), _check_cpus, "invalid-config"),
    (("deploy", "resources", "reservations", "cpus"), _check_cpus, "invalid-config"),
    (
        ("deploy", "resources", "reservations", "devices", "[]", "count"),
        _check_device_count,
        "invalid-config",
    ),
    (("gpus", "[]", "count"), _check_device_count, "invalid-config"),
    (("volumes", "[]", "tmpfs", "size"), _check_bytes, "invalid-volume-spec"),
    *(
        (("blkio_config", key, "[]", "rate"), _check_bytes, "invalid-config")
        for key in ("device_read_bps", "device_write_bps", "device_read_iops", "device_write_iops")
    ),
    (("secrets", "[]", "mode"), _check_file_mode, "invalid-config"),
    (("configs", "[]", "mode"), _check_file_mode, "invalid-config"),
    (("build", "secrets", "[]", "mode"), _check_file_mode, "invalid-config"),
    (("ports", "[]"), _check_port_target, "invalid-port-spec"),
)


def decoding_errors(model: YMap) -> Errors:
    """What Compose's final decoding into typed fields refuses: ``stop_grace_period: 1x``,
    ``mem_limit: 1q``, a long-syntax port without ``target``...; each error at the value."""
    errors: Errors = []
    services = model.get("services")
    if not isinstance(services, YMap):
        return errors
    for name, service in services.items():
        if not isinstance(service, YMap):
            continue
        for path, check, kind in _DECODED:
            if path[0] not in service:
                continue
            for value, span, where in _values_at(service, path, f"services.{name}"):
                try:
                    check(value)
                except SpecError as exc:
                    errors.append(ComposeError(f"{where}: {exc}", span, kind))
    return errors


def _values_at(node: Any, path: tuple[str, ...], where: str) -> Iterator[tuple[Any, Span, str]]:
    """The values at ``path`` below ``node`` ("[]" is every item of a list), with span and dotted path."""
    key, rest = path[0], path[1:]
    if key == "[]":
        if isinstance(node, YSeq):
            for index, (item, span) in enumerate(node.items_with_spans()):
                if rest:
                    yield from _values_at(item, rest, f"{where}[{index}]")
                else:
                    yield item, span, f"{where}[{index}]"
    elif isinstance(node, YMap) and key in node:
        if rest:
            yield from _values_at(node[key], rest, f"{where}.{key}")
        else:
            yield node[key], node.value_span(key), f"{where}.{key}"


_REMOTE_CONTEXT_PREFIXES = ("https://", "http://", "git://", "ssh://", "github.com/", "git@")


def expand_user(path: str, home: str | None) -> str:
    if path.startswith("~") and home:
        return os.path.join(home, path[1:].lstrip("/")) if path != "~" else home
    return path


def _is_windows_abs(path: str) -> bool:
    return path.startswith("\\\\") or (
        len(path) >= 3 and path[1] == ":" and path[0].isalpha() and path[2] in "\\/"
    )


def _abs(path: Any, base: str, home: str | None) -> Any:
    """compose-go absPath: an empty path stays empty."""
    if not isinstance(path, str) or path == "":
        return path
    return _host_path(path, base, home)


def _host_path(path: Any, base: str, home: str | None) -> Any:
    """compose-go maybeUnixPath (bind sources, secret and config files): an empty path is ``base``."""
    if not isinstance(path, str):
        return path
    expanded = expand_user(path, home)
    if os.path.isabs(expanded) or _is_windows_abs(expanded):
        return _same_kind(path, expanded)
    return _same_kind(path, os.path.normpath(os.path.join(base, expanded)))


def _same_kind(original: str, new: str) -> str:
    if isinstance(original, IStr):
        return IStr(new, original.template, original.variables, original.unset)
    return new


def resolve_paths(model: YMap, base: str, home: str | None) -> YMap:
    """compose-go ResolveRelativePaths: relative host paths become absolute against ``base``."""
    out = model.copy()
    services = model.get("services")
    if isinstance(services, YMap):
        new_services = services.copy()
        for name, service in services.items():
            if isinstance(service, YMap):
                new_services[name] = _resolve_service_paths(service, base, home)
        out["services"] = new_services
    for kind in ("configs", "secrets"):
        resources = model.get(kind)
        if isinstance(resources, YMap):
            new_resources = resources.copy()
            for name, resource in resources.items():
                if isinstance(resource, YMap) and isinstance(resource.get("file"), str):
                    resource = resource.copy()
                    resource["file"] = _host_path(resource["file"], base, home)
                    new_resources[name] = resource
            out[kind] = new_resources
    volumes = model.get("volumes")
    if isinstance(volumes, YMap):
        new_volumes = volumes.copy()
        for name, volume in volumes.items():
            opts = volume.get("driver_opts") if isinstance(volume, YMap) else None
            if (
                isinstance(volume, YMap)
                and volume.get("driver") == "local"
                and isinstance(opts, YMap)
                and opts.get("o") == "bind"
                and isinstance(opts.get("device"), str)
            ):
                opts = opts.copy()
                opts["device"] = _host_path(opts["device"], base, home)
                volume = volume.copy()
                volume["driver_opts"] = opts
                new_volumes[name] = volume
        out["volumes"] = new_volumes
    return out


def _resolve_service_paths(service: YMap, base: str, home: str | None) -> YMap:
    svc = service.copy()
    build = svc.get("build")
    if isinstance(build, YMap):
        build = build.copy()
        context = build.get("context")
        if isinstance(context, str) and not _is_remote_context(context):
            build["context"] = _abs(context, base, home)
        contexts = build.get("additional_contexts")
        if isinstance(contexts, YMap):
            contexts = contexts.copy()
            for key, item in contexts.items():
                if isinstance(item, str) and not _is_remote_context(item):
                    contexts[key] = _abs(item, base, home)
            build["additional_contexts"] = contexts
        ssh = build.get("ssh")
        if isinstance(ssh, YMap):
            build["ssh"] = _map_values(ssh, lambda path: _host_path(path, base, home))
        svc["build"] = build
    env_files = svc.get("env_file")
    if isinstance(env_files, YSeq):
        resolved = YSeq(env_files.span)
        for entry, span in env_files.items_with_spans():
            if isinstance(entry, YMap) and isinstance(entry.get("path"), str):
                entry = entry.copy()
                entry["path"] = _abs(entry["path"], base, home)
            resolved.push(entry, span)
        svc["env_file"] = resolved
    label_files = svc.get("label_file")
    if isinstance(label_files, YSeq):
        svc["label_file"] = YSeq(
            label_files.span, ((_abs(f, base, home), s) for f, s in label_files.items_with_spans())
        )
    extends = svc.get("extends")
    if isinstance(extends, YMap) and isinstance(extends.get("file"), str):
        extends = extends.copy()
        extends["file"] = _abs(extends["file"], base, home)
        svc["extends"] = extends
    develop = svc.get("develop")
    watch = develop.get("watch") if isinstance(develop, YMap) else None
    if isinstance(develop, YMap) and isinstance(watch, YSeq):
        rules = YSeq(watch.span)
        for rule, span in watch.items_with_spans():
            if isinstance(rule, YMap) and isinstance(rule.get("path"), str):
                rule = rule.copy()
                rule["path"] = _same_kind(rule["path"], _real_path(_abs(rule["path"], base, home)))
            rules.push(rule, span)
        develop = develop.copy()
        develop["watch"] = rules
        svc["develop"] = develop
    volumes = svc.get("volumes")
    if isinstance(volumes, YSeq):
        resolved = YSeq(volumes.span)
        for mount, span in volumes.items_with_spans():
            if (
                isinstance(mount, YMap)
                and mount.get("type") == "bind"
                and isinstance(mount.get("source"), str)
            ):
                mount = mount.copy()
                mount["source"] = _host_path(mount["source"], base, home)
            resolved.push(mount, span)
        svc["volumes"] = resolved
    return svc


def _map_values(mapping: YMap, change: Callable[[Any], Any]) -> YMap:
    out = mapping.copy()
    for key, value in mapping.items():
        out[key] = change(value)
    return out


def _real_path(path: str) -> str:
    """compose-go ResolveSymbolicLink: the first symbolic link along a watched path is followed."""
    current = os.sep if os.path.isabs(path) else ""
    for part in path.split(os.sep):
        if part:
            current = os.path.join(current, part)
            if os.path.islink(current):
                return path.replace(current, os.path.realpath(current), 1)
    return path


def _is_remote_context(context: str) -> bool:
    return "://" in context or context.startswith("service:") or context.startswith(_REMOTE_CONTEXT_PREFIXES)


def normalize(model: YMap, env: Mapping[str, str], project_name: str) -> YMap:
    """compose-go Normalize: default network, implicit depends_on, resource names, env lookups."""
    out = model.copy()
    services = model.get("services")
    uses_default = False
    if isinstance(services, YMap):
        new_services = services.copy()
        for name, service in services.items():
            if not isinstance(service, YMap):
                continue
            svc, uses = _normalize_service(service, env)
            uses_default = uses_default or uses
            new_services[name] = svc
        out["services"] = new_services
    networks = out.get("networks")
    if uses_default and not (isinstance(networks, YMap) and "default" in networks):
        networks = networks.copy() if isinstance(networks, YMap) else YMap(model.span)
        networks.put("default", None, model.span, model.span)
        out.put("networks", networks, out.key_span("networks"), out.value_span("networks"))
    for kind in ("networks", "volumes", "configs", "secrets"):
        resources = out.get(kind)
        if isinstance(resources, YMap):
            out[kind] = _named_resources(resources, project_name)
    return out


def _normalize_service(service: YMap, env: Mapping[str, str]) -> tuple[YMap, bool]:
    svc = service.copy()
    span = service.span
    uses_default = False
    if "provider" not in svc and "network_mode" not in svc:
        networks = svc.get("networks")
        if not isinstance(networks, YMap) or len(networks) == 0:
            default = YMap(span)
            default.put("default", None, span, span)
            svc.put("networks", default, svc.key_span("networks"), svc.value_span("networks"))
            uses_default = True
        elif "default" in networks:
            uses_default = True
    if svc.get("pull_policy") == "if_not_present":
        svc["pull_policy"] = "missing"
    build = svc.get("build")
    if isinstance(build, YMap):
        build = build.copy()
        if build.get("context") is None:
            build.put("context", ".", build.span, build.span)
        if build.get("dockerfile") is None and build.get("dockerfile_inline") is None:
            build.put("dockerfile", "Dockerfile", build.span, build.span)
        svc["build"] = build
    environment = svc.get("environment")
    if isinstance(environment, YMap):
        resolved = environment.copy()
        for key, value in environment.items():
            if value is None and key in env:
                resolved[key] = env[key]
        svc["environment"] = resolved
    svc = _implicit_depends_on(svc)
    volumes = svc.get("volumes")
    if isinstance(volumes, YSeq):
        cleaned = YSeq(volumes.span)
        for mount, mount_span in volumes.items_with_spans():
            if isinstance(mount, YMap) and isinstance(mount.get("target"), str) and mount["target"]:
                mount = mount.copy()
                mount["target"] = clean_path(mount["target"])
            cleaned.push(mount, mount_span)
        svc["volumes"] = cleaned
    return svc, uses_default


def _dependency(span: Span, restart: bool) -> YMap:
    entry = YMap(span)
    entry.put("condition", "service_started", span, span)
    entry.put("restart", restart, span, span)
    entry.put("required", True, span, span)
    return entry


def _implicit_depends_on(svc: YMap) -> YMap:
    existing = svc.get("depends_on")
    depends_on = existing.copy() if isinstance(existing, YMap) else YMap(svc.span)
    links = svc.get("links")
    if isinstance(links, YSeq):
        for link, span in links.items_with_spans():
            if isinstance(link, str):
                parts = link.split(":")
                target = parts[0] if len(parts) == 2 else link
                if target not in depends_on:
                    depends_on.put(target, _dependency(span, True), span, span)
    for namespace in ("network_mode", "ipc", "pid", "uts", "cgroup"):
        ref = svc.get(namespace)
        if isinstance(ref, str) and ref.startswith("service:"):
            target = ref[len("service:") :]
            span = svc.value_span(namespace)
            if target not in depends_on:
                depends_on.put(target, _dependency(span, True), span, span)
    volumes_from = svc.get("volumes_from")
    if isinstance(volumes_from, YSeq):
        for entry, span in volumes_from.items_with_spans():
            if isinstance(entry, str) and not entry.startswith("container:"):
                target = entry.split(":")[0]
                if target not in depends_on:
                    depends_on.put(target, _dependency(span, False), span, span)
    if len(depends_on) > 0:
        svc.put("depends_on", depends_on, svc.key_span("depends_on"), svc.value_span("depends_on"))
    return svc


def _named_resources(resources: YMap, project_name: str) -> YMap:
    out = resources.copy()
    for key, resource in resources.items():
        if resource is None:
            resource = YMap(resources.value_span(key))
        elif not isinstance(resource, YMap):
            continue
        if resource.get("name") is None:
            resource = resource.copy()
            name = key if _is_true(resource.get("external")) else f"{project_name}_{key}"
            resource.put("name", name, resources.key_span(key), resources.key_span(key))
        out[key] = resource
    return out


def _is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("1", "t", "true"))
