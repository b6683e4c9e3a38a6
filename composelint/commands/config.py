"""`composelint config`: print the project as composelint reads it, shaped like `docker compose config`."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable
from typing import Any

from composelint.commands.check import run_options
from composelint.compose.canonical import NAMED_MAPPINGS
from composelint.compose.discovery import ProjectSpec, default_project, project_for_file
from composelint.compose.errors import UsageError
from composelint.compose.loader import LoadedProject
from composelint.compose.merge import go_format
from composelint.compose.specs import SpecError, format_duration, go_parse_float, parse_bytes, parse_duration
from composelint.compose.tree import YMap, plain
from composelint.engine import load, run_rules
from composelint.exitcodes import EXIT_FINDINGS, EXIT_OK
from composelint.finding import Severity
from composelint.printable import printable
from composelint.registry import Registry
from composelint.settings import Settings


def spec_for(args: argparse.Namespace, cwd: str) -> ProjectSpec:
    if args.files and args.path:
        raise UsageError("give either a PATH or -f/--file, not both")
    if args.files:
        files = tuple(os.path.abspath(os.path.join(cwd, f)) for f in args.files)
        for path in files:
            if not os.path.exists(path):
                raise UsageError(f"{path}: no such file")
        return ProjectSpec(files)
    if args.path:
        path = os.path.abspath(os.path.join(cwd, args.path))
        if os.path.isdir(path):
            return default_project(path, {})
        if not os.path.exists(path):
            raise UsageError(f"{args.path}: no such file or directory")
        return project_for_file(path)
    return default_project(cwd, os.environ)


def _used_resources(services: dict[str, Any], kind: str) -> set[str]:
    used: set[str] = set()
    for service in services.values():
        if kind == "networks":
            used.update((service.get(kind) or {}).keys())
        elif kind == "volumes":
            used.update(
                m["source"]
                for m in service.get("volumes") or []
                if m.get("type") == "volume" and m.get("source")
            )
        else:
            build = service.get("build") or {}
            used.update(
                entry["source"]
                for entry in [*(service.get(kind) or []), *(build.get(kind) or [])]
                if isinstance(entry, dict) and isinstance(entry.get("source"), str)
            )
    return used


def compose_config(model: YMap) -> dict[str, Any]:
    """The model in `docker compose config --format json` shape: unused resources dropped, empty
    fields left out, durations and sizes in Go's notation, ``$`` escaped as ``$$``, as Compose does."""
    data = plain(model)
    services = {name: _service(svc) for name, svc in sorted((data.get("services") or {}).items())}
    out: dict[str, Any] = {"name": data.get("name")}
    # Top-level models are left out too: Compose 2.40 prunes them even when a service uses them.
    for kind in ("networks", "volumes", "secrets", "configs"):
        used = _used_resources(services, kind)
        resources = {k: _resource(kind, v) for k, v in sorted((data.get(kind) or {}).items()) if k in used}
        if resources:
            out[kind] = resources
    out["services"] = services
    out.update((key, value) for key, value in sorted(data.items()) if key.startswith("x-"))
    return dict(sorted(_escape_dollars(out).items()))


# Go's JSON of compose-go's types leaves out empty fields (`omitempty`), except these: pointers (a
# zero that was set stays) and fields printed always.
_KEPT_WHEN_EMPTY = frozenset(
    {"action", "attach", "command", "entrypoint", "init", "max_attempts", "parallelism", "path", "replicas"}
    | {"required", "retries", "scale"}
)
_STRING_MAPS = frozenset({"aux_addresses", "driver_opts", "options", "storage_opt"})  # Go map[string]string
_DURATIONS = frozenset(
    {
        "delay",
        "interval",
        "monitor",
        "start_interval",
        "start_period",
        "stop_grace_period",
        "timeout",
        "window",
    }
)
_SIZES = frozenset(
    {"mem_limit", "mem_reservation", "mem_swappiness", "memory", "memswap_limit", "rate", "shm_size", "size"}
)


def _service(service: dict[str, Any]) -> dict[str, Any]:
    out = _struct(service)
    for key, render in _SERVICE_FIELDS.items():
        if key in out:
            out[key] = render(out[key])
    out.setdefault("command", None)
    out.setdefault("entrypoint", None)
    return dict(sorted(out.items()))


def _ports(ports: list[Any]) -> list[Any]:
    for port in ports:
        if isinstance(port, dict) and isinstance(port.get("published"), int):
            port["published"] = str(port["published"])
    return ports


def _file_mounts(mounts: list[Any]) -> list[Any]:
    """compose-go FileMode prints as an octal string: 0440 (an int) and "440" both give "0440"."""
    for mount in mounts:
        mode = mount.get("mode") if isinstance(mount, dict) else None
        if isinstance(mode, str) and re.fullmatch(r"[0-7]+", mode):
            mode = int(mode, 8)
        if isinstance(mode, int) and not isinstance(mode, bool):
            mount["mode"] = f"0{mode:o}"
    return mounts


def _build(build: dict[str, Any]) -> dict[str, Any]:
    if isinstance(build.get("secrets"), list):
        _file_mounts(build["secrets"])
    ssh = build.get("ssh")
    if isinstance(ssh, dict):  # compose-go SSHKey prints as "id" or "id: path"
        build["ssh"] = [key if path is None else f"{key}: {path}" for key, path in ssh.items()]
    return build


def _deploy(deploy: dict[str, Any]) -> dict[str, Any]:
    return {"resources": {}, "placement": {}, **deploy}  # Go structs, not pointers: always printed


def _develop(develop: dict[str, Any]) -> dict[str, Any]:
    for rule in develop.get("watch") or []:
        if isinstance(rule, dict):
            rule.setdefault("exec", {"command": None})
    return develop


def _provider(provider: dict[str, Any]) -> dict[str, Any]:
    options = provider.get("options")
    if isinstance(options, dict):  # compose-go MultiOptions: every option is a list of strings
        for key, value in options.items():
            options[key] = [go_format(v) for v in (value if isinstance(value, list) else [value])]
    return provider


def _blkio(blkio: dict[str, Any]) -> dict[str, Any]:
    # compose-go's device structs have no JSON tags: Compose prints Path, Rate and Weight.
    return {
        key: [{k.capitalize(): v for k, v in d.items()} if isinstance(d, dict) else d for d in devices]
        if isinstance(devices, list)
        else devices
        for key, devices in blkio.items()
    }


_SERVICE_FIELDS: dict[str, Callable[[Any], Any]] = {
    "blkio_config": _blkio,
    "build": _build,
    "configs": _file_mounts,
    "deploy": _deploy,
    "develop": _develop,
    "extra_hosts": sorted,
    "ports": _ports,
    "provider": _provider,
    "secrets": _file_mounts,
}


def _struct(value: dict[str, Any]) -> dict[str, Any]:
    """A compose-go struct as Go's JSON prints it."""
    out: dict[str, Any] = {}
    for key, item in sorted(value.items()):
        if key.startswith("x-"):
            continue  # extensions of nested objects are not printed (json:"-")
        item = _field(key, item)
        if key not in _KEPT_WHEN_EMPTY and _is_empty(key, item):
            continue
        out[key] = item
    return out


def _field(key: str, value: Any) -> Any:
    if isinstance(value, dict):
        if key in _STRING_MAPS:  # Go map[string]string: every value printed as a string
            return {
                k: v if isinstance(v, list) else "" if v is None else go_format(v)
                for k, v in sorted(value.items())
            }
        if key in NAMED_MAPPINGS:
            return {
                k: _struct(v) if isinstance(v, dict) else _field(key, v) for k, v in sorted(value.items())
            }
        return _struct(value)
    if isinstance(value, list):
        return [_struct(v) if isinstance(v, dict) else v for v in value]
    if isinstance(value, str) and key in _DURATIONS:
        return _converted(value, lambda text: format_duration(parse_duration(text)))
    if isinstance(value, str) and key in _SIZES:
        return _converted(value, lambda text: str(parse_bytes(text)))
    if isinstance(value, int) and not isinstance(value, bool) and key in _SIZES:
        return str(value)
    if key == "cpus" and isinstance(value, str):
        return _converted(value, go_parse_float)
    if key == "count" and isinstance(value, str):
        return -1 if value.lower() == "all" else _converted(value, int)
    return value


def _converted(text: str, convert: Callable[[str], Any]) -> Any:
    try:
        return convert(text)
    except (SpecError, ValueError):
        return text  # reported by the loader; printed as written


def _is_empty(key: str, value: Any) -> bool:
    # An empty mapping is left out only for map fields; `bind: {}` or `volume: {}` are set pointers.
    if value is None or value is False or value == "" or value == []:
        return True
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value == 0
    return value == {} and key in NAMED_MAPPINGS


def _resource(kind: str, resource: Any) -> Any:
    if not isinstance(resource, dict):
        return resource
    out = _struct(resource)
    if kind == "networks":
        out.setdefault("ipam", {})
    return out


def _escape_dollars(value: Any) -> Any:
    """Compose escapes every ``$`` of its output as ``$$``, so the output loads again unchanged."""
    if isinstance(value, str):
        return value.replace("$", "$$")
    if isinstance(value, dict):
        return {_escape_dollars(k): _escape_dollars(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escape_dollars(v) for v in value]
    return value


def invalid_findings(loaded: LoadedProject) -> list[str]:
    """Problems that make Docker Compose refuse the project (error-level validity findings)."""
    registry = Registry.default(with_plugins=False)
    settings = Settings(select=("CL1",))
    findings = sorted(set(run_rules(loaded, settings, registry)))
    return [
        f"{f.path}:{f.line}:{f.column}: {f.rule_id} [{f.name}] {f.message}"
        for f in findings
        if f.severity is Severity.ERROR
    ]


def run_config(args: argparse.Namespace) -> int:
    cwd = os.getcwd()
    spec = spec_for(args, cwd)
    loaded = load(spec, Settings(), run_options(args, cwd))
    problems = invalid_findings(loaded)
    if problems or loaded.model is None:
        for line in problems or ["the project could not be loaded"]:
            print(printable(line), file=sys.stderr)
        return EXIT_FINDINGS
    document = compose_config(loaded.model)
    if args.format == "yaml":
        import yaml

        sys.stdout.write(yaml.safe_dump(document, sort_keys=False, default_flow_style=False))
    else:
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    return EXIT_OK
