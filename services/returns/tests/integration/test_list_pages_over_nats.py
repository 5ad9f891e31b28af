"""Claims and open work against a real nats-server whose max payload (64 KiB here, 1 MiB by default) is
smaller than the whole list: the answers come in pages that each fit one reply, and following
`next_cursor` (as the CLI does) gives every item once, the CLI's answer whole."""

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from sellerops.contracts.catalog import encode
from sellerops.contracts.market import Money
from sellerops.contracts.returns import ClaimFiled, ClaimList, ClaimReason, ListClaims, OpenWork, WorkList
from sellerops.returns import subscribers
from sellerops.returns.app import create_host
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.runtime.requests import call_every_page
from sellerops.testing.fixtures import SMALL_MAX_PAYLOAD as MAX_PAYLOAD
from sellerops.testing.helpers import consumer_idle, eventually, printed_json, raw_pages, run_cli, running

from .conftest import T0, fact, returns_settings

pytestmark = pytest.mark.nats
CLAIMS = 400  # ~700 bytes each as a view: ~280 KB of claims, ~100 KB of open work


@pytest.mark.timeout(300)
async def test_claims_and_open_work_larger_than_the_max_payload_come_in_pages_each_item_once(small_payload_url,
                                                                                              seller, capsys):
    import nats

    nc = await nats.connect(small_payload_url)
    js = nc.jetstream()
    publish = JetStreamPublisher(js)
    filed = [fact(ClaimFiled, seller, T0 + timedelta(seconds=n), claim_id=f"AZ-{n:04d}",
                  order_id=f"113-{n:07d}-0000001", reason=ClaimReason.NOT_RECEIVED,
                  amount=Money(Decimal("29.98"), "USD")) for n in range(CLAIMS)]
    try:
        async with running(create_host(returns_settings(small_payload_url)).app()):
            for at in range(0, CLAIMS, 100):
                await asyncio.gather(*(publish([e]) for e in filed[at:at + 100]))
            await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_CLAIMS.durable), timeout=120)

            claim_pages = await raw_pages(nc, "returns", seller, "list_claims", ListClaims(limit=10_000), ClaimList)
            work = OpenWork(as_of=datetime.now(UTC), horizon_hours=24 * 7)
            work_pages = await raw_pages(nc, "returns", seller, "open_work", work, WorkList)
            whole = await call_every_page(nc, "returns", seller, "list_claims", ListClaims(limit=10_000), ClaimList,
                                          items="claims", timeout=30)
            cli_claims = await asyncio.to_thread(
                run_cli, ["returns", "claims", seller, "--json", "--nats-url", small_payload_url], capsys)
            cli_work = await asyncio.to_thread(
                run_cli, ["returns", "work", seller, "--hours", "168", "--json", "--nats-url", small_payload_url],
                capsys)
    finally:
        await nc.close()

    claims = [c.claim_id for p in claim_pages for c in p.claims]
    assert len(claim_pages) > 2 and sum(len(encode(p.claims)) for p in claim_pages) > MAX_PAYLOAD
    assert sorted(claims) == [f"AZ-{n:04d}" for n in range(CLAIMS)]
    assert claims == [c.claim_id for c in whole.claims] and whole.next_cursor is None
    items = [i.id for p in work_pages for i in p.items]
    assert len(work_pages) > 1 and sum(len(encode(p.items)) for p in work_pages) > MAX_PAYLOAD
    assert sorted(items) == [f"AZ-{n:04d}" for n in range(CLAIMS)], "one respond_to_claim item a claim"
    assert cli_claims[0] == 0 and cli_work[0] == 0, (cli_claims[2], cli_work[2])
    printed = printed_json(cli_claims[1], ClaimList)
    assert [c.claim_id for c in printed.claims] == claims and printed.next_cursor is None
    assert sorted(i.id for i in printed_json(cli_work[1], WorkList).items) == sorted(items)
