"""The orders plugin: registers the service with the runner and its `sellerops orders ...` commands."""

from sellerops.orders.plugin import bulk, commands, mcf  # noqa: F401  (importing adds their commands to `cli`)
from sellerops.orders.plugin.common import cli
from sellerops.plugins.spec import Registry, ServicePlugin


def register(registry: Registry[ServicePlugin]) -> None:
    from sellerops.orders.app import SERVICE

    registry.add("orders", SERVICE.plugin("A seller's orders: states, shipment confirmation.", cli))
