"""The notifications service, declared once: `sellerops run notifications` runs it (runtime.service.Service
builds the host)."""

from sellerops.notifications import bootstrap, subscribers
from sellerops.notifications.adapters import BUCKETS
from sellerops.notifications.settings import NotificationsSettings
from sellerops.runtime.service import Service

SERVICE = Service(
    name="notifications", distribution="sellerops-notifications",
    description="seller preferences, signed webhooks and email with retries, the reply clock, review requests",
    settings=NotificationsSettings, consumers=subscribers.CONSUMERS, routes=subscribers.ROUTES,
    endpoints=subscribers.ENDPOINTS, publishes=subscribers.PUBLISHES, buckets=BUCKETS, build=bootstrap.build_from,
)
service_info, create_host, create_app, service_doc = (SERVICE.service_info, SERVICE.create_host, SERVICE.create_app,
                                                      SERVICE.service_doc)
