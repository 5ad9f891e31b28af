"""The health service, declared once: `sellerops run health` runs it (runtime.service.Service builds the host)."""

from sellerops.health import bootstrap, subscribers
from sellerops.health.adapters import BUCKETS
from sellerops.health.settings import HealthSettings
from sellerops.runtime.service import Service

SERVICE = Service(
    name="health", distribution="sellerops-health",
    description="account health live from the events: metrics, rating, red flags, time travel",
    settings=HealthSettings, consumers=subscribers.CONSUMERS, routes=subscribers.ROUTES,
    endpoints=subscribers.ENDPOINTS, publishes=subscribers.PUBLISHES, buckets=BUCKETS, build=bootstrap.build_from,
)
service_info, create_host, create_app, service_doc = (SERVICE.service_info, SERVICE.create_host, SERVICE.create_app,
                                                      SERVICE.service_doc)
