"""The fulfillment service's built-in plugins, registered through the same entry points as anyone's (see its
pyproject.toml): every built-in of a service is registered here, whatever module implements it."""

from typing import Any

from sellerops.fulfillment.domain import placement, sourcing
from sellerops.plugins.spec import Registry


def register_placement(registry: Registry[Any]) -> None:
    """The inbound placement strategies (minimal, distributed, optimal) (`sellerops.placement`)."""
    placement.register(registry)


def register_sourcing(registry: Registry[Any]) -> None:
    """The outbound sourcing rule (nearest center) (`sellerops.sourcing`)."""
    sourcing.register(registry)
