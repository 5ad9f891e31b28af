"""The orders service's built-in plugins, registered through the same entry points as anyone's (see its
pyproject.toml): every built-in of a service is registered here, whatever module implements it."""

from typing import Any

from sellerops.orders.domain import carriers
from sellerops.plugins.spec import Registry


def register_carriers(registry: Registry[Any]) -> None:
    """The carrier tracking-number checks (`sellerops.carriers`)."""
    carriers.register(registry)
