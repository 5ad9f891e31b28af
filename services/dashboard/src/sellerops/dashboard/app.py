"""The dashboard service, declared once: `sellerops run dashboard` runs it (runtime.service.Service builds the
host)."""

from sellerops.dashboard import bootstrap, subscribers
from sellerops.dashboard.adapters import BUCKETS
from sellerops.dashboard.settings import DashboardSettings
from sellerops.runtime.service import Service

SERVICE = Service(
    name="dashboard", distribution="sellerops-dashboard",
    description="web pages: the fleet, each seller's account health, the services",
    settings=DashboardSettings, consumers=subscribers.CONSUMERS, routes=subscribers.ROUTES,
    endpoints=subscribers.ENDPOINTS, publishes=subscribers.PUBLISHES, buckets=BUCKETS, build=bootstrap.build_from,
    observes_fleet=True,
)
service_info, create_host, create_app, service_doc = (SERVICE.service_info, SERVICE.create_host, SERVICE.create_app,
                                                      SERVICE.service_doc)
