"""Facts fold into work items, red flags and the account part; the same fact twice changes nothing."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sellerops.contracts.health import (
    AccountStatus, AccountStatusChanged, MetricBreached, MetricBreachForecast, MetricRecovered, RatingBand, Target,
    TargetCondition,
)
from sellerops.contracts.market import FulfillmentChannel, Money, OrderType, Window
from sellerops.contracts.notifications import BuyerMessageAwaitingReply, BuyerMessageReplied, BuyerMessageReplyMissed
from sellerops.contracts.orders import OrderCanceled, OrderRecorded, OrderShipByMissed, OrderStatus
from sellerops.contracts.returns import (
    ClaimDecided, ClaimKind, ClaimOutcome, ClaimReason, ClaimRecorded, ClaimResponded, ReturnDeadline,
    ReturnDeadlineApproaching, ReturnRecorded, ReturnStatus, ReturnStatusChanged,
)
from sellerops.dashboard.domain import folding
from sellerops.testing.helpers import fact

T0 = datetime(2026, 11, 20, 12, tzinfo=UTC)
S = "acme"


def recorded(order_id: str = "O-1", channel: FulfillmentChannel = FulfillmentChannel.MFN) -> OrderRecorded:
    return fact(OrderRecorded, S, T0, order_id=order_id, status=OrderStatus.UNSHIPPED, fulfillment_channel=channel,
                order_type=OrderType.STANDARD,
                purchased_at=T0, lines=[], ship_window=Window(T0, T0 + timedelta(days=2)))


def claim(at: datetime = T0) -> ClaimRecorded:
    return fact(ClaimRecorded, S, at, claim_id="C-1", kind=ClaimKind.A_TO_Z, order_id="O-1",
                reason=ClaimReason.NOT_RECEIVED, amount=Money(Decimal("10"), "USD"), filed_at=at,
                response_due_at=at + timedelta(days=3), counts_as_defect=True)


def measure_event(kind, at: datetime, **more):
    return fact(kind, S, at, key="orderDefectRate.mfn", marketplace_id="ATVPDKIKX0DER", title="ODR", rate=0.02,
                target=Target(value=0.01, condition=TargetCondition.LESS_THAN), numerator=2, denominator=100,
                window_days=60, **more)


def test_a_seller_fulfilled_order_is_work_due_by_its_latest_ship_date_until_it_is_canceled():
    item = folding.order_work(None, recorded())
    assert (item.what, item.due_at, item.open) == ("ship", T0 + timedelta(days=2), True)
    missed = folding.order_work(item, fact(OrderShipByMissed, S, T0 + timedelta(days=2), order_id="O-1",
                                                latest_ship_date=T0 + timedelta(days=2), units_unshipped=1))
    assert missed.missed and missed.open
    canceled = fact(OrderCanceled, S, T0 + timedelta(days=3), order_id="O-1", reason="NoInventory",
                    canceled_by="seller", counts_against_seller=True, previous_status=OrderStatus.UNSHIPPED)
    assert folding.order_work(missed, canceled).open is False


def test_an_fba_order_is_not_the_sellers_work_to_ship():
    assert folding.order_work(None, recorded(channel=FulfillmentChannel.AFN)) is None


def test_a_claim_is_work_until_answered_and_again_while_an_appeal_is_due():
    evt = claim()
    item = folding.claim_work(None, evt)
    assert (item.what, item.due_at) == ("respond", T0 + timedelta(days=3))
    assert folding.claim_work(item, evt) == item  # the same fact again changes nothing
    answered = folding.claim_work(item, fact(ClaimResponded, S, T0, claim_id="C-1", kind=ClaimKind.A_TO_Z,
                                             order_id="O-1", message="Tracking shows it delivered"))
    assert answered.open is False
    decided = fact(ClaimDecided, S, T0 + timedelta(days=5), claim_id="C-1", kind=ClaimKind.A_TO_Z, order_id="O-1",
                   outcome=ClaimOutcome.GRANTED_SELLER_FUNDED, counts_as_defect=True, filed_at=T0,
                   appeal_due_at=T0 + timedelta(days=35))
    appeal = folding.claim_work(answered, decided)
    assert (appeal.what, appeal.due_at, appeal.open) == ("appeal", T0 + timedelta(days=35), True)


def test_a_return_is_work_while_it_waits_for_the_seller_to_authorize_or_refund():
    evt = fact(ReturnRecorded, S, T0, return_id="R-1", order_id="O-1", items=[],
               status=ReturnStatus.PENDING_AUTHORIZATION, in_policy=False)
    item = folding.return_work(None, evt)
    assert item.what == "authorize" and item.open
    due = folding.return_work(item, fact(ReturnDeadlineApproaching, S, T0, return_id="R-1", order_id="O-1",
                                         deadline=ReturnDeadline.AUTHORIZE, due_at=T0 + timedelta(hours=24)))
    assert due.due_at == T0 + timedelta(hours=24)

    def moved(status: ReturnStatus, hours: int) -> ReturnStatusChanged:
        return fact(ReturnStatusChanged, S, T0 + timedelta(hours=hours), return_id="R-1", order_id="O-1",
                    previous=ReturnStatus.PENDING_AUTHORIZATION, status=status)

    waiting = folding.return_work(due, moved(ReturnStatus.AUTHORIZED, 1))
    assert waiting.open is False  # the buyer has to send it back first
    refund = folding.return_work(waiting, moved(ReturnStatus.PENDING_REFUND, 48))
    assert (refund.what, refund.open) == ("refund", True)
    assert folding.return_work(refund, moved(ReturnStatus.AUTHORIZED, 1)) == refund  # an older word changes nothing


def test_a_buyer_message_is_work_until_replied_and_a_missed_reply_is_marked():
    evt = fact(BuyerMessageAwaitingReply, S, T0, message_id="M-1", order_id="O-1", received_at=T0,
               reply_due_at=T0 + timedelta(hours=24))
    item = folding.message_work(None, evt)
    missed = folding.message_work(item, fact(BuyerMessageReplyMissed, S, T0 + timedelta(hours=24), message_id="M-1",
                                             order_id="O-1", received_at=T0, reply_due_at=T0 + timedelta(hours=24)))
    assert missed.missed and missed.open
    replied = fact(BuyerMessageReplied, S, T0 + timedelta(hours=30), message_id="M-1", order_id="O-1",
                   received_at=T0, reply_due_at=T0 + timedelta(hours=24), replied_at=T0 + timedelta(hours=30),
                   response_seconds=30 * 3600, within_deadline=False)
    assert folding.message_work(missed, replied).open is False


def test_a_breach_stays_open_until_its_recovery_and_a_late_older_breach_does_not_reopen_it():
    breached = folding.flag(None, measure_event(MetricBreached, T0))
    assert breached.open and breached.breached_at == T0
    forecast = measure_event(MetricBreachForecast, T0 + timedelta(hours=1), within_days=3.0, trend_per_day=0.001)
    assert folding.flag(breached, forecast) == breached  # already over: no forecast on top
    recovered = folding.flag(breached, measure_event(MetricRecovered, T0 + timedelta(days=2)))
    assert not recovered.open
    assert folding.flag(recovered, measure_event(MetricBreached, T0)) == recovered


def test_a_forecast_is_a_red_flag_with_its_horizon():
    found = folding.flag(None, measure_event(MetricBreachForecast, T0, within_days=4.5, trend_per_day=0.002))
    assert found.open and found.breached_at is None and found.within_days == 4.5


def test_the_latest_account_status_change_wins_whatever_the_order_of_arrival():
    def change(at: datetime, current: AccountStatus) -> AccountStatusChanged:
        return fact(AccountStatusChanged, S, at, marketplace_id="ATVPDKIKX0DER", previous=AccountStatus.NORMAL,
                    current=current, rating=150, rating_band=RatingBand.AT_RISK, bad=["orderDefectRate.mfn"])

    later = folding.account(None, change(T0 + timedelta(hours=1), AccountStatus.AT_RISK))
    assert folding.account(later, change(T0, AccountStatus.NORMAL)) == later
    assert later.current == "AT_RISK" and later.bad == ["orderDefectRate.mfn"]
