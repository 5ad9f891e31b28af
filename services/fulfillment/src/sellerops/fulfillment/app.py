"""The fulfillment service, declared once: `sellerops run fulfillment` runs it (runtime.service.Service builds
the host)."""

from sellerops.fulfillment import bootstrap, subscribers
from sellerops.fulfillment.adapters import BUCKETS
from sellerops.fulfillment.settings import FulfillmentSettings
from sellerops.runtime.host import Resources, Wiring
from sellerops.runtime.service import Service


def wire(resources: Resources, settings: FulfillmentSettings) -> Wiring:
    """Its handlers still bound by name (runtime.host.wire_routes), until it moves to runtime.routes."""
    handlers, background = bootstrap.build_from(resources, settings)
    return subscribers.wiring(handlers, background)


SERVICE = Service(
    name="fulfillment", distribution="sellerops-fulfillment",
    description="inbound plans and placement, receiving reconciliation, inventory ledger, outbound, removals",
    settings=FulfillmentSettings, consumers=subscribers.CONSUMERS, routes=subscribers.ROUTES,
    endpoints=subscribers.ENDPOINTS, publishes=subscribers.PUBLISHES, buckets=BUCKETS, wire=wire,
)
service_info, create_host, create_app, service_doc = (SERVICE.service_info, SERVICE.create_host, SERVICE.create_app,
                                                      SERVICE.service_doc)
