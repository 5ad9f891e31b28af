"""The extension points. Each entry-point group names a module exposing `register(registry)`."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

SERVICES = "sellerops.services"
PLACEMENT = "sellerops.placement"
SOURCING = "sellerops.sourcing"  # which center ships an outbound order
CARRIERS = "sellerops.carriers"
METRICS = "sellerops.metrics"
CHANNELS = "sellerops.channels"
INGEST = "sellerops.ingest"
COMMANDS = "sellerops.commands"  # a top-level `sellerops` command that is not a service's (`sellerops demo`)
GROUPS = (SERVICES, PLACEMENT, SOURCING, CARRIERS, METRICS, CHANNELS, INGEST, COMMANDS)

T = TypeVar("T")


class Registry(Generic[T]):
    """What the plugins of one group registered, by name."""

    def __init__(self, group: str) -> None:
        self.group = group
        self._items: dict[str, T] = {}

    def add(self, name: str, item: T) -> None:
        if name in self._items:
            raise ValueError(f"{self.group}: {name!r} is registered twice")
        self._items[name] = item

    def get(self, name: str) -> T:
        try:
            return self._items[name]
        except KeyError:
            known = ", ".join(sorted(self._items)) or "none"
            raise KeyError(f"{self.group}: no plugin named {name!r} (installed: {known})") from None

    def names(self) -> list[str]:
        return sorted(self._items)

    def __iter__(self) -> Iterator[T]:
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)


@dataclass(frozen=True)
class ServicePlugin:
    """A service the runner can start: `create_app(settings=None)` is its composition root."""

    name: str
    description: str
    create_app: Callable[..., Any]
    cli: Any | None = None  # a typer.Typer mounted as `sellerops <name> ...`
    spec: Callable[[], Any] | None = None  # consumed/published events and endpoints, for AsyncAPI
    info: Callable[[], Any] | None = None  # its ServiceInfo (consumers, buckets): what its credentials allow
    # create_host(settings=None, *, clock=None): the service on a host, not started (the demo drives every
    # service on one clock); runtime.service.Service.plugin fills all of these in
    create_host: Callable[..., Any] | None = None
