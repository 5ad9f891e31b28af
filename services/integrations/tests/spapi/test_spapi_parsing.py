import json
from datetime import UTC, datetime
from pathlib import Path

from sellerops.contracts.health import AccountStatus, AccountStatusReported
from sellerops.contracts.inventory import InventoryAvailabilityReported
from sellerops.contracts.market import OrderBuyerCancelRequested, OrderPaymentAuthorized, OrderPlaced
from sellerops.integrations.domain import spapi
from sellerops.integrations.plugin import register
from sellerops.plugins.ingest import fact_id, registry

PAYLOADS = Path(__file__).parent / "payloads"


def read(name: str):
    return spapi.parse("acme", (PAYLOADS / name).read_text())


def envelope(**changes):
    doc = json.loads((PAYLOADS / "fulfillment_order_status.json").read_text())
    doc.update(changes)
    return doc


def test_order_change_maps_payment_and_buyer_cancel_and_notes_the_rest():
    parsed = read("order_change.jsonl")
    assert parsed.problems == []
    kinds = [type(e) for e in parsed.events]
    assert kinds == [OrderPaymentAuthorized, OrderBuyerCancelRequested]
    paid, cancel = parsed.events
    assert paid.event_id == fact_id("sp-api", "0b8f3c7e-0002-4d2c-9a51-5f1a2b3c4d02", "payment_authorized", seller="acme")
    assert paid.seller == "acme" and paid.order_id == "113-0000001-0000001"
    assert paid.occurred_at.utcoffset().total_seconds() == 0
    assert cancel.reason == "Buyer Requested Cancel"
    assert parsed.duplicates == 1
    assert parsed.ignored == 3  # Pending (no prices), Canceled by the marketplace, AFN Shipped
    notes = " | ".join(parsed.notes)
    assert "no item prices" in notes and "no marketplace-cancel fact" in notes and "needs a center" in notes


def test_the_same_file_gives_the_same_event_ids():
    assert [e.event_id for e in read("order_change.jsonl").events] == [e.event_id for e in read("order_change.jsonl").events]


def test_orders_api_responses_are_joined_into_order_placed():
    parsed = read("orders_api.jsonl")
    assert parsed.problems == []
    placed = [e for e in parsed.events if isinstance(e, OrderPlaced)]
    paid = [e for e in parsed.events if isinstance(e, OrderPaymentAuthorized)]
    assert {p.order_id for p in placed} == {"113-0000010-0000010", "113-0000011-0000011"}
    assert [p.order_id for p in paid] == ["113-0000010-0000010"]  # the Pending one is not paid yet
    mfn = next(p for p in placed if p.order_id == "113-0000010-0000010")
    assert mfn.event_id == fact_id("orders-api", "113-0000010-0000010", "placed", seller="acme")
    assert mfn.items[0].sku == "MUG-BLUE" and mfn.items[0].quantity == 2
    assert str(mfn.items[0].item_price.amount) == "29.98" and mfn.items[0].item_price.currency == "USD"
    assert mfn.is_prime and mfn.ship_window is not None and mfn.destination.postal_code == "48110"
    assert mfn.purchased_at == mfn.occurred_at and mfn.purchased_at.tzinfo is not None


def test_a_combined_order_with_items_document_gives_order_placed():
    parsed = read("order_with_items.json")
    assert parsed.problems == []
    placed = [e for e in parsed.events if isinstance(e, OrderPlaced)]
    assert len(placed) == 1 and len(placed[0].items) == 2


def test_an_order_without_items_waits_for_them_naming_it():
    text = (PAYLOADS / "orders_api.jsonl").read_text().splitlines()[0]
    parsed = spapi.parse("acme", text)
    assert parsed.events == [] and parsed.problems == []
    assert {(p.key, p.where) for p in parsed.pending} == {
        ("113-0000010-0000010", "document 1: $.payload.Orders[0]"),
        ("113-0000011-0000011", "document 1: $.payload.Orders[1]")}
    assert any("113-0000010-0000010" in note and "getOrderItems" in note for note in parsed.notes)


def test_other_notification_types_are_ignored_with_a_note():
    for name, word in [("fulfillment_order_status.json", "FULFILLMENT_ORDER_STATUS"),
                       ("any_offer_changed.json", "ANY_OFFER_CHANGED")]:
        parsed = read(name)
        assert (parsed.events, parsed.problems, parsed.ignored) == ([], [], 1), name
        assert word in parsed.notes[0]


def test_fba_inventory_availability_becomes_the_networks_count_per_marketplace():
    parsed = read("fba_inventory_availability_changes.json")
    assert (parsed.problems, parsed.ignored) == ([], 0)
    [count] = parsed.events
    assert isinstance(count, InventoryAvailabilityReported)
    assert (count.sku, count.marketplace_id, count.occurred_at) == ("MUG-BLUE", "ATVPDKIKX0DER",
                                                                   datetime(2026, 3, 2, 12, tzinfo=UTC))
    assert (count.fulfillable, count.inbound_working, count.inbound_shipped, count.inbound_receiving) == (50, 0, 5, 10)
    assert (count.reserved_processing, count.reserved_transfer, count.reserved_customer_order) == (5, 15, 10)
    assert (count.researching, count.unfulfillable) == (0, 0)
    assert read("fba_inventory_availability_changes.json").events[0].event_id == count.event_id, \
        "no NotificationMetadata in this type: the id comes from the content"


def test_a_negative_or_fractional_inventory_count_is_a_problem_naming_its_path():
    doc = json.loads((PAYLOADS / "fba_inventory_availability_changes.json").read_text())
    doc["Payload"]["FulfillmentInventoryByMarketplace"][0]["FulfillmentInventory"]["ReservedQuantityBreakdown"][
        "WarehouseTransfer"] = -1
    [problem] = spapi.parse("acme", json.dumps(doc)).problems
    assert problem.where == ("document 1: $.Payload.FulfillmentInventoryByMarketplace[0].FulfillmentInventory."
                             "ReservedQuantityBreakdown.WarehouseTransfer")


def test_account_status_changed_becomes_the_marketplaces_own_account_status():
    parsed = read("account_status_changed.json")
    assert (parsed.problems, parsed.ignored) == ([], 0)
    [reported] = parsed.events
    assert isinstance(reported, AccountStatusReported)
    assert (reported.status, reported.previous) == (AccountStatus.AT_RISK, AccountStatus.NORMAL)
    assert reported.marketplace_id == "ATVPDKIKX0DER" and reported.seller == "acme"
    assert reported.occurred_at == datetime(2026, 3, 2, 13, tzinfo=UTC), "when it changed: the EventTime"
    assert reported.event_id == fact_id("sp-api", "0b8f3c7e-0007-4d2c-9a51-5f1a2b3c4d07", "account_status_reported", seller="acme")


def test_an_account_status_the_marketplace_never_documented_is_a_problem_naming_it():
    doc = json.loads((PAYLOADS / "account_status_changed.json").read_text())
    doc["payload"]["accountStatusChangeNotification"]["currentAccountStatus"] = "SUSPENDED"
    parsed = spapi.parse("acme", json.dumps(doc))
    assert parsed.events == []
    [problem] = parsed.problems
    assert problem.where == "document 1: $.Payload.AccountStatusChangeNotification.CurrentAccountStatus"
    assert "SUSPENDED" in problem.message and "AT_RISK" in problem.message


def test_an_unknown_notification_type_is_a_problem():
    parsed = spapi.parse("acme", json.dumps(envelope(NotificationType="SOMETHING_NEW")))
    assert parsed.problems[0].where == "document 1: $.NotificationType"
    assert "SOMETHING_NEW" in parsed.problems[0].message


def test_a_missing_field_is_a_problem_naming_the_document_and_the_path():
    doc = envelope()
    del doc["NotificationMetadata"]["NotificationId"]
    bad_order = json.loads((PAYLOADS / "order_change.jsonl").read_text().splitlines()[0])
    del bad_order["Payload"]["OrderChangeNotification"]["Summary"]["OrderStatus"]
    parsed = spapi.parse("acme", json.dumps(doc) + "\n" + json.dumps(bad_order) + "\nnot json\n")
    wheres = [p.where for p in parsed.problems]
    assert wheres == ["document 1: $.NotificationMetadata.NotificationId",
                      "document 2: $.Payload.OrderChangeNotification.Summary.OrderStatus",
                      "document 3: $"]


def test_detect_recognizes_sp_api_documents_only():
    assert spapi.detect("n.json", (PAYLOADS / "fulfillment_order_status.json").read_text())
    assert spapi.detect("o.jsonl", (PAYLOADS / "orders_api.jsonl").read_text())
    assert not spapi.detect("returns.tsv", "return-date\torder-id\tsku\n")


def test_the_plugin_registers_the_sp_api_ingester():
    reg = registry()
    register(reg)
    assert "sp-api" in reg.names()
