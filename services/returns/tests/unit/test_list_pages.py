"""Claims and open work come in pages (runtime.paging): a page stops at `limit` or at the reply budget in
bytes, and its `next_cursor` gives the rest, each item once and in order. Through bootstrap.build over the
real stores on FakeKeyValue."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import msgspec
import pytest

from sellerops.contracts.catalog import encode
from sellerops.contracts.market import Money
from sellerops.contracts.returns import (
    ClaimFiled, ClaimKind, ClaimReason, ListClaims, OpenWork, ReturnItem, ReturnRequested,
)
from sellerops.returns import bootstrap, handlers
from sellerops.returns.adapters import BUCKETS, stores
from sellerops.runtime.clock import DrivenClock
from sellerops.runtime.paging import reply_budget, set_reply_budget
from sellerops.testing.fakes import FakeKeyValue, RecordingPublisher

SELLER = "acme"
T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)
CLAIMS, RETURNS = 23, 14


@pytest.fixture
async def svc():
    found = stores({name: FakeKeyValue() for name in BUCKETS}, keep=64, keep_dossier=64)
    deps, _ = bootstrap.build(stores=found, publish=RecordingPublisher(), clock=DrivenClock(T0))
    # claims filed a minute apart, some in the same second with and without microseconds
    for n in range(CLAIMS):
        at = T0 + timedelta(minutes=n // 2, microseconds=(n % 2) * 250_000)
        await deps(handlers.on_claim_filed, ClaimFiled(
            event_id=uuid.uuid4(), seller=SELLER, occurred_at=at, claim_id=f"C{n:03d}", kind=ClaimKind.A_TO_Z,
            order_id=f"111-0000000-{n:07d}", reason=ClaimReason.NOT_RECEIVED, amount=Money(Decimal("40.00"), "USD")))
    for n in range(RETURNS):  # orders never seen: out of policy, each awaits the seller's authorization
        await deps(handlers.on_return_requested, ReturnRequested(
            event_id=uuid.uuid4(), seller=SELLER, occurred_at=T0 + timedelta(minutes=3 * n), return_id=f"R{n:03d}",
            order_id=f"222-0000000-{n:07d}", items=[ReturnItem(order_item_id="I1", sku="MUG", quantity=1,
                                                               reason="DEFECTIVE")]))
    return SimpleNamespace(claims=lambda q: deps(handlers.list_claims, SELLER, q),
                           work=lambda q: deps(handlers.open_work, SELLER, q))


async def every_page(ask, query, items: str) -> tuple[list, list[int]]:
    """Follow `next_cursor` to the end: every item given, and the size in bytes of each page's list."""
    seen, sizes = [], []
    while True:
        page = await ask(query)
        seen += getattr(page, items)
        sizes.append(len(encode(getattr(page, items))))
        if page.next_cursor is None:
            return seen, sizes
        query = msgspec.structs.replace(query, cursor=page.next_cursor)


async def test_a_claims_page_stops_at_the_limit_and_the_cursor_gives_the_rest_once_in_order(svc):
    whole = await svc.claims(ListClaims(limit=10_000))

    seen, sizes = await every_page(svc.claims, ListClaims(limit=5), "claims")

    assert len(whole.claims) == CLAIMS and whole.next_cursor is None
    assert len(sizes) == 5, "23 claims, 5 a page"
    assert [c.claim_id for c in seen] == [c.claim_id for c in whole.claims]


async def test_a_claims_page_stops_at_the_reply_budget_in_bytes(svc):
    set_reply_budget(8192)  # this test's own context: 4,096 bytes of claims a page
    budget = reply_budget()

    seen, sizes = await every_page(svc.claims, ListClaims(limit=10_000), "claims")

    assert len(sizes) > 1 and max(sizes) <= budget
    assert sorted(c.claim_id for c in seen) == [f"C{n:03d}" for n in range(CLAIMS)]


async def test_open_work_pages_stop_at_the_limit_and_give_every_item_once_soonest_first(svc):
    query = OpenWork(as_of=T0 + timedelta(hours=1), horizon_hours=24 * 7)
    whole = await svc.work(query)

    seen, sizes = await every_page(svc.work, OpenWork(as_of=query.as_of, horizon_hours=24 * 7, limit=4), "items")

    kinds = {i.kind for i in whole.items}
    assert (len(whole.items), kinds) == (CLAIMS + RETURNS, {"respond_to_claim", "authorize_return"})
    assert len(sizes) == 10, "37 items, 4 a page"
    assert seen == whole.items
    assert [i.due_at for i in seen] == sorted(i.due_at for i in seen)


async def test_open_work_pages_stop_at_the_reply_budget_in_bytes(svc):
    set_reply_budget(4096 + 1500)
    budget = reply_budget()

    seen, sizes = await every_page(svc.work, OpenWork(as_of=T0, horizon_hours=24 * 7), "items")

    assert len(sizes) > 2 and max(sizes) <= budget
    assert sorted(i.id for i in seen) == sorted([f"C{n:03d}" for n in range(CLAIMS)]
                                                + [f"R{n:03d}" for n in range(RETURNS)])
