"""Reading SP-API JSON: keys matched without regard to case, required fields, ISO-8601 times, facts built
through the event decoder, and one problem type (`Bad`) carrying the JSON path where it was met."""

from datetime import UTC, datetime
from typing import Any

import msgspec

from sellerops.contracts.catalog import decode_event, encode
from sellerops.contracts.envelope import Event

__all__ = ["Bad", "build", "documents", "key", "opt", "req", "timestamp"]


class Bad(Exception):
    """A document problem: `path` is a JSON path inside the document."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


# ---- case-insensitive access ----


def key(obj: dict, name: str) -> str | None:
    if name in obj:
        return name
    lowered = name.lower()
    return next((k for k in obj if isinstance(k, str) and k.lower() == lowered), None)


def opt(obj: Any, name: str, default: Any = None) -> Any:
    if not isinstance(obj, dict):
        return default
    found = key(obj, name)
    return default if found is None or obj[found] is None else obj[found]


def req(obj: dict, name: str, path: str, kind: type | tuple[type, ...] | None = None) -> Any:
    value = opt(obj, name)
    if value is None:
        raise Bad(f"{path}.{name}", "missing field")
    if kind is not None and not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise Bad(f"{path}.{name}", f"expected {_json_kind(names)}, got {type(value).__name__}")
    return value


def _json_kind(names: str) -> str:
    return names.replace("dict", "an object").replace("list", "an array").replace("str", "a string")


def timestamp(value: Any, path: str) -> datetime:
    if not isinstance(value, str):
        raise Bad(path, "expected an ISO-8601 date-time string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise Bad(path, f"not an ISO-8601 date-time: {value!r}") from None
    if parsed.tzinfo is None:
        raise Bad(path, f"date-time without a time zone: {value!r}")
    return parsed.astimezone(UTC)


def build(cls: type[Event], path: str, **fields: Any) -> Event:
    """Validate through the event decoder (patterns, bounds), so a bad value is a problem, not a crash."""
    raw = {"type": cls.type_tag(), **fields}
    try:
        return decode_event(encode(raw), cls)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise Bad(path, f"cannot build {cls.__name__}: {exc}") from None


# ---- reading documents ----


def documents(text: str) -> list[tuple[int, Any]]:
    """(document number, decoded value); a whole-text JSON value first, else JSON lines (numbered by line)."""
    stripped = text.strip()
    if not stripped:
        return []
    try:
        whole = msgspec.json.decode(stripped)
    except msgspec.DecodeError:
        whole = msgspec.UNSET
    if isinstance(whole, list):
        return list(enumerate(whole, start=1))
    if whole is not msgspec.UNSET:
        return [(1, whole)]
    out: list[tuple[int, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append((number, msgspec.json.decode(line)))
        except msgspec.DecodeError as exc:
            out.append((number, _NotJson(str(exc))))
    return out


class _NotJson:
    def __init__(self, message: str) -> None:
        self.message = message
