"""Operators' JSON files decoded with msgspec, every error naming the file and the field."""

import re
from typing import Any

import msgspec


class ConfigError(ValueError):
    """A network or fee file that does not hold what it should; the message names the file and the field."""


_AT = re.compile(r"^(?P<msg>.*) - at `\$\.?(?P<path>.*)`$")
_FIELD = re.compile(r"^Object (?:missing required|contains unknown) field `(?P<name>[^`]*)`$")


def decode_config(data: bytes, tp: type, source: str) -> Any:
    """msgspec-decode a JSON config file, turning its errors into `ConfigError("<source>: <field>: <what>")`."""
    try:
        return msgspec.json.decode(data, type=tp)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"{source}: {_field_message(str(exc))}") from None
    except msgspec.DecodeError as exc:
        raise ConfigError(f"{source}: not valid JSON ({exc})") from None


def _field_message(text: str) -> str:
    at = _AT.match(text)
    if at is None:
        return text
    msg, path = at["msg"], at["path"]
    if named := _FIELD.match(msg):
        path = f"{path}.{named['name']}" if path else named["name"]
        msg = "required field is missing" if "missing" in msg else "unknown field"
    return f"{path or '(top level)'}: {msg[:1].lower()}{msg[1:]}"
