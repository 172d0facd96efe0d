"""A small checker of JSON values against the OpenAPI 3.0 schemas of /api/v1/openapi.json: the
keywords the document uses ($ref, type, nullable, enum, required, properties, additionalProperties,
items, allOf, anyOf, pattern, minimum/maximum, minItems/maxItems). No dependency to install."""
from __future__ import annotations

import re

TYPES = {"object": dict, "array": list, "string": str, "boolean": bool}


def check(value, schema: dict, document: dict, path: str = "$") -> list[str]:
    """Every way `value` breaks `schema` (empty: it conforms)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return check(value, document["components"]["schemas"][name], document, path)
    if value is None:
        return [] if schema.get("nullable") else [f"{path}: null is not allowed"]
    errors: list[str] = []
    for sub in schema.get("allOf", []):
        errors += check(value, sub, document, path)
    if "anyOf" in schema and all(check(value, sub, document, path) for sub in schema["anyOf"]):
        errors.append(f"{path}: matches none of anyOf")
    kind = schema.get("type")
    if kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            return errors + [f"{path}: {value!r} is not an integer"]
    elif kind == "number":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return errors + [f"{path}: {value!r} is not a number"]
    elif kind is not None and not isinstance(value, TYPES[kind]):
        return errors + [f"{path}: {value!r} is not of type {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        errors.append(f"{path}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{path}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{path}: {value} > {schema['maximum']}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0) or len(value) > schema.get("maxItems", len(value)):
            errors.append(f"{path}: {len(value)} items")
        for i, item in enumerate(value):
            errors += check(item, schema.get("items", {}), document, f"{path}[{i}]")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                errors.append(f"{path}: {name} is required")
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            if name in properties:
                errors += check(item, properties[name], document, f"{path}.{name}")
            elif isinstance(extra, dict):
                errors += check(item, extra, document, f"{path}.{name}")
            elif extra is False:
                errors.append(f"{path}: unexpected {name}")
    return errors


def response_schema(document: dict, path: str, method: str, status: int, mimetype: str = "application/json") -> dict:
    response = document["paths"][path][method]["responses"][str(status)]
    if "$ref" in response:
        response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    return response["content"][mimetype]["schema"]
