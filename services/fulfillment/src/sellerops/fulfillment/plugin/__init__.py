"""The fulfillment plugin: registers the service with the runner and its `sellerops fulfillment ...` commands."""

from sellerops.fulfillment.plugin import commands  # noqa: F401  (importing adds its commands to `cli`)
from sellerops.fulfillment.plugin.common import cli
from sellerops.plugins.spec import Registry, ServicePlugin


def register(registry: Registry[ServicePlugin]) -> None:
    from sellerops.fulfillment.app import create_app, service_doc, service_info

    registry.add("fulfillment", ServicePlugin(
        name="fulfillment",
        description="Inbound plans and placement, receiving reconciliation, inventory, outbound, removals.",
        create_app=create_app, cli=cli, spec=service_doc, info=service_info,
    ))
