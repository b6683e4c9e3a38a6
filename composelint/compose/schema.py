"""Validation against the official compose-spec JSON schema.

The schema comes from check-jsonschema's vendored copy (pinned in pyproject), read as a file so that
the package's own imports are not paid for. Valid files, the common case, are checked by a
fastjsonschema validator compiled once and cached on disk; only invalid files go through
``jsonschema``, whose errors say precisely what is wrong and where.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import hmac
import importlib.util
import json
import marshal
import os
import re
import secrets
import stat
import sys
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from types import CodeType
from typing import Any

from composelint.compose.atomic import write_atomically
from composelint.compose.errors import ComposeError
from composelint.compose.span import Span
from composelint.compose.tree import YMap, YSeq

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


def _key_file() -> Path:
    # Apart from the cache on purpose: whoever can write the cache (a shared runner, a restored CI
    # cache) must not be able to sign what is in it.
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base, "composelint", "cache-key")


# Part of the cache file's name: changes whenever the validator is generated differently.
_VALIDATOR_EDITION = "v3"
_MAGIC = b"composelint-validator\n"


@cache
def _fast_validator() -> Callable[[Any], Any]:
    """fastjsonschema's validator for the pinned schema, compiled once per machine.

    The compiled code is cached on disk, and the cache is untrusted: an entry is executed only when
    its HMAC, made with a key of this user's that is kept outside the cache directory, is right.
    Anything else (a planted entry, a truncated or corrupt file, another version's) is compiled
    anew and written over.
    """
    import fastjsonschema

    digest = hashlib.sha256(schema_bytes()).hexdigest()[:16]
    tag = f"{digest}-{fastjsonschema.VERSION}-{sys.implementation.cache_tag}-{_VALIDATOR_EDITION}"
    cache_file = _cache_dir() / f"compose-spec-{tag}.marshal"
    key = _cache_key()
    code = _read_cache(cache_file, key, tag) if key is not None else None
    if code is None:
        # Only the verdict is used (messages come from jsonschema), yet the generated code formats
        # the path of every node it enters with `.format(**locals())`: 90 % of validation time.
        # Without the call the names stay unformatted templates, and the verdict is the same.
        source = fastjsonschema.compile_to_code(schema()).replace(".format(**locals())", "")
        code = compile(source, "<compose-spec validator>", "exec")
        if key is not None:
            payload = marshal.dumps(code)
            _write_cache(cache_file, _MAGIC + _mac(key, tag, payload) + payload)
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # our own generated validator, from the pinned schema (or verified as such)
    validator: Callable[[Any], Any] = namespace["validate_compose_spec_json"]
    return validator


def _mac(key: bytes, tag: str, payload: bytes) -> bytes:
    return hmac.new(key, tag.encode() + b"\0" + payload, hashlib.sha256).digest()


def _read_cache(path: Path, key: bytes, tag: str) -> CodeType | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    mac_end = len(_MAGIC) + hashlib.sha256().digest_size
    if not data.startswith(_MAGIC) or len(data) <= mac_end:
        return None
    mac, payload = data[len(_MAGIC) : mac_end], data[mac_end:]
    if not hmac.compare_digest(mac, _mac(key, tag, payload)):
        return None
    try:
        code = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None
    return code if isinstance(code, CodeType) else None


def _cache_key() -> bytes | None:
    """This user's key for signing cache entries, made on first use; None (no cache) when it
    cannot be made or is not private to this user."""
    path = _key_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(secrets.token_bytes(32))
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            key = handle.read(64)
    except OSError:
        return None
    private = not stat.S_IMODE(info.st_mode) & 0o077 and (
        not hasattr(os, "getuid") or info.st_uid == os.getuid()
    )
    return key if private and len(key) == 32 else None


def _write_cache(path: Path, data: bytes) -> None:
    # Atomic so parallel workers never read half a file; a read-only home just means no cache.
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(str(path), data)


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
    for error in _detailed_validator().iter_errors(model):
        for leaf in _explain(error):
            if leaf.validator in ("additionalProperties", "unevaluatedProperties"):
                errors.extend(_unexpected_keys(model, list(leaf.absolute_path), leaf))
            else:
                errors.append(_to_error(model, leaf))
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


def _explain(error: Any) -> list[Any]:
    """The errors that say what is wrong, for a oneOf/anyOf failure those of the form the user meant.

    A value that fails every alternative (``build: {contxt: .}`` is neither a string nor a valid
    mapping) is explained by the alternatives of its own type: the mapping form's unknown key. When
    no alternative has the value's type, the error itself is kept and worded as a type error.
    """
    if error.validator not in ("oneOf", "anyOf") or not error.context:
        return [error]
    branches: dict[Any, list[Any]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    of_its_type = [
        subs
        for subs in branches.values()
        if not any(s.validator == "type" and not s.relative_path for s in subs)
    ]
    if not of_its_type:
        return [error]
    chosen = min(of_its_type, key=len)  # the closest form: fewest problems
    return [leaf for sub in chosen for leaf in _explain(sub)]


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


_TYPE_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "null": "null",
}


def _type_words(expected: Any) -> str:
    named = list(dict.fromkeys(_TYPE_WORDS.get(str(t), str(t)) for t in expected))
    return ", ".join(named[:-1]) + " or " + named[-1] if len(named) > 1 else named[0]


def _expected_types(error: Any) -> list[str]:
    """The types a type error, or a oneOf/anyOf whose alternatives all failed on type, accepts."""
    if error.validator == "type":
        value = error.validator_value
        return list(value) if isinstance(value, list) else [value]
    return [t for sub in error.context or () if sub.validator == "type" for t in _expected_types(sub)]


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "null"


def _shown(value: Any) -> str:
    """A value quoted for a message, cut short: messages stay one readable line."""
    text = json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _to_error(model: YMap, error: Any) -> ComposeError:
    path = list(error.absolute_path)
    where = _dotted(path) or "the top level"
    span = _locate(model, path)
    expected = _expected_types(error) if error.validator in ("type", "oneOf", "anyOf") else []
    if expected:
        message = f"{where} must be {_type_words(expected)}, not {_kind_of(error.instance)}"
    elif error.validator == "enum":
        allowed = [str(v) for v in error.validator_value]
        message = f"{where} must be one of {', '.join(allowed)}, not {_shown(error.instance)}"
        close = difflib.get_close_matches(str(error.instance), allowed, n=1, cutoff=0.6)
        if close:
            message += f" (did you mean '{close[0]}'?)"
    elif error.validator == "required":
        missing = [key for key in error.validator_value if key not in error.instance]
        message = (
            f"{where} is missing the required key '{missing[0] if missing else error.validator_value[0]}'"
        )
    elif error.validator == "uniqueItems":
        message = f"{where} contains duplicate items"
    elif error.validator == "pattern":
        message = f"{where} {_shown(error.instance)} does not match the pattern {error.validator_value}"
    elif error.validator in ("oneOf", "anyOf"):
        message = f"{where} {_shown(error.instance)} matches none of the allowed forms"
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
