"""The fulfillment plugin: registers the service with the runner and its `sellerops fulfillment ...` commands."""

from sellerops.fulfillment.plugin import commands  # noqa: F401  (importing adds its commands to `cli`)
from sellerops.fulfillment.plugin.common import cli
from sellerops.plugins.spec import Registry, ServicePlugin


def register(registry: Registry[ServicePlugin]) -> None:
    from sellerops.fulfillment.app import SERVICE

    registry.add("fulfillment", SERVICE.plugin(
        "Inbound plans and placement, receiving reconciliation, inventory, outbound, removals.", cli))
