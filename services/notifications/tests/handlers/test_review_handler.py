"""The review-request handler over the real store (in-memory KV): an order's placement opens its review
request with a create and no read; one a delivery scan opened first takes the order's window all the same."""

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from sellerops.contracts.envelope import Event
from sellerops.contracts.returns import OrderDelivered
from sellerops.notifications.adapters import REVIEWS, stores
from sellerops.notifications.domain import reviews
from sellerops.notifications.handlers.reviews import on_order_fact
from sellerops.testing.fakes import FakeKeyValue
from sellerops.testing.helpers import fact, order_recorded

T0 = datetime(2026, 11, 20, 15, tzinfo=UTC)


async def _quiet(evt: Event) -> None:
    """No notification is asked for here."""


def service() -> tuple[dict, dict[str, FakeKeyValue]]:
    kvs: dict[str, FakeKeyValue] = defaultdict(FakeKeyValue)
    return {"reviews_store": stores(kvs, keep=64)["reviews"], "review_policy": reviews.ReviewPolicy(),
            "notify": _quiet}, kvs


async def test_an_order_recorded_opens_its_review_request_without_reading_it_first() -> None:
    deps, kvs = service()

    await on_order_fact(order_recorded("acme", "O-1", T0), **deps)

    assert kvs[REVIEWS].gets == 0
    assert (await deps["reviews_store"].load("acme", "O-1")).latest_delivery is not None


async def test_a_review_request_a_delivery_opened_first_still_takes_the_orders_window() -> None:
    deps, _ = service()
    await on_order_fact(fact(OrderDelivered, "acme", T0 + timedelta(days=1), order_id="O-1"), **deps)

    await on_order_fact(order_recorded("acme", "O-1", T0), **deps)

    found = await deps["reviews_store"].load("acme", "O-1")
    assert found.delivered_at is not None and found.latest_delivery is not None
