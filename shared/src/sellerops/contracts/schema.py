"""A bridge so pydantic (and so FastStream's AsyncAPI generator) can describe msgspec Structs.

FastStream builds payload schemas through pydantic; a plain Struct makes it raise
PydanticSchemaGenerationError (faststream issue #2101). Structs deriving from SchemaStruct answer
pydantic with msgspec's own JSON schema, with nested definitions inlined, so the document shows
the wire format msgspec really accepts. Runtime decoding never goes through pydantic.
"""

from typing import Any

import msgspec


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """Resolve every local `$ref` of a msgspec schema so the result stands alone."""
    defs = schema.get("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return resolve(defs[ref.removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items() if key != "$defs"}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved


def _any_value(tp: Any) -> dict[str, Any]:
    """`object` (a case file's free-form `dict[str, object]`) is any JSON value."""
    if tp is object:
        return {"description": "any JSON value"}
    raise NotImplementedError  # msgspec's answer for a type it cannot describe


def json_schema(tp: Any) -> dict[str, Any]:
    return inline_refs(msgspec.json.schema(tp, schema_hook=_any_value))


class SchemaStruct(msgspec.Struct, frozen=True):
    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        def validate(value: Any) -> Any:
            return value if isinstance(value, cls) else msgspec.convert(value, cls)

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(msgspec.to_builtins),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return json_schema(cls)
