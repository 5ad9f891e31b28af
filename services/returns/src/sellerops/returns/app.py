"""The returns service, declared once: `sellerops run returns` runs it (runtime.service.Service builds the host)."""

from sellerops.returns import bootstrap, subscribers
from sellerops.returns.adapters import BUCKETS
from sellerops.returns.settings import ReturnsSettings
from sellerops.runtime.service import Service

SERVICE = Service(
    name="returns", distribution="sellerops-returns",
    description="return requests, FBA customer returns, A-to-z claims and chargebacks, case files",
    settings=ReturnsSettings, consumers=subscribers.CONSUMERS, routes=subscribers.ROUTES,
    endpoints=subscribers.ENDPOINTS, publishes=subscribers.PUBLISHES, buckets=BUCKETS, build=bootstrap.build_from,
)
service_info, create_host, create_app, service_doc = (SERVICE.service_info, SERVICE.create_host, SERVICE.create_app,
                                                      SERVICE.service_doc)
