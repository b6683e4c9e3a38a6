"""Validation against the official compose-spec JSON schema.

The schema comes from check-jsonschema's vendored copy (pinned in pyproject), read as a file so that
the package's own imports are not paid for. Valid files, the common case, are checked by a
fastjsonschema validator compiled once and cached on disk; only invalid files go through
``jsonschema``, whose errors say precisely what is wrong and where.
"""

from __future__ import annotations

import difflib
import hashlib
import importlib.util
import json
import marshal
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

from composelint.errors import ComposeError
from composelint.span import Span
from composelint.tree import YMap, YSeq

_SCHEMA_PACKAGE = "check_jsonschema"
_SCHEMA_RESOURCE = ("builtin_schemas", "vendor", "compose-spec.json")


@cache
def schema_bytes() -> bytes:
    spec = importlib.util.find_spec(_SCHEMA_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the compose-spec schema is missing: reinstall composelint (check-jsonschema)")
    location = Path(next(iter(spec.submodule_search_locations)), *_SCHEMA_RESOURCE)
    return location.read_bytes()


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_bytes())
    return loaded


def _cache_dir() -> Path:
    configured = os.environ.get("COMPOSELINT_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base, "composelint")


@cache
def _fast_validator() -> Callable[[Any], Any]:
    import fastjsonschema

    digest = hashlib.sha256(schema_bytes()).hexdigest()[:16]
    tag = f"{digest}-{fastjsonschema.VERSION}-{sys.implementation.cache_tag}"
    cache_file = _cache_dir() / f"compose-spec-{tag}.marshal"
    code = None
    try:
        code = marshal.loads(cache_file.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        source = fastjsonschema.compile_to_code(schema())
        code = compile(source, "<compose-spec validator>", "exec")
        _write_cache(cache_file, marshal.dumps(code))
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # our own generated validator, from the pinned schema
    validator: Callable[[Any], Any] = namespace["validate_compose_spec_json"]
    return validator


def _write_cache(path: Path, data: bytes) -> None:
    # Atomic so parallel workers never read half a file; a read-only home just means no cache.
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        return


def is_valid(model: YMap) -> bool:
    import fastjsonschema

    try:
        _fast_validator()(model)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def validate(model: YMap) -> list[ComposeError]:
    """Every schema violation in ``model``, each at the node it concerns."""
    if is_valid(model):
        return []
    errors: list[ComposeError] = []
    for error in _detailed_errors(model):
        if error.validator in ("additionalProperties", "unevaluatedProperties"):
            errors.extend(_unexpected_keys(model, list(error.absolute_path), error))
        else:
            errors.append(_to_error(model, error))
    return errors


@cache
def _detailed_validator() -> Any:
    import jsonschema

    # The vendored schema says "https://json-schema.org/draft-07/schema" (no "#"), which jsonschema
    # does not recognise: pick the draft from the URL rather than fall back to the latest one.
    declared = str(schema().get("$schema", ""))
    drafts = {"draft-07": jsonschema.Draft7Validator, "2019-09": jsonschema.Draft201909Validator}
    cls = next((v for k, v in drafts.items() if k in declared), None)
    if cls is None:
        cls = jsonschema.validators.validator_for(schema(), default=jsonschema.Draft202012Validator)
    return cls(schema())


def _detailed_errors(model: YMap) -> list[Any]:
    found = []
    for error in _detailed_validator().iter_errors(model):
        found.append(_most_specific(error) if error.context else error)
    return found


def _most_specific(error: Any) -> Any:
    """For oneOf/anyOf failures, the branch error that explains the problem best."""
    import jsonschema.exceptions

    best = jsonschema.exceptions.best_match(error.context)
    while best is not None and best.context:
        best = jsonschema.exceptions.best_match(best.context)
    # A type mismatch against every branch reads better as Compose words it: "must be a X".
    if best is None or (best.validator == "type" and len(best.absolute_path) == len(error.absolute_path)):
        return error
    return best


def _locate(model: YMap, path: Iterable[Any]) -> Span:
    """Span of the node at ``path``: the key of a mapping entry, the item of a sequence."""
    node: Any = model
    span = model.span
    for part in path:
        if isinstance(node, YMap) and isinstance(part, str) and part in node:
            span = node.key_span(part)
            node = node[part]
        elif isinstance(node, YSeq) and isinstance(part, int) and 0 <= part < len(node):
            span = node.item_span(part)
            node = node[part]
        else:
            break
    return span


def _dotted(path: Iterable[Any]) -> str:
    return ".".join(str(p) for p in path)


def _type_words(expected: Any) -> str:
    words: dict[str, str] = {
        "object": "a mapping",
        "array": "a list",
        "string": "a string",
        "integer": "an integer",
        "number": "a number",
        "boolean": "a boolean",
        "null": "null",
    }
    if isinstance(expected, list):
        named = [words.get(str(t), str(t)) for t in expected]
        return ", ".join(named[:-1]) + " or " + named[-1] if len(named) > 1 else named[0]
    return words.get(str(expected), str(expected))


def _to_error(model: YMap, error: Any) -> ComposeError:
    path = list(error.absolute_path)
    where = _dotted(path) or "top level"
    span = _locate(model, path)
    if error.validator == "type":
        message = f"{where} must be {_type_words(error.validator_value)}"
    elif error.validator == "enum":
        allowed = ", ".join(json.dumps(v) for v in error.validator_value)
        message = f"{where} must be one of {allowed}"
    elif error.validator == "required":
        message = f"{where}: {error.message}"
    elif error.validator == "uniqueItems":
        message = f"{where} contains duplicate items"
    elif error.validator == "pattern":
        message = f"{where} does not match the pattern {error.validator_value}"
    else:
        message = f"{where}: {error.message}"
    return ComposeError(message, span, "schema-violation")


def _unexpected_keys(model: YMap, path: list[Any], error: Any) -> list[ComposeError]:
    """One error per key that the schema does not allow, at that key, with a "did you mean"."""
    node: Any = model
    for part in path:
        node = node[part]
    if not isinstance(node, YMap):
        return [ComposeError(f"{_dotted(path)}: {error.message}", _locate(model, path), "schema-violation")]
    allowed = sorted(error.schema.get("properties", {}))
    patterns = [re.compile(pattern) for pattern in error.schema.get("patternProperties", {})]
    where = f"in {_dotted(path)}" if path else "at the top level"
    errors = []
    for key in node:
        if key in allowed or any(pattern.search(key) for pattern in patterns):
            continue
        message = f"additional property '{key}' is not allowed {where}"
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        if close:
            message += f" (did you mean '{close[0]}'?)"
        errors.append(ComposeError(message, node.key_span(key), "schema-violation"))
    return errors
