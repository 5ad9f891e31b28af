"""Orders API v0 sandbox responses and the ORDER_CHANGE schema example, unchanged from Amazon's published
models (schemas/SOURCES.md names the files and commits): joined across documents, buyer cancel requests kept
and dated as the marketplace dates them, ids scoped by seller."""

import json
from datetime import UTC, datetime
from pathlib import Path

from sellerops.contracts.market import OrderBuyerCancelRequested, OrderPaymentAuthorized, OrderPlaced
from sellerops.integrations.domain import spapi

HERE = Path(__file__).parent
V0 = HERE / "payloads" / "orders_v0"
SANDBOX_ORDER = "902-1845936-5435065"  # in getOrders, getOrder and getOrderItems (TEST_CASE_200)
ITEMLESS_ORDER = "902-8745147-1934268"  # in getOrders only: the sandbox has no items for it


def text(name: str) -> str:
    return (V0 / name).read_text()


def order_change_example() -> dict:
    return json.loads((HERE / "schemas" / "OrderChangeNotification.json").read_text())["examples"][0]


def in_separate_calls(seller: str, *names: str):
    """`read` each file alone, then `join` all their pieces: what `sellerops ingest` does for one call."""
    reads = [spapi.read(seller, text(name)) for name in names]
    return reads, spapi.join(seller, [piece for r in reads for piece in r.pending])


def of(kind, events):
    return [e for e in events if isinstance(e, kind)]


def test_get_orders_and_get_order_items_in_separate_files_are_joined_into_the_order():
    reads, joined = in_separate_calls("acme", "getOrders.json", "getOrderItems.json")

    assert [r.events for r in reads] == [[], []] and joined.problems == []
    [placed] = of(OrderPlaced, joined.events)
    assert (placed.order_id, placed.items[0].sku, placed.items[0].quantity) == (SANDBOX_ORDER, "NABetaASINB00551Q3CS", 1)
    assert str(placed.items[0].item_price.amount) == "10.00"
    assert [p.order_id for p in of(OrderPaymentAuthorized, joined.events)] == [SANDBOX_ORDER]
    assert joined.joined == [SANDBOX_ORDER]


def test_an_order_the_sandbox_gives_no_items_for_waits_instead_of_being_a_problem():
    _, joined = in_separate_calls("acme", "getOrders.json", "getOrderItems.json")

    assert {p.key for p in joined.pending} == {ITEMLESS_ORDER}
    assert any(ITEMLESS_ORDER in note and "waits for its items" in note for note in joined.notes)


def test_a_single_get_order_response_is_accepted_and_joined_with_its_items():
    _, joined = in_separate_calls("acme", "getOrder.json", "getOrderItems.json")

    assert joined.problems == [] and [p.order_id for p in of(OrderPlaced, joined.events)] == [SANDBOX_ORDER]
    assert joined.pending == []


def test_a_later_call_completes_an_order_an_earlier_one_left_waiting_and_publishes_it_once():
    first = spapi.parse("acme", text("getOrders.json"))
    assert first.events == [] and {p.key for p in first.pending} == {SANDBOX_ORDER, ITEMLESS_ORDER}

    later = spapi.join("acme", first.pending + spapi.read("acme", text("getOrderItems.json")).pending)

    assert [p.order_id for p in of(OrderPlaced, later.events)] == [SANDBOX_ORDER]
    assert later.joined == [SANDBOX_ORDER] and {p.key for p in later.pending} == {ITEMLESS_ORDER}


def test_the_buyer_requested_cancel_of_get_order_items_becomes_the_buyers_request():
    _, joined = in_separate_calls("acme", "getOrders.json", "getOrderItems.json")

    [asked] = of(OrderBuyerCancelRequested, joined.events)
    assert (asked.order_id, asked.reason, asked.order_status) == (
        SANDBOX_ORDER, "Found cheaper somewhere else.", "Unshipped")
    assert asked.occurred_at == datetime(1970, 1, 19, 3, 58, 32, tzinfo=UTC)  # the order's LastUpdateDate


def test_a_buyer_cancel_flag_saying_false_is_no_request():
    items = json.loads(text("getOrderItems.json"))
    items["payload"]["OrderItems"][0]["BuyerRequestedCancel"]["IsBuyerRequestedCancel"] = "false"
    parsed = spapi.parse("acme", f'[{text("getOrders.json")}, {json.dumps(items)}]')

    assert of(OrderPlaced, parsed.events) and not of(OrderBuyerCancelRequested, parsed.events)


def test_an_order_change_buyer_cancel_is_dated_by_the_trigger_and_carries_the_order_status():
    parsed = spapi.parse("acme", json.dumps(order_change_example()))

    assert parsed.problems == []
    [asked] = of(OrderBuyerCancelRequested, parsed.events)
    # the example's EventTime (2020-01-11) is before its PurchaseDate (2022-07-13); the trigger's time is not
    assert asked.occurred_at == datetime(2022, 11, 29, 19, 42, 4, 284000, tzinfo=UTC)
    assert (asked.order_id, asked.order_status, asked.reason) == ("903-8868176-2219830", "Unshipped",
                                                                 "Buyer Requested Cancel")


def test_an_order_change_buyer_cancel_dated_before_the_purchase_is_a_problem_and_no_cancel():
    doc = order_change_example()
    doc["Payload"]["OrderChangeNotification"]["OrderChangeTrigger"]["TimeOfOrderChange"] = "2022-07-13T19:00:00Z"
    parsed = spapi.parse("acme", json.dumps(doc))

    assert parsed.events == []
    [problem] = parsed.problems
    assert problem.where == "document 1: $.Payload.OrderChangeNotification.OrderChangeTrigger.TimeOfOrderChange"
    assert "before the purchase" in problem.message


def test_the_same_documents_ingested_for_two_sellers_give_each_seller_its_own_ids():
    docs = f'[{text("getOrders.json")}, {text("getOrderItems.json")}, {json.dumps(order_change_example())}]'
    acme, globex = spapi.parse("acme", docs), spapi.parse("globex", docs)

    assert len(acme.events) == len(globex.events) == 4
    assert not {e.event_id for e in acme.events} & {e.event_id for e in globex.events}
    assert [e.event_id for e in acme.events] == [e.event_id for e in spapi.parse("acme", docs).events]
    assert {e.seller for e in globex.events} == {"globex"}


def test_one_unreadable_order_is_a_problem_naming_it_and_the_others_are_still_read():
    orders = json.loads(text("getOrders.json"))
    del orders["payload"]["Orders"][1]["AmazonOrderId"]
    parsed = spapi.parse("acme", f'[{json.dumps(orders)}, {text("getOrderItems.json")}]')

    assert [(p.where, p.message) for p in parsed.problems] == [
        ("document 1: $.payload.Orders[1].AmazonOrderId", "missing field")]
    assert [p.order_id for p in of(OrderPlaced, parsed.events)] == [SANDBOX_ORDER]
