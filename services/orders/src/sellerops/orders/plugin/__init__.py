"""The orders plugin: registers the service with the runner and its `sellerops orders ...` commands."""

from sellerops.orders.plugin import bulk, commands, mcf  # noqa: F401  (importing adds their commands to `cli`)
from sellerops.orders.plugin.common import cli
from sellerops.plugins.spec import Registry, ServicePlugin


def register(registry: Registry[ServicePlugin]) -> None:
    from sellerops.orders.app import create_app, service_doc, service_info

    registry.add("orders", ServicePlugin(
        name="orders", description="A seller's orders: states, shipment confirmation.",
        create_app=create_app, cli=cli, spec=service_doc, info=service_info,
    ))
