"""Handlers as recipes with a fake store: a fact folds into its part and touches the seller; the refresher asks
health for touched sellers a few rounds in a row, and again after a failure."""

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sellerops.contracts.market import Money
from sellerops.contracts.returns import ClaimKind, ClaimReason, ClaimRecorded
from sellerops.dashboard import handlers
from sellerops.dashboard.adapters import PartStore
from sellerops.dashboard.domain.parts import CLAIM, ORDER
from sellerops.testing.fakes import FakeKeyValue
from sellerops.testing.helpers import fact, order_recorded

T0 = datetime(2026, 11, 20, tzinfo=UTC)


class Parts:
    def __init__(self) -> None:
        self.records: dict[tuple[str, str, str], object] = {}
        self.seen: set[str] = set()

    async def apply(self, seller, part, ident, message_id, fold, *, new=False) -> None:
        if message_id in self.seen:
            return
        self.seen.add(message_id)
        self.records[seller, part, ident] = fold(self.records.get((seller, part, ident)))


async def test_a_claim_becomes_the_sellers_work_and_touches_the_seller():
    parts, touched = Parts(), []
    evt = fact(ClaimRecorded, "acme", T0, claim_id="C-1", kind=ClaimKind.A_TO_Z, order_id="O-1",
               reason=ClaimReason.NOT_RECEIVED, amount=Money(Decimal("5"), "USD"), filed_at=T0,
               response_due_at=T0 + timedelta(days=3), counts_as_defect=True)
    await handlers.on_work_fact(evt, part=CLAIM, parts=parts, touch=touched.append)
    assert parts.records["acme", CLAIM, "C-1"].what == "respond" and touched == ["acme"]


async def test_a_touched_seller_is_asked_for_each_round_then_left_and_a_failure_is_asked_again():
    asked: list[str] = []

    async def refresh(seller: str, marketplace: str) -> None:
        asked.append(seller)
        if seller == "flaky" and asked.count("flaky") == 2:  # its last round fails
            raise TimeoutError

    refresher = handlers.Refresher(refresh, every_s=0.01, rounds=2, all_every_s=3600, sellers=lambda: [],
                                   marketplace_of=lambda s: None)
    refresher.touch("acme")
    refresher.touch("flaky")
    task = asyncio.create_task(refresher.run())
    await asyncio.sleep(0.15)
    task.cancel()
    assert asked.count("acme") == 2
    assert asked.count("flaky") == 3  # two rounds, and the failed last one once more


async def test_an_order_recorded_opens_its_work_item_without_reading_it_first():
    kv = FakeKeyValue()
    parts = PartStore(kv, keep=64)

    await handlers.on_work_fact(order_recorded("acme", "O-1", T0), part=ORDER, parts=parts, touch=lambda _: None)

    assert kv.gets == 0 and kv.writes == 1
