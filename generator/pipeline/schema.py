"""The JSON Schemas shipped with the package: the one source of validation rules and of which
fields are internal (``x-internal: true``) or translatable (``x-translate: true``).

Schema errors become Problems at the place of the offending value (or of the unknown key), with a
message a department editor can act on.
"""

from __future__ import annotations

import difflib
import json
from functools import lru_cache
from importlib import resources
from typing import Any, Iterator

import jsonschema_rs
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from generator.errors import Problems
from generator.pipeline.load import Doc, field_name

KIND_SCHEMAS = {
    "department": "department.schema.json",
    "service": "service.schema.json",
    "alert": "alert.schema.json",
    "calendar": "calendar.schema.json",
    "article": "article.schema.json",
    "config": "config.schema.json",
    "thesaurus": "thesaurus.schema.json",
}
BASE = "https://schemas.kb311.org/v1/"


def schema_names() -> list[str]:
    folder = resources.files("generator") / "schemas"
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".json"))


@lru_cache(maxsize=None)
def raw_schema(name: str) -> dict:
    text = (resources.files("generator") / "schemas" / name).read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=None)
def _walkable(name: str) -> dict:
    """A schema whose local references ('#/$defs/x') name their file, for resolve()."""
    def fix(node):
        if isinstance(node, dict):
            return {k: (name + v if k == "$ref" and isinstance(v, str) and v.startswith("#") else fix(v))
                    for k, v in node.items()}
        if isinstance(node, list):
            return [fix(v) for v in node]
        return node
    return fix(raw_schema(name))


@lru_cache(maxsize=None)
def registry() -> Registry:
    return Registry().with_resources(
        (BASE + name, Resource.from_contents(raw_schema(name))) for name in schema_names())


@lru_cache(maxsize=None)
def validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(raw_schema(KIND_SCHEMAS[kind]), registry=registry())


@lru_cache(maxsize=None)
def fast_validator(kind: str) -> jsonschema_rs.Draft202012Validator:
    """The same schema compiled by jsonschema-rs: it says valid or not about a hundred times
    faster than ``validator``, which then explains the few documents that are not."""
    schemas = jsonschema_rs.Registry([(BASE + name, raw_schema(name)) for name in schema_names()])
    return jsonschema_rs.Draft202012Validator(raw_schema(KIND_SCHEMAS[kind]), registry=schemas)


def resolve(schema: dict) -> dict:
    """Follow a $ref (one level is all our schemas use), merging the sibling keywords."""
    ref = schema.get("$ref")
    if not ref:
        return schema
    name, _, pointer = ref.partition("#")
    target: Any = _walkable(name)
    for part in pointer.strip("/").split("/") if pointer else []:
        target = target[part]
    merged = dict(resolve(target))
    merged.update({k: v for k, v in schema.items() if k != "$ref"})
    return merged


def walk(schema: dict, path: tuple = ()) -> Iterator[tuple[tuple, dict]]:
    """Every (path, subschema) of a schema's properties; '*' stands for a list item or a map value."""
    schema = resolve(schema)
    yield path, schema
    for key, sub in schema.get("properties", {}).items():
        yield from walk(sub, path + (key,))
    if isinstance(schema.get("items"), dict):
        yield from walk(schema["items"], path + ("*",))
    if isinstance(schema.get("additionalProperties"), dict):
        yield from walk(schema["additionalProperties"], path + ("*",))


def marked_paths(kind: str, mark: str) -> list[tuple]:
    """Paths of a kind's fields that carry an annotation, such as x-internal or x-translate."""
    return [p for p, s in walk(_walkable(KIND_SCHEMAS[kind])) if s.get(mark)]


def public_view(kind: str, data: Any) -> Any:
    """A copy of `data` without the fields the schema marks x-internal (at any depth)."""
    return _strip(_walkable(KIND_SCHEMAS[kind]), data)


def _strip(schema: dict, data: Any) -> Any:
    schema = resolve(schema)
    if isinstance(data, dict):
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        out = {}
        for key, value in data.items():
            sub = props.get(key, extra if isinstance(extra, dict) else None)
            if sub is not None and resolve(sub).get("x-internal"):
                continue
            out[key] = _strip(sub, value) if sub is not None else value
        return out
    if isinstance(data, list) and isinstance(schema.get("items"), dict):
        return [_strip(schema["items"], v) for v in data]
    return data


# --- messages ----------------------------------------------------------------------------------

_TYPE_WORDS = {
    "string": "text", "array": "a list", "object": "a mapping of 'field: value' lines",
    "integer": "a whole number", "number": "a number", "boolean": "true or false", "null": "empty",
}


def _type_of(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, int):
        return f"the number {value}"
    if isinstance(value, float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"the text '{value}'"


def suggest(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _message(err) -> str:
    schema = err.schema if isinstance(err.schema, dict) else {}
    custom = schema.get("x-message")
    v, value = err.validator, err.instance
    if v in ("pattern", "oneOf", "anyOf", "const", "format", "propertyNames") and custom:
        return custom
    if v == "type":
        if custom and isinstance(value, (int, float, bool)) and not isinstance(value, bool):
            return custom
        want = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        words = " or ".join(_TYPE_WORDS.get(w, w) for w in want)
        hint = ""
        if "string" in want and isinstance(value, bool):
            hint = f"; put quotes around it (\"{'yes' if value else 'no'}\") to mean the word"
        elif "string" in want and isinstance(value, (int, float)):
            hint = f"; put quotes around it (\"{value}\")"
        return f"must be {words}, not {_type_of(value)}{hint}"
    if v == "enum":
        opts = [str(o) for o in err.validator_value]
        return f"must be one of: {', '.join(opts)} (not '{value}'){suggest(value, opts)}"
    if v == "minLength":
        return "must not be empty"
    if v == "maxLength":
        return f"is {len(value)} characters long; keep it to {err.validator_value} or fewer"
    if v == "minItems":
        n = err.validator_value
        return f"must list at least {n} item{'s' if n != 1 else ''}"
    if v == "minProperties":
        return "must not be empty"
    if v == "uniqueItems":
        seen, dupes = set(), []
        for item in value:
            key = json.dumps(item, sort_keys=True)
            if key in seen:
                dupes.append(str(item))
            seen.add(key)
        return f"lists {', '.join(repr(d) for d in dupes) or 'an item'} more than once; keep one"
    if v in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        words = {"minimum": "at least", "exclusiveMinimum": "more than", "maximum": "at most",
                 "exclusiveMaximum": "less than"}[v]
        return f"must be {words} {err.validator_value} (not {value})"
    if custom:
        return custom
    return err.message


def _problems_for(err, doc: Doc, prefix: tuple) -> Iterator[tuple[tuple, tuple[int, int], str]]:
    """Yield (field path, position, message) for one jsonschema error."""
    path = prefix + tuple(err.absolute_path)
    if err.validator == "additionalProperties" and err.validator_value is False:
        allowed = sorted(err.schema.get("properties", {}))
        for key in err.instance:
            if key in allowed:
                continue
            sub = path + (key,)
            msg = f"unknown field '{key}'{suggest(key, allowed)}"
            if "did you mean" not in msg:
                msg += (f": {err.schema['x-message']}" if err.schema.get("x-message")
                        else f" (allowed here: {', '.join(allowed)})")
            yield sub, doc.key_pos(sub), msg
        return
    if err.validator == "required":
        present = err.instance if isinstance(err.instance, dict) else {}
        for key in err.validator_value:
            if key not in present:
                where = doc.key_pos(path) if path else doc.pos(())
                yield path + (key,), where, f"required field '{key}' is missing"
        return
    if err.validator == "propertyNames":
        key = err.instance
        sub = path + (key,)
        yield sub, doc.key_pos(sub), f"'{key}' {_message(err)}"
        return
    yield path, doc.pos(path), _message(err)


def check_doc(doc: Doc, kind: str, problems: Problems, data: Any = None, prefix: tuple = ()) -> bool:
    """Validate a document (or the part of it at `prefix`) against its kind's schema."""
    before = len(problems.items)
    data = doc.data if data is None else data
    try:
        if fast_validator(kind).is_valid(data):
            return True
    except ValueError:  # a value JSON does not have; the full check explains it
        pass
    for err in validator(kind).iter_errors(data):
        for path, (line, col), msg in _problems_for(err, doc, prefix):
            problems.add(doc.path, line, col, field_name(path), msg)
    return len(problems.items) == before
