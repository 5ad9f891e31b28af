"""The built-in channels (webhook, email, log), registered under `sellerops.channels`."""

from sellerops.plugins.spec import Registry


def register(registry: Registry) -> None:
    from sellerops.notifications.channels import email, log, webhook

    for plugin in (webhook.PLUGIN, email.PLUGIN, log.PLUGIN):
        registry.add(plugin.name, plugin)
