"""The fulfillment service, declared once: `sellerops run fulfillment` runs it (runtime.service.Service builds
the host)."""

from sellerops.fulfillment import bootstrap, subscribers
from sellerops.fulfillment.adapters import BUCKETS
from sellerops.fulfillment.settings import FulfillmentSettings
from sellerops.runtime.service import Service

SERVICE = Service(
    name="fulfillment", distribution="sellerops-fulfillment",
    description="inbound plans and placement, receiving reconciliation, inventory ledger, outbound, removals",
    settings=FulfillmentSettings, consumers=subscribers.CONSUMERS, routes=subscribers.ROUTES,
    endpoints=subscribers.ENDPOINTS, publishes=subscribers.PUBLISHES, buckets=BUCKETS, build=bootstrap.build_from,
)
service_info, create_host, create_app, service_doc = (SERVICE.service_info, SERVICE.create_host, SERVICE.create_app,
                                                      SERVICE.service_doc)
