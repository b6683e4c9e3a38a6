"""`composelint config`: print the project as composelint reads it, shaped like `docker compose config`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from composelint.cli import EXIT_FINDINGS, EXIT_OK
from composelint.commands.check import run_options
from composelint.discovery import ProjectSpec, default_project, project_for_file
from composelint.engine import load, run_rules
from composelint.errors import UsageError
from composelint.finding import Severity
from composelint.loader import LoadedProject
from composelint.registry import Registry
from composelint.settings import Settings
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
        if kind == "networks":
            used.update((service.get("networks") or {}).keys())
        elif kind == "volumes":
            used.update(
                m["source"]
                for m in service.get("volumes") or []
                if m.get("type") == "volume" and m.get("source")
            )
        else:
            used.update(
                entry["source"]
                for entry in service.get(kind) or []
                if isinstance(entry, dict) and isinstance(entry.get("source"), str)
            )
    return used


def compose_config(model: YMap) -> dict[str, Any]:
    """The model in `docker compose config --format json` shape (unused resources dropped, as Compose does)."""
    data = plain(model)
    services = {name: _service(svc) for name, svc in sorted((data.get("services") or {}).items())}
    out: dict[str, Any] = {"name": data.get("name")}
    for kind in ("networks", "volumes", "secrets", "configs"):
        used = _used_resources(services, kind)
        resources = {k: v for k, v in sorted((data.get(kind) or {}).items()) if k in used}
        if kind == "networks":
            resources = {
                k: {**v, "ipam": v.get("ipam", {})} if isinstance(v, dict) else v
                for k, v in resources.items()
            }
        if resources:
            out[kind] = resources
    out["services"] = services
    for key, value in data.items():
        if key.startswith("x-") or key == "models":
            out[key] = value
    return out


def _service(service: dict[str, Any]) -> dict[str, Any]:
    out = dict(service)
    out.setdefault("command", None)
    out.setdefault("entrypoint", None)
    ports = out.get("ports")
    if isinstance(ports, list):
        out["ports"] = [_port(p) for p in ports]
    volumes = out.get("volumes")
    if isinstance(volumes, list):
        # Compose's model omits empty strings (Go `omitempty`), e.g. a source from an unset variable.
        out["volumes"] = [
            {k: v for k, v in m.items() if v != ""} if isinstance(m, dict) else m for m in volumes
        ]
    return out


def _port(port: Any) -> Any:
    if not isinstance(port, dict):
        return port
    port = dict(port)
    if isinstance(port.get("published"), int):
        port["published"] = str(port["published"])
    if isinstance(port.get("target"), str) and port["target"].isdigit():
        port["target"] = int(port["target"])
    return port


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
