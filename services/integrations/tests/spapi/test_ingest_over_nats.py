import asyncio
import json
import shutil

import nats
import pytest
from typer.testing import CliRunner

from sellerops.cli.ingest import JOINED, ingesters, publish_reports, read_files
from sellerops.cli.main import build_app
from sellerops.runtime.settings import NatsSettings, RuntimeSettings

from .test_orders_api_published import ITEMLESS_ORDER, SANDBOX_ORDER, V0, order_change_example
from .test_spapi_parsing import PAYLOADS

pytestmark = pytest.mark.nats
runner = CliRunner()


async def test_ingesting_publishes_market_facts_once_and_a_second_ingest_adds_nothing(nats_url):
    settings = RuntimeSettings(nats=NatsSettings(url=[nats_url]))
    files = [PAYLOADS / "order_change.jsonl", PAYLOADS / "orders_api.jsonl"]
    nc = await nats.connect(nats_url)
    try:
        reports = read_files("acme", files, None, ingesters())
        first = await publish_reports(nc, reports, settings, "acme")
        assert [r.published for r in reports] == [2, 0]  # ORDER_CHANGE facts; the Orders API file has pieces
        assert [(r.file, r.published) for r in first] == [(JOINED, 3)]  # its orders, joined
        reports = read_files("acme", files, None, ingesters())
        joined = await publish_reports(nc, reports, settings, "acme")
        assert sum(r.published for r in reports + joined) == 0
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


def ingest(nats_url, seller, *paths):
    result = runner.invoke(build_app(), ["ingest", seller, *map(str, paths), "--json", "--nats-url", nats_url])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["files"]


def joined(files):
    [report] = [f for f in files if f["file"] == JOINED]
    return report


async def market_messages(nats_url) -> list[dict]:
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        count = (await js.stream_info("MARKET")).state.messages
        sub = await js.pull_subscribe("market.>", stream="MARKET")
        return [json.loads(m.data) for m in await sub.fetch(count, timeout=5)] if count else []
    finally:
        await nc.close()


def test_a_whole_directory_of_published_sp_api_documents_is_ingested_in_one_call(nats_url, tmp_path):
    folder = tmp_path / "downloads"
    (folder / "orders").mkdir(parents=True)
    shutil.copy(V0 / "getOrders.json", folder / "orders" / "getOrders.json")
    shutil.copy(V0 / "getOrderItems.json", folder / "getOrderItems-902-1845936-5435065.json")
    (folder / "order-change.json").write_text(json.dumps(order_change_example()))

    files = ingest(nats_url, "acme", folder)

    assert len(files) == 4
    report = joined(files)
    assert (report["facts"], report["published"], report["problems"], report["pieces"]) == (3, 3, [], 1)
    assert any(ITEMLESS_ORDER in note for note in report["notes"])
    types = sorted(m["type"] for m in asyncio.run(market_messages(nats_url)))
    assert types == sorted(["market.order_placed.v1", "market.order_payment_authorized.v1",
                            "market.order_buyer_cancel_requested.v1", "market.order_buyer_cancel_requested.v1"])


def test_a_later_call_completes_an_order_an_earlier_call_left_waiting_and_publishes_it_once(nats_url):
    first = joined(ingest(nats_url, "acme", V0 / "getOrders.json"))
    assert (first["facts"], first["pieces"]) == (0, 2)

    later = joined(ingest(nats_url, "acme", V0 / "getOrderItems.json"))
    assert (later["facts"], later["published"]) == (3, 3)

    again = joined(ingest(nats_url, "acme", V0 / "getOrderItems.json", V0 / "getOrders.json"))
    assert (again["facts"], again["published"], again["duplicates"], again["pieces"]) == (0, 0, 2, 1)

    placed = [m for m in asyncio.run(market_messages(nats_url)) if m["type"] == "market.order_placed.v1"]
    assert [m["order_id"] for m in placed] == [SANDBOX_ORDER]


def test_the_same_documents_ingested_for_a_second_seller_are_published_for_that_seller(nats_url):
    ingest(nats_url, "acme", PAYLOADS / "order_change.jsonl")
    [report] = ingest(nats_url, "globex", PAYLOADS / "order_change.jsonl")

    assert (report["facts"], report["published"], report["already_there"]) == (2, 2, 0)
    sellers = sorted(m["seller"] for m in asyncio.run(market_messages(nats_url)))
    assert sellers == ["acme", "acme", "globex", "globex"]
