"""The `sellerops.ingest` plugin (entry point `builtin`): every built-in ingester under its name."""

from sellerops.integrations.domain import flatfiles, spapi
from sellerops.plugins.ingest import Ingester
from sellerops.plugins.spec import Registry


def register(registry: Registry[Ingester]) -> None:
    for ingester in [*spapi.INGESTERS, *flatfiles.INGESTERS]:
        registry.add(ingester.name, ingester)
