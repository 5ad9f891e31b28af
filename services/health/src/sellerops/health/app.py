"""create_app(settings=None): the health service as a FastStream application (`sellerops run health`)."""

from importlib.metadata import version

from faststream import FastStream

from sellerops.health import bootstrap, subscribers
from sellerops.health.adapters import BUCKETS
from sellerops.health.settings import HealthSettings
from sellerops.runtime.asyncapi import ServiceDoc
from sellerops.runtime.clock import Clock
from sellerops.runtime.host import Resources, ServiceHost, ServiceInfo, Wiring
from sellerops.runtime.settings import RuntimeSettings


def service_info() -> ServiceInfo:
    return ServiceInfo(
        name="health", version=version("sellerops-health"),
        description="account health live from the events: metrics, rating, red flags, time travel",
        consumers=subscribers.CONSUMERS, buckets=BUCKETS,
    )


def create_host(settings: HealthSettings | None = None, *, clock: Clock | None = None) -> ServiceHost:
    settings = settings or HealthSettings()

    def wire(resources: Resources) -> Wiring:
        handlers, background = bootstrap.build_from(resources, settings)
        return subscribers.wiring(handlers, background)

    return ServiceHost(service_info(), settings.runtime, wire, clock=clock)


def create_app(settings: HealthSettings | None = None, *, runtime: RuntimeSettings | None = None) -> FastStream:
    """The factory for `sellerops run health`."""
    if settings is None and runtime is not None:
        settings = HealthSettings(runtime=runtime)
    return create_host(settings).app()


def service_doc() -> ServiceDoc:
    info = service_info()
    return ServiceDoc(info.name, info.description, subscribers.ROUTES, subscribers.PUBLISHES, subscribers.ENDPOINTS)
