"""`--shift-to-now`: an example file dated once, replayed on any date."""

from datetime import UTC, datetime, timedelta

from sellerops.cli.events import parse_line, shift_to_now

PLACED = ('{"type": "market.order_placed.v1", "seller": "acme", "order_id": "113-0000001-0000001", '
          '"fulfillment_channel": "MFN", "purchased_at": "2026-11-20T14:03:00Z", "occurred_at": "2026-11-20T14:03:00Z", '
          '"items": [{"order_item_id": "41234567890123", "sku": "MUG", "quantity": 1, '
          '"item_price": {"amount": "14.99", "currency": "USD"}}], '
          '"ship_window": {"earliest": "2026-11-20T14:03:00Z", "latest": "2026-11-22T07:59:59Z"}}')
PAID = '{"type": "market.order_payment_authorized.v1", "seller": "acme", "order_id": "113-0000001-0000001", ' \
       '"occurred_at": "2026-11-21T14:03:00Z"}'
NOW = datetime(2027, 3, 9, 10, 0, tzinfo=UTC)


def test_every_time_moves_by_the_same_amount_so_the_latest_fact_happened_now():
    placed, paid = shift_to_now([parse_line(1, PLACED, NOW), parse_line(2, PAID, NOW)], NOW)
    assert paid.occurred_at == NOW
    assert placed.occurred_at == NOW - timedelta(days=1)
    assert placed.purchased_at == placed.occurred_at
    assert placed.ship_window.latest - placed.occurred_at == timedelta(hours=41, minutes=56, seconds=59)


def test_the_event_ids_are_kept_so_a_second_publish_is_deduplicated():
    before = [parse_line(1, PLACED, NOW), parse_line(2, PAID, NOW)]
    later = NOW + timedelta(minutes=5)
    assert [e.event_id for e in shift_to_now(before, NOW)] == [e.event_id for e in shift_to_now(before, later)]
    assert [e.event_id for e in shift_to_now(before, NOW)] == [e.event_id for e in before]


def test_nothing_to_shift_is_nothing():
    assert shift_to_now([], NOW) == []
