"""The orders service, declared once: `sellerops run orders` (or `faststream run --factory
sellerops.orders.app:create_app`) runs it; runtime.service.Service builds the host from this."""

from sellerops.orders import bootstrap, subscribers
from sellerops.orders.adapters import BUCKET, INDEX_BUCKET, MCF_BUCKET
from sellerops.orders.settings import OrdersSettings
from sellerops.runtime.service import Service

SERVICE = Service(
    name="orders", distribution="sellerops-orders", description="a seller's orders: states, shipment confirmation",
    settings=OrdersSettings, consumers=subscribers.CONSUMERS, routes=subscribers.ROUTES,
    endpoints=subscribers.ENDPOINTS, publishes=subscribers.PUBLISHES, buckets=(BUCKET, MCF_BUCKET, INDEX_BUCKET),
    build=bootstrap.build_from,
)
service_info, create_host, create_app, service_doc = (SERVICE.service_info, SERVICE.create_host, SERVICE.create_app,
                                                      SERVICE.service_doc)
