"""Built-in ingest adapters (`sellerops.ingest` plugins): SP-API documents and, when present, Seller Central
flat files. `sellerops ingest SELLER FILE...` loads them through the `builtin` entry point."""

from sellerops.integrations import spapi
from sellerops.plugins.spec import Registry


def register(registry: Registry) -> None:
    ingesters = list(spapi.INGESTERS)
    try:
        from sellerops.integrations import flatfiles
    except ImportError:
        pass
    else:
        ingesters.extend(flatfiles.INGESTERS)
    for ingester in ingesters:
        registry.add(ingester.name, ingester)
