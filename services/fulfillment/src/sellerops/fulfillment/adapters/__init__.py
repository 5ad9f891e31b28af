"""The real world behind the ports: KV stores and the ledger stream (`stores`), operators' files (`network_file`,
`costs_file`, decoded by `decoding`) and postal codes on the map (`geo`)."""

from sellerops.fulfillment.adapters.costs_file import (
    costs_from_bytes, costs_from_file, default_costs, default_fees, fees_from_bytes, fees_from_file,
)
from sellerops.fulfillment.adapters.decoding import ConfigError
from sellerops.fulfillment.adapters.geo import locate, locate_destination
from sellerops.fulfillment.adapters.network_file import (
    buyer_regions_from_bytes, buyer_regions_from_file, default_buyer_regions, default_network, network_from_bytes,
    network_from_file,
)
from sellerops.fulfillment.adapters.stores import (
    BUCKETS, DEMAND, OUTBOUND, PLANS, REMOVALS, SHIPMENTS, STOCK, StockStore, StreamLedger, store, stores,
)

__all__ = [
    "BUCKETS", "DEMAND", "OUTBOUND", "PLANS", "REMOVALS", "SHIPMENTS", "STOCK", "ConfigError", "StockStore",
    "StreamLedger", "buyer_regions_from_bytes", "buyer_regions_from_file", "costs_from_bytes", "costs_from_file",
    "default_buyer_regions", "default_costs", "default_fees", "default_network", "fees_from_bytes", "fees_from_file",
    "locate", "locate_destination", "network_from_bytes", "network_from_file", "store", "stores",
]
