from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from sellerops.fulfillment import bootstrap
from sellerops.fulfillment import handlers
from sellerops.fulfillment.adapters import BUCKETS, default_costs, default_network, locate, locate_destination, stores
from sellerops.fulfillment.domain import offers, placement, sourcing
from sellerops.plugins.spec import PLACEMENT, Registry
from sellerops.runtime.clock import DrivenClock
from sellerops.testing.fakes import FakeKeyValue, RecordingPublisher

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


class FlakyStore:
    """A store whose next `apply` calls raise, as if the process died or NATS went away mid-way."""

    def __init__(self, inner) -> None:
        self.inner, self.fail_next = inner, 0

    async def apply(self, *args, **kwargs):
        if self.fail_next:
            self.fail_next -= 1
            raise ConnectionError("stock store unavailable (injected)")
        return await self.inner.apply(*args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


@pytest.fixture
def svc():
    """The whole service through bootstrap.build over the real stores on FakeKeyValue (`minimal` placement only,
    the stock store flaky on demand); `svc.h(handler, *args)` calls a handler with its dependencies."""
    net = default_network()
    strategies = Registry(PLACEMENT)
    strategies.add("minimal", placement.Minimal())
    placer = offers.Placer(network=net, costs=default_costs(), strategies=strategies, locate=locate)
    found = stores({name: FakeKeyValue() for name in BUCKETS}, keep=64, keep_stock=256)
    found["stock"] = FlakyStore(found["stock"])
    published, clock = RecordingPublisher(), DrivenClock(NOW)
    deps, watches = bootstrap.build(stores=found, publish=published, clock=clock, place=placer.place,
                                    choose=offers.chooser(sourcing.Nearest(), "nearest", net),
                                    locate=locate_destination)
    return SimpleNamespace(h=deps, watches=watches, stores=found, published=published, clock=clock)


async def known_sku(svc, seller: str, sku: str, center: str = "BFI4") -> None:  # noqa: ANN001
    """The network has held the SKU (one warehouse-damaged unit: nothing sellable): an MCF order may name it."""
    import uuid

    from sellerops.contracts.inventory import Bucket, InventoryAdjustmentReported

    await svc.h(handlers.inventory.on_adjustment, InventoryAdjustmentReported(
        event_id=uuid.uuid4(), seller=seller, occurred_at=NOW, adjustment_id=f"seed-{sku}", sku=sku, center_id=center,
        quantity=1, from_bucket=None, to_bucket=Bucket.UNFULFILLABLE_WAREHOUSE_DAMAGED, reason="E"))
