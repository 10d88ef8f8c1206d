"""The API's docs page, read off the OpenAPI document: the operations by tag, each with its
parameters, body fields and answers. Served by us, with no script: nothing from a CDN."""

from dataclasses import dataclass, field


@dataclass
class Field:
    name: str
    type: str
    required: bool
    description: str


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Field] = field(default_factory=list)
    body: str = ""
    body_fields: list[Field] = field(default_factory=list)
    answers: list[tuple[str, str, str]] = field(default_factory=list)  # status, words, model

    @property
    def anchor(self) -> str:
        return f"{self.method}-{self.path}".replace("/", "-").replace("{", "").replace("}", "")


def _model_name(schema: dict) -> str:
    return schema.get("$ref", "").rsplit("/", 1)[-1]


def _type(schema: dict, schemas: dict) -> str:
    """A schema's type in a few words: "string", "integer or null", "EventKind: a | b"."""
    if "$ref" in schema:
        name = _model_name(schema)
        target = schemas.get(name, {})
        if "enum" in target:
            return " | ".join(str(v) for v in target["enum"])
        return name
    if "anyOf" in schema:
        return " or ".join(_type(option, schemas) for option in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    if schema.get("type") == "array":
        return f"list of {_type(schema.get('items', {}), schemas)}"
    kind = schema.get("type", "any")
    return f"{kind} ({schema['format']})" if "format" in schema else kind


def _fields(model: dict, schemas: dict) -> list[Field]:
    required = set(model.get("required", ()))
    return [
        Field(name, _type(prop, schemas), name in required, prop.get("description", ""))
        for name, prop in model.get("properties", {}).items()
    ]


def operations_by_tag(spec: dict) -> dict[str, list[Operation]]:
    schemas = spec.get("components", {}).get("schemas", {})
    grouped: dict[str, list[Operation]] = {}
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            operation = Operation(
                method=method.upper(),
                path=path,
                summary=op.get("summary", ""),
                description=op.get("description", ""),
                parameters=[
                    Field(
                        f"{p['name']} ({p['in']})",
                        _type(p.get("schema", {}), schemas),
                        bool(p.get("required")),
                        p.get("description", ""),
                    )
                    for p in op.get("parameters", [])
                ],
            )
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            if body:
                operation.body = _model_name(body.get("schema", {}))
                operation.body_fields = _fields(schemas.get(operation.body, {}), schemas)
            for status, answer in op.get("responses", {}).items():
                content = answer.get("content", {}).get("application/json", {})
                model = _model_name(content.get("schema", {})) if content else ""
                operation.answers.append((status, answer.get("description", ""), model))
            for tag in op.get("tags") or ["other"]:
                grouped.setdefault(tag, []).append(operation)
    return grouped
