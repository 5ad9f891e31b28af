import json

import nats
import pytest

from sellerops.cli.ingest import ingesters, publish, read_files
from sellerops.runtime.settings import NatsSettings, RuntimeSettings

from .test_spapi_parsing import PAYLOADS

pytestmark = pytest.mark.nats


async def test_ingesting_publishes_market_facts_once_and_a_second_ingest_adds_nothing(nats_url):
    settings = RuntimeSettings(nats=NatsSettings(url=[nats_url]))
    files = [PAYLOADS / "order_change.jsonl", PAYLOADS / "orders_api.jsonl"]
    events = [e for r in read_files("acme", files, None, ingesters()) for e in r.parsed.events]
    assert len(events) == 5
    nc = await nats.connect(nats_url)
    try:
        assert await publish(nc, events, settings) == (5, 0)
        again = [e for r in read_files("acme", files, None, ingesters()) for e in r.parsed.events]
        assert await publish(nc, again, settings) == (0, 5)
        js = nc.jetstream()
        info = await js.stream_info("MARKET")
        assert info.state.messages == 5
        sub = await js.pull_subscribe("market.>", stream="MARKET")
        msgs = await sub.fetch(5, timeout=5)
        types = sorted(json.loads(m.data)["type"] for m in msgs)
        assert types == sorted(["market.order_payment_authorized.v1", "market.order_buyer_cancel_requested.v1",
                                "market.order_placed.v1", "market.order_placed.v1",
                                "market.order_payment_authorized.v1"])
        assert all(json.loads(m.data)["seller"] == "acme" for m in msgs)
    finally:
        await nc.close()
