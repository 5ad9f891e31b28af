"""The returns plugin: registers the service with the runner and its `sellerops returns ...` commands."""

from sellerops.plugins.spec import Registry, ServicePlugin
from sellerops.returns.plugin import commands  # noqa: F401  (importing adds its commands to `cli`)
from sellerops.returns.plugin.commands import cli


def register(registry: Registry[ServicePlugin]) -> None:
    from sellerops.returns.app import create_app, service_doc, service_info

    registry.add("returns", ServicePlugin(
        name="returns", description="Return requests, FBA customer returns, A-to-z claims and chargebacks.",
        create_app=create_app, cli=cli, spec=service_doc, info=service_info,
    ))
