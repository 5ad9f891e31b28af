"""create_app(settings=None): the notifications service as a FastStream application (`sellerops run notifications`)."""

from importlib.metadata import version

from faststream import FastStream

from sellerops.notifications import bootstrap, subscribers
from sellerops.notifications.adapters import BUCKETS
from sellerops.notifications.settings import NotificationsSettings
from sellerops.runtime.asyncapi import ServiceDoc
from sellerops.runtime.clock import Clock
from sellerops.runtime.host import Resources, ServiceHost, ServiceInfo, Wiring
from sellerops.runtime.settings import RuntimeSettings


def service_info() -> ServiceInfo:
    return ServiceInfo(
        name="notifications", version=version("sellerops-notifications"),
        description="seller preferences, signed webhooks and email with retries, the reply clock, review requests",
        consumers=subscribers.CONSUMERS, buckets=BUCKETS,
    )


def create_host(settings: NotificationsSettings | None = None, *, clock: Clock | None = None) -> ServiceHost:
    settings = settings or NotificationsSettings()

    def wire(resources: Resources) -> Wiring:
        handlers, background = bootstrap.build_from(resources, settings)
        return subscribers.wiring(handlers, background)

    return ServiceHost(service_info(), settings.runtime, wire, clock=clock)


def create_app(settings: NotificationsSettings | None = None, *, runtime: RuntimeSettings | None = None) -> FastStream:
    """The factory for `sellerops run notifications`."""
    if settings is None and runtime is not None:
        settings = NotificationsSettings(runtime=runtime)
    return create_host(settings).app()


def service_doc() -> ServiceDoc:
    info = service_info()
    return ServiceDoc(info.name, info.description, subscribers.ROUTES, subscribers.PUBLISHES, subscribers.ENDPOINTS)
