"""`composelint config`: print the project as composelint reads it, shaped like `docker compose config`."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable
from typing import Any

from composelint.cli import EXIT_FINDINGS, EXIT_OK
from composelint.commands.check import run_options
from composelint.discovery import ProjectSpec, default_project, project_for_file
from composelint.engine import load, run_rules
from composelint.errors import UsageError
from composelint.finding import Severity
from composelint.loader import LoadedProject
from composelint.merge import go_format
from composelint.registry import Registry
from composelint.settings import Settings
from composelint.specs import SpecError, format_duration, go_parse_float, parse_bytes, parse_duration
from composelint.tree import YMap, plain


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
        if kind in ("networks", "models"):
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
    for kind in ("networks", "volumes", "secrets", "configs", "models"):
        used = _used_resources(services, kind)
        resources = {k: _resource(kind, v) for k, v in sorted((data.get(kind) or {}).items()) if k in used}
        if resources:
            out[kind] = resources
    out["services"] = services
    out.update((key, value) for key, value in sorted(data.items()) if key.startswith("x-"))
    return dict(sorted(_escape_dollars(out).items()))


# Go's JSON of compose-go's types leaves out empty fields (`omitempty`), except these, which are
# pointers (a set zero stays) or are printed always. Maps keyed by names are not structs: their
# entries all stay.
_KEPT_WHEN_EMPTY = frozenset(
    {
        "attach",
        "init",
        "scale",
        "command",
        "entrypoint",
        "required",
        "replicas",
        "retries",
        "parallelism",
        "max_attempts",
        "resources",
        "placement",
        "path",
        "action",
        "ipam",
    }
)
_NAMED_MAPS = frozenset(
    {
        "annotations",
        "args",
        "additional_contexts",
        "aux_addresses",
        "depends_on",
        "driver_opts",
        "environment",
        "labels",
        "models",
        "networks",
        "options",
        "ssh",
        "storage_opt",
        "sysctls",
        "ulimits",
    }
)
_DURATIONS = frozenset(
    {
        "stop_grace_period",
        "interval",
        "timeout",
        "start_period",
        "start_interval",
        "delay",
        "monitor",
        "window",
    }
)
_SIZES = frozenset(
    {"mem_limit", "mem_reservation", "memswap_limit", "mem_swappiness", "shm_size", "memory", "size", "rate"}
)


def _service(service: dict[str, Any]) -> dict[str, Any]:
    out = _struct(service)
    out.setdefault("command", None)
    out.setdefault("entrypoint", None)
    if isinstance(out.get("extra_hosts"), list):
        out["extra_hosts"] = sorted(out["extra_hosts"])
    if "ports" in out:
        out["ports"] = [_port(port) for port in out["ports"]]
    for mounts in (out.get("secrets"), out.get("configs"), (out.get("build") or {}).get("secrets")):
        for mount in mounts or []:
            if isinstance(mount, dict) and "mode" in mount:
                mount["mode"] = _file_mode(mount["mode"])
    deploy = out.get("deploy")
    if isinstance(deploy, dict):
        deploy.setdefault("resources", {})
        deploy.setdefault("placement", {})
    develop = out.get("develop")
    for rule in develop.get("watch") or [] if isinstance(develop, dict) else []:
        if isinstance(rule, dict):
            rule.setdefault("exec", {"command": None})
    provider = out.get("provider")
    options = provider.get("options") if isinstance(provider, dict) else None
    if isinstance(options, dict):  # compose-go MultiOptions: every option is a list of strings
        for key, value in options.items():
            options[key] = [go_format(v) for v in (value if isinstance(value, list) else [value])]
    blkio = out.get("blkio_config")
    if isinstance(blkio, dict):  # these Go structs have no JSON tags: Compose prints Path, Rate, Weight
        for key, devices in blkio.items():
            if isinstance(devices, list):
                blkio[key] = [
                    {k.capitalize(): v for k, v in d.items()} if isinstance(d, dict) else d for d in devices
                ]
    return out


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
        if key in _NAMED_MAPS:
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
    return value == {} and key in _NAMED_MAPS


def _resource(kind: str, resource: Any) -> Any:
    if not isinstance(resource, dict):
        return resource
    out = _struct(resource)
    if kind == "networks":
        out.setdefault("ipam", {})
    return out


def _port(port: Any) -> Any:
    if isinstance(port, dict):
        if isinstance(port.get("published"), int):
            port["published"] = str(port["published"])
        if isinstance(port.get("target"), str) and port["target"].isdigit():
            port["target"] = int(port["target"])
    return port


def _file_mode(mode: Any) -> Any:
    """compose-go FileMode prints as an octal string: 0440 (an int) and "440" both give "0440"."""
    if isinstance(mode, str) and re.fullmatch(r"[0-7]+", mode):
        mode = int(mode, 8)
    return f"0{mode:o}" if isinstance(mode, int) and not isinstance(mode, bool) else mode


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
            print(line, file=sys.stderr)
        return EXIT_FINDINGS
    document = compose_config(loaded.model)
    if args.format == "yaml":
        import yaml

        sys.stdout.write(yaml.safe_dump(document, sort_keys=False, default_flow_style=False))
    else:
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    return EXIT_OK
