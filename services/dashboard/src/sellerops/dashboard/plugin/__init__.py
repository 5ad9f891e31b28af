"""The dashboard plugin: registers the service with the runner (`sellerops up` starts it)."""

from sellerops.plugins.spec import Registry, ServicePlugin


def register(registry: Registry[ServicePlugin]) -> None:
    from sellerops.dashboard.app import create_app, service_doc, service_info

    registry.add("dashboard", ServicePlugin(
        name="dashboard", description="Web pages: the fleet, each seller's Account Health page, the services.",
        create_app=create_app, cli=None, spec=service_doc, info=service_info,
    ))
