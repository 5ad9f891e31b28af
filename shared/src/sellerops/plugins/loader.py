"""Loads plugins from entry points, once, honouring an allowlist. Built-ins come through the same path."""

from collections.abc import Sequence
from importlib.metadata import entry_points
from typing import TypeVar

import structlog

from sellerops.plugins.spec import Registry

T = TypeVar("T")
log = structlog.get_logger("sellerops.plugins")


def load(group: str, registry: Registry[T] | None = None, *, allow: Sequence[str] = ()) -> Registry[T]:
    """Call `register(registry)` of every plugin installed in `group` whose name is allowed."""
    registry = registry if registry is not None else Registry(group)
    for ep in sorted(entry_points(group=group), key=lambda e: e.name):
        if allow and ep.name not in allow:
            log.info("plugin_skipped", group=group, plugin=ep.name, why="not in allowlist")
            continue
        target = ep.load()
        register = getattr(target, "register", target)
        if not callable(register):
            raise TypeError(f"{group}: plugin {ep.name!r} ({ep.value}) has no register(registry)")
        register(registry)
    return registry
