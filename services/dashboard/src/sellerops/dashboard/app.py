"""create_app(settings=None): the dashboard service as a FastStream application (`sellerops run dashboard`)."""

from importlib.metadata import version

from faststream import FastStream

from sellerops.dashboard import bootstrap, subscribers
from sellerops.dashboard.adapters import BUCKETS
from sellerops.dashboard.settings import DashboardSettings
from sellerops.runtime.asyncapi import ServiceDoc
from sellerops.runtime.clock import Clock
from sellerops.runtime.host import Resources, ServiceHost, ServiceInfo, Wiring
from sellerops.runtime.settings import RuntimeSettings


def service_info() -> ServiceInfo:
    return ServiceInfo(
        name="dashboard", version=version("sellerops-dashboard"),
        description="web pages: the fleet, each seller's account health, the services",
        consumers=subscribers.CONSUMERS, buckets=BUCKETS, observes_fleet=True,
    )


def create_host(settings: DashboardSettings | None = None, *, clock: Clock | None = None) -> ServiceHost:
    settings = settings or DashboardSettings()

    def wire(resources: Resources) -> Wiring:
        handlers, background = bootstrap.build_from(resources, settings)
        return subscribers.wiring(handlers, background)

    return ServiceHost(service_info(), settings.runtime, wire, clock=clock)


def create_app(settings: DashboardSettings | None = None, *, runtime: RuntimeSettings | None = None) -> FastStream:
    """The factory for `sellerops run dashboard`."""
    if settings is None and runtime is not None:
        settings = DashboardSettings(runtime=runtime)
    return create_host(settings).app()


def service_doc() -> ServiceDoc:
    info = service_info()
    return ServiceDoc(info.name, info.description, subscribers.ROUTES, subscribers.PUBLISHES, subscribers.ENDPOINTS)
