"""The health plugin: registers the service with the runner and its `sellerops health ...` commands."""

from sellerops.health.plugin import commands  # noqa: F401  (importing adds its commands to `cli`)
from sellerops.health.plugin.commands import cli
from sellerops.plugins.spec import Registry, ServicePlugin


def register(registry: Registry[ServicePlugin]) -> None:
    from sellerops.health.app import SERVICE

    registry.add("health", SERVICE.plugin("Account health: metrics, rating, red-flag alerts, time travel.", cli))
