"""The notifications plugin: registers the service with the runner and its `sellerops notifications ...` commands."""

from sellerops.notifications.plugin import commands  # noqa: F401  (importing adds its commands to `cli`)
from sellerops.notifications.plugin.commands import cli
from sellerops.plugins.spec import Registry, ServicePlugin


def register(registry: Registry[ServicePlugin]) -> None:
    from sellerops.notifications.app import SERVICE

    registry.add("notifications", SERVICE.plugin(
        "Preferences, webhooks and email, the reply clock, review requests.", cli))
