"""The dashboard plugin: registers the service with the runner (`sellerops up` starts it)."""

from sellerops.plugins.spec import Registry, ServicePlugin


def register(registry: Registry[ServicePlugin]) -> None:
    from sellerops.dashboard.app import SERVICE

    registry.add("dashboard", SERVICE.plugin("Web pages: the fleet, each seller's Account Health page, the services."))
