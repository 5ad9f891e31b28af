"""Listings through the index (runtime.index over a FakeKeyValue): the same pages as reading every order,
paged by count and by size, in step with every change of an order."""

import random
from datetime import timedelta
from types import SimpleNamespace

import msgspec
import pytest

from sellerops.contracts.market import FulfillmentChannel, Window
from sellerops.contracts.orders import ListAtRisk, ListOrders, OrderStatus
from sellerops.contracts.requests import RequestError
from sellerops.orders import bootstrap
from sellerops.orders import handlers
from sellerops.orders.adapters import BUILT, KvOrderStore
from sellerops.runtime.clock import DrivenClock
from sellerops.runtime.index import MARKER_HOLD_S, MARKER_RENEW_S, HourIndex, Placement
from sellerops.testing.fakes import FakeKeyValue, RecordingPublisher


def service(make, *, indexed: bool, max_payload: int = 1024 * 1024, kv=None, index_kv=None):
    kv, index_kv = kv or FakeKeyValue(), index_kv or FakeKeyValue()
    store = KvOrderStore(kv, index=HourIndex(index_kv) if indexed else None)
    clock = DrivenClock(make.NOW)
    deps = bootstrap.build(orders=store, publish=RecordingPublisher(), clock=clock, max_payload=max_payload)
    return SimpleNamespace(h=deps, kv=kv, index_kv=index_kv, store=store, clock=clock)


@pytest.fixture
async def both(make):
    """The same orders behind two services: one listing through the index, one reading every order."""
    kv, index_kv = FakeKeyValue(), FakeKeyValue()
    await index_kv.put(BUILT, b"1")
    return service(make, indexed=True, kv=kv, index_kv=index_kv), service(make, indexed=False, kv=kv)


async def seed(svc, make, seller, count: int, rng: random.Random) -> list[str]:
    """Orders over three days, some paid, some shipped, some left pending, MFN and AFN."""
    ids = []
    for _ in range(count):
        order_id, purchased = make.order_id(), make.at(1) + timedelta(minutes=rng.randrange(3 * 24 * 60))
        latest = purchased + timedelta(hours=rng.randrange(4, 72))
        channel = rng.choice([FulfillmentChannel.MFN, FulfillmentChannel.MFN, FulfillmentChannel.AFN])
        await svc.h(handlers.on_order_placed, make.placed(seller, order_id, purchased_at=purchased, channel=channel,
                                                ship_window=Window(purchased, latest)))
        if rng.random() < 0.8:
            await svc.h(handlers.on_payment_authorized, make.paid(seller, order_id))
        ids.append(order_id)
    return ids


async def every_page(list_one, query):
    pages, cursor = [], None
    while True:
        page = await list_one(msgspec.structs.replace(query, cursor=cursor))
        pages.append(page)
        if not (cursor := page.next_cursor):
            return pages


@pytest.mark.parametrize("query", [ListOrders(limit=7), ListOrders(status=OrderStatus.UNSHIPPED, limit=5),
                                   ListOrders(status=OrderStatus.PENDING, limit=100),
                                   ListOrders(purchased_from=None, ship_by_to=None, limit=3)])
async def test_pages_through_the_index_are_the_pages_of_reading_every_order(both, make, seller, query):
    indexed, scanned = both
    await seed(indexed, make, seller, 60, random.Random(7))
    await seed(indexed, make, make.seller(), 5, random.Random(8))  # another seller's orders stay out

    through_index = await every_page(lambda q: indexed.h(handlers.list_orders, seller, q), query)
    reading_all = await every_page(lambda q: scanned.h(handlers.list_orders, seller, q), query)

    assert [[o.order_id for o in p.orders] for p in through_index] == [[o.order_id for o in p.orders]
                                                                        for p in reading_all]
    assert sum(len(p.orders) for p in through_index) > 0


async def test_at_risk_pages_through_the_index_are_soonest_first_and_the_same_as_reading_every_order(both, make, seller):
    indexed, scanned = both
    await seed(indexed, make, seller, 60, random.Random(11))
    query = ListAtRisk(within_hours=48, limit=4)

    through_index = await every_page(lambda q: indexed.h(handlers.list_at_risk, seller, q), query)
    reading_all = await every_page(lambda q: scanned.h(handlers.list_at_risk, seller, q), query)

    rows = [r for p in through_index for r in p.orders]
    assert rows == [r for p in reading_all for r in p.orders]
    assert rows and [r.latest_ship_date for r in rows] == sorted(r.latest_ship_date for r in rows)
    assert all(r.latest_ship_date <= make.NOW + timedelta(hours=48) for r in rows)


async def test_an_order_that_ships_leaves_the_unshipped_and_at_risk_listings(both, make, seller, order_id):
    indexed, _ = both
    await indexed.h(handlers.on_order_placed, make.placed(seller, order_id))
    await indexed.h(handlers.on_payment_authorized, make.paid(seller, order_id))
    assert [o.order_id for o in (await indexed.h(handlers.list_at_risk, seller, ListAtRisk(within_hours=72))).orders] == [order_id]

    await indexed.h(handlers.confirm_shipment, seller, make.confirm(order_id, (make.MUG, 1)))

    unshipped = await indexed.h(handlers.list_orders, seller, ListOrders(status=OrderStatus.UNSHIPPED))
    shipped = await indexed.h(handlers.list_orders, seller, ListOrders(status=OrderStatus.SHIPPED))
    assert (unshipped.orders, [o.order_id for o in shipped.orders]) == ([], [order_id])
    assert (await indexed.h(handlers.list_at_risk, seller, ListAtRisk(within_hours=72))).orders == []


async def test_a_page_stops_at_the_size_a_reply_carries_and_the_cursor_gives_the_rest(make, seller):
    svc = service(make, indexed=True, max_payload=40 * 1024)
    await svc.index_kv.put(BUILT, b"1")
    ids = await seed(svc, make, seller, 80, random.Random(3))

    pages = await every_page(lambda q: svc.h(handlers.list_orders, seller, q), ListOrders(limit=10_000))

    assert len(pages) > 1, "80 orders of ~1.5 KB do not fit in 24 KB"
    assert all(len(msgspec.json.encode(p)) <= 40 * 1024 for p in pages)
    assert sorted(o.order_id for p in pages for o in p.orders) == sorted(ids)
    assert [p.truncated for p in pages] == [True] * (len(pages) - 1) + [False]


async def test_a_cursor_not_given_out_by_the_service_is_refused_naming_the_field(both, make, seller):
    indexed, _ = both
    with pytest.raises(RequestError) as caught:
        await indexed.h(handlers.list_orders, seller, ListOrders(cursor="yesterday"))
    assert (caught.value.reply.code, caught.value.reply.field) == ("invalid", "$.cursor")


async def test_an_entry_left_by_an_older_state_is_skipped(both, make, seller, order_id):
    indexed, _ = both
    await indexed.h(handlers.on_order_placed, make.placed(seller, order_id))
    await indexed.h(handlers.on_payment_authorized, make.paid(seller, order_id))
    # as if the entry of the Pending state had not been removed yet
    stale = Placement("status.Pending", make.PURCHASED, f"{make.PURCHASED.isoformat()}|{order_id}")
    await indexed.store.index._put_entries(seller, {f"status.Pending.20261101.18.{order_id}": stale.sort})

    assert (await indexed.h(handlers.list_orders, seller, ListOrders(status=OrderStatus.PENDING))).orders == []
    assert [o.order_id for o in (await indexed.h(handlers.list_orders, seller, ListOrders())).orders] == [order_id]


async def test_an_older_revision_never_overwrites_a_newer_one_and_puts_back_what_it_removed(make, seller):
    index = HourIndex(FakeKeyValue())
    newer = [Placement("status.Shipped", make.PURCHASED, "b")]
    await index.sync(seller, "o-1", 10, newer)

    await index.sync(seller, "o-1", 4, [Placement("status.Pending", make.PURCHASED, "a")])

    assert await index.indexed_revision(seller, "o-1") == 10
    hour = await index.hour(seller, "status.Shipped", make.PURCHASED.date(), make.PURCHASED.hour)
    assert [(e.item, e.sort) for e in hour] == [("o-1", "b")]
    assert await index.hour(seller, "status.Pending", make.PURCHASED.date(), make.PURCHASED.hour) == []


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_a_day_read_through_empty_loses_its_marker_once_its_hold_has_passed_and_one_rewritten_comes_back(
        make, seller):
    clock = Clock()
    index = HourIndex(FakeKeyValue(), clock=clock)
    await index.sync(seller, "o-1", 1, [Placement("risk", make.at(2, 5), "x")])
    await index.sync(seller, "o-1", 2, [])
    assert [d[:2] for d in await index.days(seller, "risk")] == [("risk", make.at(2).date())]

    assert [e async for e in index.walk(seller, "risk", newest_first=False)] == []
    assert [d[:2] for d in await index.days(seller, "risk")] == [("risk", make.at(2).date())]  # still held

    clock.now += MARKER_HOLD_S + 1
    assert [e async for e in index.walk(seller, "risk", newest_first=False)] == []
    assert await index.days(seller, "risk") == []
    await index.sync(seller, "o-1", 3, [Placement("risk", make.at(2, 5), "x")])
    assert [[e.item for e in hour] async for hour in index.walk(seller, "risk", newest_first=False)] == [["o-1"]]


async def test_a_writer_puts_a_day_marker_once_per_renewal_period_not_once_per_entry(make, seller):
    clock, kv = Clock(), FakeKeyValue()
    index = HourIndex(kv, clock=clock)
    marker = f"{seller}.d.risk.{make.at(2).date():%Y%m%d}"
    for i in range(5):
        await index.sync(seller, f"o-{i}", 1, [Placement("risk", make.at(2, 5), "x")], created=True)
    first = (await kv.get(marker)).revision

    clock.now += MARKER_RENEW_S
    await index.sync(seller, "o-9", 1, [Placement("risk", make.at(2, 5), "x")], created=True)

    assert (await kv.get(marker)).revision > first
    assert float((await kv.get(marker)).value) == clock.now + MARKER_HOLD_S
    assert [len(hour) async for hour in index.walk(seller, "risk", newest_first=False)] == [6]


async def test_an_item_said_to_be_created_that_has_a_pointer_after_all_is_synced_the_ordinary_way(make, seller):
    index = HourIndex(FakeKeyValue())
    await index.sync(seller, "o-1", 5, [Placement("status.Pending", make.PURCHASED, "a")])

    await index.sync(seller, "o-1", 7, [Placement("status.Shipped", make.PURCHASED, "b")], created=True)

    assert await index.indexed_revision(seller, "o-1") == 7
    assert await index.hour(seller, "status.Pending", make.PURCHASED.date(), make.PURCHASED.hour) == []


async def test_before_the_index_is_built_listings_read_every_order(make, seller, order_id):
    svc = service(make, indexed=True)
    await svc.h(handlers.on_order_placed, make.placed(seller, order_id))
    await svc.index_kv.delete(f"{seller}.p.{order_id}")  # as if written before the index existed

    assert [o.order_id for o in (await svc.h(handlers.list_orders, seller, ListOrders())).orders] == [order_id]
    await svc.store.build_index()
    assert [o.order_id for o in (await svc.h(handlers.list_orders, seller, ListOrders())).orders] == [order_id]
    assert await svc.store.index_built()


async def test_the_records_a_bulk_load_writes_are_what_sync_leaves_for_a_new_item(make, seller):
    from sellerops.runtime.index import new_records

    kv, clock = FakeKeyValue(), Clock()
    wanted = [Placement("status.Unshipped", make.at(3, 7), "a|o-1"), Placement("risk", make.at(5, 23), "b|o-1")]
    await HourIndex(kv, clock=clock).sync(seller, "o-1", 9, wanted)

    assert sorted(new_records(seller, "o-1", 9, wanted, clock.now)) == sorted((k, e.value) for k, e in kv._data.items())


class PortOnlyStore:
    """An OrderStore with the port's methods alone (as a fake may be): no index, no batched reads."""

    def __init__(self, inner: KvOrderStore) -> None:
        self.apply, self.load, self.load_record, self.scan = inner.apply, inner.load, inner.load_record, inner.scan


async def test_listings_over_a_store_that_keeps_no_index_read_every_order(make, seller, order_id):
    store = PortOnlyStore(KvOrderStore(FakeKeyValue()))
    deps = bootstrap.build(orders=store, publish=RecordingPublisher(), clock=DrivenClock(make.NOW))
    await deps(handlers.on_order_placed, make.placed(seller, order_id))
    await deps(handlers.on_payment_authorized, make.paid(seller, order_id))

    assert [o.order_id for o in (await deps(handlers.list_orders, seller, ListOrders())).orders] == [order_id]
    at_risk = await deps(handlers.list_at_risk, seller, ListAtRisk(within_hours=24 * 365))
    assert [o.order_id for o in at_risk.orders] == [order_id]
