"""create_app(settings=None): the orders service as a FastStream application (`sellerops run orders`)."""

from importlib.metadata import version

from faststream import FastStream

from sellerops.orders import bootstrap, subscribers
from sellerops.orders.adapters import BUCKET, INDEX_BUCKET, MCF_BUCKET
from sellerops.orders.settings import OrdersSettings
from sellerops.runtime.asyncapi import ServiceDoc
from sellerops.runtime.clock import Clock
from sellerops.runtime.host import Resources, ServiceHost, ServiceInfo, Wiring
from sellerops.runtime.settings import RuntimeSettings


def service_info() -> ServiceInfo:
    return ServiceInfo(
        name="orders", version=version("sellerops-orders"),
        description="a seller's orders: states, shipment confirmation",
        consumers=subscribers.CONSUMERS, buckets=(BUCKET, MCF_BUCKET, INDEX_BUCKET),
    )


def create_host(settings: OrdersSettings | None = None, *, clock: Clock | None = None) -> ServiceHost:
    settings = settings or OrdersSettings()

    def wire(resources: Resources) -> Wiring:
        handlers, background = bootstrap.build_from(resources, settings)
        return subscribers.wiring(handlers, background)

    return ServiceHost(service_info(), settings.runtime, wire, clock=clock)


def create_app(settings: OrdersSettings | None = None, *, runtime: RuntimeSettings | None = None) -> FastStream:
    """The factory for `sellerops run orders` (or `faststream run --factory sellerops.orders.app:create_app`)."""
    if settings is None and runtime is not None:
        settings = OrdersSettings(runtime=runtime)
    return create_host(settings).app()


def service_doc() -> ServiceDoc:
    info = service_info()
    return ServiceDoc(info.name, info.description, subscribers.ROUTES, subscribers.PUBLISHES, subscribers.ENDPOINTS)
