"""Which events become notifications, of which kind and severity: every golden sample of a type the catalog
knows, the events that are not worth one, the order context of a feedback, and a stable notification id."""

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sellerops.contracts.catalog import decode_event
from sellerops.contracts.notifications import Kind, Severity
from sellerops.notifications.domain import catalog

GOLDEN = Path(__file__).resolve().parents[4] / "shared" / "tests" / "golden"
K, V = Kind, Severity

# hand-read from the rules and the samples' fields
EXPECTED: dict[str, tuple[Kind, Severity] | None] = {
    "orders.order_ship_by_at_risk.v1": (K.ORDERS, V.WARNING),
    "orders.order_ship_by_missed.v1": (K.ORDERS, V.CRITICAL),
    "orders.order_cancel_requested.v1": (K.ORDERS, V.WARNING),
    "orders.order_canceled.v1": None,  # canceled by the marketplace, not against the seller
    "orders.order_refund_refused.v1": (K.ORDERS, V.WARNING),
    "returns.return_recorded.v1": (K.RETURNS, V.WARNING),  # PendingAuthorization
    "returns.return_deadline_approaching.v1": (K.RETURNS, V.WARNING),
    "returns.return_deadline_missed.v1": (K.RETURNS, V.CRITICAL),
    "returns.customer_return_missing.v1": (K.INVENTORY, V.INFO),
    "returns.claim_recorded.v1": (K.CLAIMS, V.CRITICAL),
    "returns.claim_deadline_approaching.v1": (K.CLAIMS, V.WARNING),
    "returns.claim_deadline_missed.v1": (K.CLAIMS, V.CRITICAL),
    "returns.claim_decided.v1": (K.CLAIMS, V.WARNING),  # counts as a defect
    "health.metric_breached.v1": (K.HEALTH, V.CRITICAL),
    "health.metric_recovered.v1": (K.HEALTH, V.INFO),
    "health.metric_breach_forecast.v1": (K.HEALTH, V.WARNING),
    "health.account_status_changed.v1": (K.HEALTH, V.CRITICAL),  # NORMAL -> AT_RISK
    "market.account_status_reported.v1": (K.HEALTH, V.CRITICAL),  # the marketplace says AT_RISK
    "fulfillment.inventory_count_differed.v1": (K.INVENTORY, V.WARNING),
    "fulfillment.inbound_shipment_case_opened.v1": (K.INBOUND, V.WARNING),
    "fulfillment.inbound_shipment_claim_deadline_approaching.v1": (K.INBOUND, V.WARNING),
    "fulfillment.reimbursement_unmatched.v1": (K.INBOUND, V.INFO),
    "fulfillment.order_unfulfillable.v1": (K.INVENTORY, V.WARNING),
    "fulfillment.mcf_order_status_changed.v1": None,  # the sample's status is not Unfulfillable nor Invalid
    "notifications.buyer_message_awaiting_reply.v1": (K.MESSAGING, V.INFO),
    "notifications.buyer_message_reply_due_soon.v1": (K.MESSAGING, V.WARNING),
    "notifications.buyer_message_reply_missed.v1": (K.MESSAGING, V.CRITICAL),
    "notifications.review_requested.v1": (K.REVIEWS, V.INFO),
    "notifications.review_request_skipped.v1": (K.REVIEWS, V.INFO),
    "market.feedback_received.v1": (K.FEEDBACK, V.WARNING),  # 2 stars
    "notifications.endpoint_circuit_opened.v1": (K.SYSTEM, V.CRITICAL),
}


def sample(tag: str) -> dict:
    return json.loads((GOLDEN / f"{tag}.json").read_text())


def event(tag: str, **changes):
    return decode_event(json.dumps({**sample(tag), **changes}))


def test_the_table_covers_every_type_the_catalog_knows() -> None:
    assert sorted(cls.type_tag() for cls in catalog.RULES) == sorted(EXPECTED)


@pytest.mark.parametrize(("tag", "expected"), EXPECTED.items(), ids=list(EXPECTED))
def test_a_golden_sample_becomes_the_notification_its_rule_says(tag: str, expected) -> None:
    note = catalog.notify(event(tag))
    if expected is None:
        assert note is None
        return
    kind, severity, title, body = note
    assert (kind, severity) == expected
    assert 0 < len(title) <= 200 and len(body) <= 8000


def test_a_golden_sample_of_a_type_the_catalog_does_not_know_becomes_nothing() -> None:
    assert catalog.notify(event("orders.order_recorded.v1")) is None
    assert catalog.notify(event("market.order_delivered.v1")) is None
    assert catalog.notify(event("notifications.delivery_failed.v1")) is None


def test_the_marketplace_reporting_the_account_back_to_normal_is_news_not_an_alarm() -> None:
    kind, severity, title, body = catalog.notify(event("market.account_status_reported.v1", status="NORMAL",
                                                       previous="AT_RISK"))
    assert (kind, severity) == (K.HEALTH, V.INFO)
    assert title == "The marketplace reports your account NORMAL"
    assert body == "Was AT_RISK. Your account is in good standing."


def test_a_count_the_marketplace_disagrees_with_names_each_bucket_and_both_numbers() -> None:
    _, _, title, body = catalog.notify(event("fulfillment.inventory_count_differed.v1"))
    assert title == "SKU MUG-BLUE-12OZ: the marketplace counts differently from your ledger"
    assert body.startswith("fulfillable: marketplace 50, ledger 47 (in ATVPDKIKX0DER, counted 2026-11-10 08:00 UTC).")


@pytest.mark.parametrize(("status", "words"), [
    ("Unfulfillable", "cannot be fulfilled"), ("Invalid", "was refused by the network")])
def test_an_mcf_order_that_becomes_unfulfillable_or_invalid_warns_the_seller_with_the_reason(status, words) -> None:
    reason = "$.items[0].seller_sku: unknown SKU 'NOPE' (the network never held it)"
    kind, severity, title, body = catalog.RULES[type(event("fulfillment.mcf_order_status_changed.v1"))](
        event("fulfillment.mcf_order_status_changed.v1", status=status, reason=reason), {})

    assert (kind, severity) == (K.ORDERS, V.WARNING) and words in title and reason in body


def test_a_cancel_the_buyer_asked_for_does_not_count_against_the_seller_and_tells_no_one() -> None:
    buyers = event("orders.order_canceled.v1", canceled_by="buyer", counts_against_seller=False,
                   reason="BuyerCanceled")
    assert catalog.notify(buyers) is None


def test_a_cancel_that_counts_against_the_seller_is_a_warning_naming_who_canceled() -> None:
    kind, severity, title, body = catalog.notify(event(
        "orders.order_canceled.v1", canceled_by="seller", counts_against_seller=True, reason="NoInventory"))
    assert (kind, severity) == (K.ORDERS, V.WARNING)
    assert title == "Order 113-4567890-1234567 canceled (counts against you)"
    assert body == "Canceled by seller: NoInventory. It enters the Pre-fulfillment Cancel Rate."


@pytest.mark.parametrize("rating", [3, 4, 5])
def test_feedback_of_three_stars_or_more_tells_no_one(rating: int) -> None:
    assert catalog.notify(event("market.feedback_received.v1", rating=rating)) is None


def test_a_negative_feedback_quotes_the_buyer_and_adds_the_order_context_when_known() -> None:
    feedback = event("market.feedback_received.v1", rating=1)
    _, _, title, body = catalog.notify(feedback)
    assert title == "1-star feedback on order 113-4567890-1234567"
    assert body == ('"Mugs arrived cracked and the seller took four days to answer." Reply to the buyer or ask for '
                    'removal if it is a product review.')
    _, _, _, with_order = catalog.notify(feedback, {"order": "113-4567890-1234567, delivered 2026-11-12"})
    assert with_order == ('"Mugs arrived cracked and the seller took four days to answer." Order: '
                          '113-4567890-1234567, delivered 2026-11-12. Reply to the buyer or ask for removal if it is '
                          'a product review.')
    _, _, _, silent = catalog.notify(event("market.feedback_received.v1", rating=2, comment=None))
    assert silent.startswith("No comment. Reply")


def test_a_return_that_needs_no_authorization_tells_no_one() -> None:
    assert catalog.notify(event("returns.return_recorded.v1", status="Authorized")) is None


def test_a_claim_decided_without_a_defect_is_only_information() -> None:
    kind, severity, _, body = catalog.notify(event("returns.claim_decided.v1", counts_as_defect=False))
    assert (kind, severity) == (K.CLAIMS, V.INFO)
    assert body == "Order 113-2847561-9034172; does not count as a defect."


def test_an_account_back_to_normal_is_only_information() -> None:
    kind, severity, title, _ = catalog.notify(event("health.account_status_changed.v1", previous="AT_RISK",
                                                    current="NORMAL", bad=[]))
    assert (kind, severity, title) == (K.HEALTH, V.INFO, "Account status NORMAL")


def test_a_breach_reads_its_rate_counts_and_target() -> None:
    _, _, title, body = catalog.notify(event("health.metric_breached.v1"))
    assert title == "Order Defect Rate (seller-fulfilled) is over its target"
    assert body == "1.25% (5 of 400, 60 days) against under 1.00%."


def test_the_notification_id_is_stable_per_event_id() -> None:
    one = catalog.notification_id(event("health.metric_breached.v1"))
    assert one == catalog.notification_id(event("health.metric_breached.v1", occurred_at="2026-12-01T00:00:00Z"))
    assert one.startswith("N-") and len(one) == 18 and int(one[2:], 16) >= 0
    other = catalog.notification_id(event("health.metric_breached.v1", event_id=str(uuid.uuid4())))
    assert other != one


def test_a_rate_that_must_stay_at_least_at_its_target_is_said_to_fall_below_it():
    from sellerops.contracts.health import MetricBreached, Target, TargetCondition

    event = MetricBreached(event_id=uuid.uuid4(), seller="acme", occurred_at=datetime(2026, 11, 30, tzinfo=UTC),
                           key="validTrackingRate", marketplace_id="ATVPDKIKX0DER", title="Valid Tracking Rate",
                           rate=0.9, target=Target(value=0.95, condition=TargetCondition.GREATER_THAN), numerator=90,
                           denominator=100, window_days=30)
    _, _, title, body = catalog.notify(event)
    assert title == "Valid Tracking Rate is below its target" and "at least 95.00%" in body
