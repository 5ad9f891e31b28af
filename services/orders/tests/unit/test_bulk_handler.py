"""The confirm_shipments use case through bootstrap.build, over the real KvOrderStore on a FakeKeyValue."""

from datetime import date
from types import SimpleNamespace

import pytest

from sellerops.contracts.orders import (
    ConfirmationRow, ConfirmShipments, GetOrder, OrderPackageUpdated, OrderShipped, OrderStatus,
)
from sellerops.orders import bootstrap
from sellerops.orders import handlers
from sellerops.orders.adapters import KvOrderStore
from sellerops.orders.domain import carriers
from sellerops.orders.domain.carriers import ups_mod10
from sellerops.plugins.carriers import CarrierRegistry
from sellerops.runtime.clock import DrivenClock
from sellerops.testing.fakes import FakeKeyValue, RecordingPublisher


def ups(n: int) -> str:
    body = f"999AA1{n:09d}"
    return f"1Z{body}{ups_mod10(body)}"


@pytest.fixture
def svc(make):
    registry = CarrierRegistry("sellerops.carriers")
    carriers.register(registry)
    kv, published, clock = FakeKeyValue(), RecordingPublisher(), DrivenClock(make.NOW)
    deps = bootstrap.build(orders=KvOrderStore(kv), publish=published, clock=clock, check_carrier=registry.check)
    return SimpleNamespace(h=deps, kv=kv, published=published)


async def released(svc, make, seller, *order_ids, quantity=2):
    for order_id in order_ids:
        await svc.h(handlers.on_order_placed, make.placed(seller, order_id, make.item(quantity=quantity)))
        await svc.h(handlers.on_payment_authorized, make.paid(seller, order_id))
    svc.published.events.clear()


def row(line: int, order_id: str, **fields) -> ConfirmationRow:
    values = {"ship_date": date(2026, 11, 2), "carrier_code": "UPS", "tracking_number": ups(line), **fields}
    return ConfirmationRow(line=line, order_id=order_id, **values)


def outcomes(result) -> list[tuple]:
    return [(r.line, r.order_id, r.ok, r.field, r.changed) for r in result.results]


async def status_of(svc, seller, order_id) -> OrderStatus:
    return (await svc.h(handlers.get_order, seller, GetOrder(order_id=order_id))).status


@pytest.fixture
def ids(make):
    return [make.order_id() for _ in range(3)]


async def test_good_rows_apply_and_bad_rows_report_why_each_by_line(svc, make, seller, ids):
    await released(svc, make, seller, *ids)
    rows = [row(2, ids[0]), row(3, ids[1], carrier_code="Speedy"), row(4, ids[2], order_item_id=make.MUG, quantity=1),
            row(5, make.order_id()), row(6, ids[1], tracking_number="1Z999AA10123456785")]

    result = await svc.h(handlers.confirm_shipments, seller, ConfirmShipments(rows=rows, batch_id="b1"))

    assert outcomes(result) == [(2, ids[0], True, None, True), (3, ids[1], False, "carrier-code", False),
                                (4, ids[2], True, None, True), (5, rows[3].order_id, False, "order-id", False),
                                (6, ids[1], False, "tracking-number", False)]
    assert "not found" in result.results[3].reason
    assert [await status_of(svc, seller, i) for i in ids] == [
        OrderStatus.SHIPPED, OrderStatus.UNSHIPPED, OrderStatus.PARTIALLY_SHIPPED]
    assert sorted(e.order_id for e in svc.published.of_type(OrderShipped)) == sorted([ids[0], ids[2]])


async def test_the_rows_of_one_order_apply_in_line_order_each_on_what_the_one_before_left(svc, make, seller, ids):
    await released(svc, make, seller, ids[0], quantity=3)
    rows = [row(4, ids[0], tracking_number=ups(2), ship_method="UPS Ground"),
            row(2, ids[0], order_item_id=make.MUG, quantity=1, tracking_number=ups(1)), row(3, ids[0], quantity=9),
            row(5, ids[0], tracking_number=ups(2), carrier_code=None, ship_method="UPS Next Day Air")]

    result = await svc.h(handlers.confirm_shipments, seller, ConfirmShipments(rows=rows, batch_id="b1"))

    assert [(r.line, r.ok) for r in result.results] == [(2, True), (3, False), (4, True), (5, True)]
    view = await svc.h(handlers.get_order, seller, GetOrder(order_id=ids[0]))
    assert [(p.items[0].quantity, p.ship_method) for p in view.packages] == [(1, None), (2, "UPS Next Day Air")]
    assert [type(e) for e in svc.published.events] == [OrderShipped, OrderShipped, OrderPackageUpdated]


async def test_sending_the_same_file_again_applies_nothing_twice(svc, make, seller, ids):
    await released(svc, make, seller, *ids)
    request = ConfirmShipments(rows=[row(2, ids[0], order_item_id=make.MUG, quantity=1), row(3, ids[1])],
                               batch_id="b1")
    first = await svc.h(handlers.confirm_shipments, seller, request)
    writes, events = svc.kv.writes, list(svc.published.events)

    again = await svc.h(handlers.confirm_shipments, seller, request)

    assert [(r.ok, r.changed) for r in first.results] == [(True, True), (True, True)]
    assert [(r.ok, r.changed) for r in again.results] == [(True, False), (True, False)]
    assert svc.kv.writes == writes
    assert svc.published.events == events * 2  # the same event ids again: JetStream drops the copies
    assert await status_of(svc, seller, ids[0]) is OrderStatus.PARTIALLY_SHIPPED


async def test_a_dry_run_reports_what_the_real_run_then_does_and_changes_nothing(svc, make, seller, ids):
    await released(svc, make, seller, *ids[:2])
    rows = [row(2, ids[0], order_item_id=make.MUG, quantity=1), row(3, ids[0], quantity=1),
            row(4, ids[0], order_item_id=make.MUG, quantity=2, tracking_number=ups(9)),
            row(5, ids[1], ship_date=date(2026, 10, 1)), row(6, ids[2]),
            row(7, ids[0], tracking_number=ups(2), carrier_code=None, ship_method="UPS Ground")]
    writes = svc.kv.writes

    rehearsed = await svc.h(handlers.confirm_shipments, seller, ConfirmShipments(rows=rows, batch_id="b1", dry_run=True))

    assert (svc.kv.writes, svc.published.events) == (writes, [])
    assert await status_of(svc, seller, ids[0]) is OrderStatus.UNSHIPPED
    real = await svc.h(handlers.confirm_shipments, seller, ConfirmShipments(rows=rows, batch_id="b1"))
    assert rehearsed == real
    assert [r.ok for r in real.results] == [True, True, False, False, False, True]


async def test_a_dry_run_of_a_file_already_sent_says_every_applied_row_changes_nothing(svc, make, seller, ids):
    await released(svc, make, seller, *ids)
    rows = [row(2, ids[0]), row(3, ids[1], order_item_id=make.MUG, quantity=1)]
    await svc.h(handlers.confirm_shipments, seller, ConfirmShipments(rows=rows, batch_id="b1"))

    rehearsed = await svc.h(handlers.confirm_shipments, seller, ConfirmShipments(rows=rows, batch_id="b1", dry_run=True))

    assert [(r.ok, r.changed) for r in rehearsed.results] == [(True, False), (True, False)]


async def test_a_row_that_fails_to_save_fails_the_request_and_sending_it_again_finishes_the_work(svc, make, seller,
                                                                                                  ids):
    await released(svc, make, seller, ids[0])
    request = ConfirmShipments(rows=[row(2, ids[0])], batch_id="b1")
    svc.published.fail_times = 1

    with pytest.raises(ConnectionError):
        await svc.h(handlers.confirm_shipments, seller, request)
    again = await svc.h(handlers.confirm_shipments, seller, request)

    assert [(r.ok, r.changed) for r in again.results] == [(True, False)]
    assert [type(e) for e in svc.published.events] == [OrderShipped]
