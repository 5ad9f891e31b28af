"""The returns plugin: registers the service with the runner and its `sellerops returns ...` commands."""

from sellerops.plugins.spec import Registry, ServicePlugin
from sellerops.returns.plugin import commands  # noqa: F401  (importing adds its commands to `cli`)
from sellerops.returns.plugin.commands import cli


def register(registry: Registry[ServicePlugin]) -> None:
    from sellerops.returns.app import SERVICE

    registry.add("returns", SERVICE.plugin(
        "Return requests, FBA customer returns, A-to-z claims and chargebacks.", cli))
