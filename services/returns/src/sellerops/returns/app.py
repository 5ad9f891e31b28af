"""create_app(settings=None): the returns service as a FastStream application (`sellerops run returns`)."""

from importlib.metadata import version

from faststream import FastStream

from sellerops.returns import bootstrap, subscribers
from sellerops.returns.adapters import BUCKETS
from sellerops.returns.settings import ReturnsSettings
from sellerops.runtime.asyncapi import ServiceDoc
from sellerops.runtime.clock import Clock
from sellerops.runtime.host import Resources, ServiceHost, ServiceInfo, Wiring
from sellerops.runtime.settings import RuntimeSettings


def service_info() -> ServiceInfo:
    return ServiceInfo(
        name="returns", version=version("sellerops-returns"),
        description="return requests, FBA customer returns, A-to-z claims and chargebacks, case files",
        consumers=subscribers.CONSUMERS, buckets=BUCKETS,
    )


def create_host(settings: ReturnsSettings | None = None, *, clock: Clock | None = None) -> ServiceHost:
    settings = settings or ReturnsSettings()

    def wire(resources: Resources) -> Wiring:
        handlers, background = bootstrap.build_from(resources, settings)
        return subscribers.wiring(handlers, background)

    return ServiceHost(service_info(), settings.runtime, wire, clock=clock)


def create_app(settings: ReturnsSettings | None = None, *, runtime: RuntimeSettings | None = None) -> FastStream:
    """The factory for `sellerops run returns`."""
    if settings is None and runtime is not None:
        settings = ReturnsSettings(runtime=runtime)
    return create_host(settings).app()


def service_doc() -> ServiceDoc:
    info = service_info()
    return ServiceDoc(info.name, info.description, subscribers.ROUTES, subscribers.PUBLISHES, subscribers.ENDPOINTS)
