"""The notifications plugin: registers the service with the runner and its `sellerops notifications ...` commands."""

from sellerops.notifications.plugin import commands  # noqa: F401  (importing adds its commands to `cli`)
from sellerops.notifications.plugin.commands import cli
from sellerops.plugins.spec import Registry, ServicePlugin


def register(registry: Registry[ServicePlugin]) -> None:
    from sellerops.notifications.app import create_app, service_doc, service_info

    registry.add("notifications", ServicePlugin(
        name="notifications", description="Preferences, webhooks and email, the reply clock, review requests.",
        create_app=create_app, cli=cli, spec=service_doc, info=service_info,
    ))
