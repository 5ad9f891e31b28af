"""create_app(settings=None): the fulfillment service as a FastStream application (`sellerops run fulfillment`)."""

from importlib.metadata import version

from faststream import FastStream

from sellerops.fulfillment import bootstrap, subscribers
from sellerops.fulfillment.adapters import BUCKETS
from sellerops.fulfillment.settings import FulfillmentSettings
from sellerops.runtime.asyncapi import ServiceDoc
from sellerops.runtime.clock import Clock
from sellerops.runtime.host import Resources, ServiceHost, ServiceInfo, Wiring
from sellerops.runtime.settings import RuntimeSettings


def service_info() -> ServiceInfo:
    return ServiceInfo(
        name="fulfillment", version=version("sellerops-fulfillment"),
        description="inbound plans and placement, receiving reconciliation, inventory ledger, outbound, removals",
        consumers=subscribers.CONSUMERS, buckets=BUCKETS,
    )


def create_host(settings: FulfillmentSettings | None = None, *, clock: Clock | None = None) -> ServiceHost:
    settings = settings or FulfillmentSettings()

    def wire(resources: Resources) -> Wiring:
        handlers, background = bootstrap.build_from(resources, settings)
        return subscribers.wiring(handlers, background)

    return ServiceHost(service_info(), settings.runtime, wire, clock=clock)


def create_app(settings: FulfillmentSettings | None = None, *, runtime: RuntimeSettings | None = None) -> FastStream:
    """The factory for `sellerops run fulfillment`."""
    if settings is None and runtime is not None:
        settings = FulfillmentSettings(runtime=runtime)
    return create_host(settings).app()


def service_doc() -> ServiceDoc:
    info = service_info()
    return ServiceDoc(info.name, info.description, subscribers.ROUTES, subscribers.PUBLISHES, subscribers.ENDPOINTS)
