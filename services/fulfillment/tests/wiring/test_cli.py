"""`sellerops fulfillment inventory`: the ledger's counts, and beside them what the marketplace itself counted;
`sellerops fulfillment removal`: shipments with carrier and tracking, over-reported units flagged."""

import json
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from sellerops.cli.main import build_app
from sellerops.contracts.inventory import (
    BucketCounts, CenterStock, CountDifference, InventoryList, InventorySummary, ListInventory, MarketplaceCount,
    RemovalLineStatus, RemovalOrderView, RemovalShipment, RemovalStatus, RemovalType, StockCondition,
)
from sellerops.fulfillment.plugin import commands

runner = CliRunner()
AT = datetime(2026, 11, 10, 8, tzinfo=UTC)


def summary(marketplace: list[MarketplaceCount]) -> InventorySummary:
    totals = BucketCounts(fulfillable=47, inbound_shipped=5, reserved_customer_order=2, reserved_total=2, total=49)
    return InventorySummary(seller="demo-seller", sku="MUG", totals=totals, entries=12, updated_at=AT,
                            centers=[CenterStock(center_id="SMF3", counts=totals)], marketplace=marketplace)


@pytest.fixture
def answer(monkeypatch):
    replies: list[InventoryList] = []

    def ask(nats_url, seller, verb, request, reply_type, **_):
        assert (seller, verb, type(request)) == ("demo-seller", "list_inventory", ListInventory)
        return replies.pop(0)

    monkeypatch.setattr(commands, "ask", ask)
    return replies


def run(*args: str) -> str:
    result = runner.invoke(build_app(), ["fulfillment", "inventory", "demo-seller", *args], env={"COLUMNS": "140"})
    assert result.exit_code == 0, result.output
    return result.output


def test_the_marketplaces_own_count_is_a_row_under_the_ledgers_and_a_difference_is_spelled_out(answer):
    counted = {"fulfillable": 50, "inbound_shipped": 5, "reserved_customer_order": 2}
    answer.append(InventoryList(items=[summary([MarketplaceCount(
        marketplace_id="ATVPDKIKX0DER", reported_at=AT, counts=counted,
        differences=[CountDifference(bucket="fulfillable", ledger=47, marketplace=50)])])]))
    out = run()
    ledger = next(line for line in out.splitlines() if " all " in line)
    assert "47" in ledger and "0/5/0" in ledger
    said = next(line for line in out.splitlines() if "ATVPDKIKX0DER says" in line)
    assert "50" in said and "0/5/0" in said and "52" in said
    assert "MUG: ATVPDKIKX0DER counted fulfillable 50 (ledger 47) at 2026-11-10 08:00 UTC" in out


def test_without_a_marketplace_count_only_the_ledger_is_shown(answer):
    answer.append(InventoryList(items=[summary([])]))
    out = run("--by-center")
    assert "says" not in out and "counted" not in out
    assert any("SMF3" in line for line in out.splitlines())


def test_a_removal_shows_its_shipments_carrier_and_tracking_and_flags_over_reported_units(monkeypatch):
    view = RemovalOrderView(
        removal_order_id="rm-1", seller="demo-seller", removal_type=RemovalType.RETURN, status=RemovalStatus.COMPLETED,
        lines=[RemovalLineStatus(sku="MUG", center_id="ABE8", condition=StockCondition.SELLABLE, requested=2,
                                 shipped=2, over_reported=3)],
        shipments=[RemovalShipment(reported_at=AT, carrier_code="UPS", tracking_number="1Z999AA10123456784", units=2)],
        updated_at=AT)
    monkeypatch.setattr(commands, "ask", lambda *args, **kwargs: view)

    table = runner.invoke(build_app(), ["fulfillment", "removal", "demo-seller", "rm-1"], env={"COLUMNS": "160"})
    as_json = runner.invoke(build_app(), ["fulfillment", "removal", "demo-seller", "rm-1", "--json"])

    assert table.exit_code == 0 and as_json.exit_code == 0
    assert "UPS" in table.output and "1Z999AA10123456784" in table.output and "over-reported" in table.output
    row = next(line for line in table.output.splitlines() if "ABE8" in line)
    assert row.split()[-1] == "3"  # the over-reported column, last
    found = json.loads(as_json.output)
    assert found["shipments"] == [{"reported_at": "2026-11-10T08:00:00Z", "carrier_code": "UPS",
                                   "tracking_number": "1Z999AA10123456784", "units": 2}]
    assert found["lines"][0]["over_reported"] == 3
