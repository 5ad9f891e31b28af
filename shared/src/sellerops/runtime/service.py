"""One factory for every service: its `app.py` declares it (`Service(...)`), and this builds the rest.

What a service declares: its name, distribution and description; its settings class; its consumers, route
tables, endpoints and published events (its `subscribers` module); its buckets; and its composition root,
`build(resources, settings) -> Built` (its `bootstrap` module: the dependencies its handlers take, background
jobs, HTTP routes). From that come the four things the runner, the CLI and the demo use: `service_info()`,
`create_host(settings, clock=)`, `create_app(settings, runtime=)` and `service_doc()`, and the plugin entry.
"""

import inspect
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any, Generic, Protocol, TypeVar

from faststream import FastStream

from sellerops.contracts.envelope import Event
from sellerops.plugins.spec import ServicePlugin
from sellerops.runtime.asyncapi import ServiceDoc
from sellerops.runtime.clock import Clock
from sellerops.runtime.host import ConsumerSpec, EndpointSpec, Resources, Routes, ServiceHost, ServiceInfo, Wiring, wire
from sellerops.runtime.observability import HttpRoute
from sellerops.runtime.routes import Dependencies
from sellerops.runtime.settings import RuntimeSettings


class ServiceSettings(Protocol):
    """A service's settings class: built from the environment, nesting the runtime's."""

    runtime: RuntimeSettings


C = TypeVar("C", bound=ServiceSettings)


@dataclass
class Built:
    """What a service's composition root returns: the dependencies its handlers take, by parameter name, its
    background jobs, and its HTTP routes beside /healthz /readyz /metrics."""

    deps: Dependencies
    background: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    http: Mapping[str, HttpRoute] = field(default_factory=dict)


Build = Callable[[Resources, C], Built | Awaitable[Built]]


@dataclass(frozen=True)
class Service(Generic[C]):
    name: str
    distribution: str
    description: str
    settings: Callable[..., C]  # the settings class: `settings()` reads the environment, `settings(runtime=)`
    consumers: tuple[ConsumerSpec, ...]
    routes: Routes
    endpoints: tuple[EndpointSpec, ...]
    publishes: tuple[type[Event], ...]
    buckets: tuple[str, ...]
    build: Build[C]
    observes_fleet: bool = False  # reads what dashboards read (see ServiceInfo)

    def service_info(self) -> ServiceInfo:
        return ServiceInfo(name=self.name, version=version(self.distribution), description=self.description,
                           consumers=self.consumers, buckets=self.buckets, observes_fleet=self.observes_fleet)

    def create_host(self, settings: C | None = None, *, clock: Clock | None = None) -> ServiceHost:
        """The service on a host (not started): what `create_app` runs, and what the demo drives on its clock."""
        chosen = settings if settings is not None else self.settings()

        def wiring(resources: Resources) -> Wiring | Awaitable[Wiring]:
            built = self.build(resources, chosen)
            return self._wired_later(built) if inspect.isawaitable(built) else self.wiring(built)

        return ServiceHost(self.service_info(), chosen.runtime, wiring, clock=clock)

    def wiring(self, built: Built | Dependencies) -> Wiring:
        """The route tables and endpoints bound to what the composition root built (or to bare dependencies)."""
        if isinstance(built, Dependencies):
            built = Built(built)
        return wire(self.routes, self.endpoints, built.deps, background=built.background, http=built.http)

    async def _wired_later(self, built: Awaitable[Built]) -> Wiring:
        return self.wiring(await built)

    def create_app(self, settings: C | None = None, *, runtime: RuntimeSettings | None = None) -> FastStream:
        """The factory for `sellerops run <name>` (or `faststream run --factory sellerops.<name>.app:create_app`)."""
        if settings is None and runtime is not None:
            settings = self.settings(runtime=runtime)
        return self.create_host(settings).app()

    def service_doc(self) -> ServiceDoc:
        return ServiceDoc(self.name, self.description, self.routes, self.publishes, self.endpoints)

    def plugin(self, description: str, cli: Any | None = None) -> ServicePlugin:
        """The service's entry in the `sellerops.services` group."""
        return ServicePlugin(name=self.name, description=description, create_app=self.create_app, cli=cli,
                             spec=self.service_doc, info=self.service_info, create_host=self.create_host)


