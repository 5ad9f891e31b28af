"""Seller-fulfilled return requests: authorization, the item coming back, refunds, closing and deadlines."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import msgspec
import pytest

from sellerops.contracts.market import Money
from sellerops.contracts.orders import Address, OrderRefunded, OrderRefundRefused, RefundLine, RefundReason
from sellerops.contracts.returns import (
    AuthorizeReturn, ClosedBy, CloseReturn, CompleteReturn, RefundRequested, RefundReturn, ReturnClosedByBuyer,
    ReturnDeadline, ReturnDeadlineApproaching, ReturnDeadlineMissed, ReturnItem, ReturnMethod, ReturnPolicy,
    ReturnRecorded, ReturnRequested, ReturnStatus, ReturnStatusChanged, ReturnView,
)
from sellerops.returns.domain import returns
from sellerops.returns.domain.facts import OrderFacts
from sellerops.runtime.decisions import Cause, NotFound, Refused, requested

RS = ReturnStatus
SELLER = "acme-returns"
T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)  # a Monday
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
POLICY = ReturnPolicy()
BY_HAND = ReturnPolicy(auto_authorize=False)
HOME = Address(name="Acme", address_line1="1 Main", city="Reno", state_or_region="NV", postal_code="89502",
               country_code="US")


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


FACTS = OrderFacts(order_id="O1", purchased_at=T0 - 10 * DAY, delivered_at=T0 - 5 * DAY,
                   paid={"I1": usd("30.00"), "I2": usd("12.00"), "I3": usd("8.00")},
                   skus={"I1": "MUG", "I2": "CUP", "I3": "LID"}, quantities={"I1": 3, "I2": 1, "I3": 1})
ITEMS = (("I1", 3), ("I2", 1))


def asked(items=ITEMS, at: datetime = T0, return_id: str = "RT1") -> ReturnRequested:
    return ReturnRequested(event_id=uuid.uuid4(), seller=SELLER, occurred_at=at, return_id=return_id, order_id="O1",
                           items=[ReturnItem(order_item_id=i, sku=FACTS.skus[i], quantity=n, reason="DEFECTIVE")
                                  for i, n in items])


def new(policy: ReturnPolicy = BY_HAND, facts: OrderFacts | None = FACTS,
        items: tuple[tuple[str, int], ...] = ITEMS) -> returns.Return:
    return returns.requested(None, asked(items), facts=facts, policy=policy)[0]


def cause(verb: str) -> Cause:
    return requested(SELLER, "RT1", verb)


def authorize(ret, at: datetime = T0 + HOUR, policy: ReturnPolicy = POLICY,
              **fields):
    return returns.authorize(ret, AuthorizeReturn(return_id="RT1", **fields), policy=policy, cause=cause("authorize"),
                             now=at)


def close(ret, reason: str = "not eligible", at: datetime = T0 + HOUR):
    return returns.close(ret, CloseReturn(return_id="RT1", reason=reason), cause=cause("close"), now=at)


def receive(ret, at: datetime = T0 + 2 * DAY, policy: ReturnPolicy = POLICY):
    return returns.item_received(ret, cause=cause(f"received/{at.isoformat()}"), at=at, policy=policy)


def refund(ret, refund_id: str = "F1", lines=None, keep_item: bool = False,
           facts: OrderFacts | None = FACTS, at: datetime = T0 + 3 * DAY):
    request = RefundReturn(return_id="RT1", lines=lines, keep_item=keep_item)
    return returns.refund(ret, request, facts=facts, refund_id=refund_id, cause=cause(f"refund/{refund_id}"),
                          now=at)


def line(item: str, amount: str) -> RefundLine:
    return RefundLine(item, usd(amount))


def confirm(ret, refund_id: str = "F1", total: str = "42.00", at: datetime = T0 + 4 * DAY):
    evt = OrderRefunded(event_id=uuid.uuid4(), seller=SELLER, occurred_at=at, order_id="O1", refund_id=refund_id,
                        lines=[], total=usd(total), reason=RefundReason.CUSTOMER_RETURN, fully_refunded=False)
    return returns.refunded(ret, evt, policy=POLICY)


def refuse(ret, refund_id: str = "F1", at: datetime = T0 + 4 * DAY):
    evt = OrderRefundRefused(event_id=uuid.uuid4(), seller=SELLER, occurred_at=at, order_id="O1",
                             refund_id=refund_id, message="payment not settled", field="$.lines")
    return returns.refund_refused(ret, evt)


def complete(ret, reason: str = "refunded in lieu of the return", at: datetime = T0 + 5 * DAY):
    return returns.complete(ret, CompleteReturn(return_id="RT1", reason=reason), cause=cause("complete"), now=at)


def back(policy: ReturnPolicy = POLICY) -> returns.Return:
    """Authorized at once, the item back two days later."""
    return receive(new(policy=POLICY), policy=policy)[0]


def buyer_closed(at: datetime = T0 + DAY) -> ReturnClosedByBuyer:
    return ReturnClosedByBuyer(event_id=uuid.uuid4(), seller=SELLER, occurred_at=at, return_id="RT1")


# ---- the request ----


def test_an_in_policy_request_is_authorized_at_once_with_a_prepaid_label_and_a_generated_rma() -> None:
    ret, events = returns.requested(None, asked(), facts=FACTS, policy=POLICY)
    recorded, changed = events
    assert isinstance(recorded, ReturnRecorded) and recorded.in_policy and recorded.order_known
    assert recorded.status is RS.PENDING_AUTHORIZATION
    assert isinstance(changed, ReturnStatusChanged)
    assert (changed.previous, changed.status, changed.automatic) == (RS.PENDING_AUTHORIZATION, RS.AUTHORIZED, True)
    assert re.fullmatch(r"R[0-9A-Z]{9}", ret.rma) and changed.rma == ret.rma == returns.rma_of(SELLER, "RT1")
    assert ret.label.method is ReturnMethod.PREPAID_LABEL and ret.authorized_at == T0
    assert ret.status is RS.AUTHORIZED and ret.in_policy and ret.policy_notes == []
    assert returns.deadlines(ret) == [("auto_close", T0 + 50 * DAY)]
    assert len({e.event_id for e in events}) == 2


def test_the_generated_rma_differs_per_return_and_per_seller() -> None:
    assert len({returns.rma_of(SELLER, "RT1"), returns.rma_of(SELLER, "RT2"), returns.rma_of("other", "RT1")}) == 3


def test_the_same_request_twice_changes_nothing() -> None:
    first = asked()
    ret, _ = returns.requested(None, first, facts=FACTS, policy=POLICY)
    assert returns.requested(ret, first, facts=FACTS, policy=POLICY) == (ret, [])
    assert returns.requested(ret, asked(), facts=FACTS, policy=POLICY) == (ret, [])


def test_the_same_request_decided_twice_gives_the_same_event_ids() -> None:
    fact = asked()
    one = returns.requested(None, fact, facts=FACTS, policy=POLICY)[1]
    two = returns.requested(None, fact, facts=FACTS, policy=POLICY)[1]
    assert [e.event_id for e in one] == [e.event_id for e in two]


def test_a_request_past_the_window_waits_for_authorization_due_within_24_hours() -> None:
    ret, events = returns.requested(None, asked(at=T0 + 26 * DAY), facts=FACTS, policy=POLICY)
    at = T0 + 26 * DAY
    assert [type(e) for e in events] == [ReturnRecorded]
    assert not events[0].in_policy and "return window" in events[0].policy_notes[0]
    assert ret.status is RS.PENDING_AUTHORIZATION and ret.rma is None
    assert ret.authorization_due_at == at + 24 * HOUR
    assert returns.deadlines(ret) == [("authorize_reminder", at + 20 * HOUR), ("authorize_due", at + 24 * HOUR),
                                      ("auto_close", at + 50 * DAY)]


def test_a_request_for_an_unknown_order_is_accepted_flagged_and_out_of_policy() -> None:
    ret, events = returns.requested(None, asked(), facts=None, policy=POLICY)
    assert ret.status is RS.PENDING_AUTHORIZATION and not ret.order_known and not ret.in_policy
    assert events[0].order_known is False and events[0].policy_notes
    assert returns.view(ret).order_known is False


def test_a_seller_who_authorizes_by_hand_gets_every_request_pending() -> None:
    ret = new(policy=BY_HAND)
    assert ret.status is RS.PENDING_AUTHORIZATION
    assert ret.policy_notes == ["the seller authorizes every return by hand"]


# ---- the seller authorizes or closes ----


def test_the_seller_authorizes_a_pending_return_with_a_custom_rma_and_the_authorization_deadlines_go() -> None:
    ret, events = authorize(new(), rma="MY-RMA-7")
    assert [type(e) for e in events] == [ReturnStatusChanged]
    assert (events[0].status, events[0].rma, events[0].automatic) == (RS.AUTHORIZED, "MY-RMA-7", False)
    assert ret.status is RS.AUTHORIZED and ret.rma == "MY-RMA-7" and ret.authorized_at == T0 + HOUR
    assert returns.deadlines(ret) == [("auto_close", T0 + HOUR + 50 * DAY)]


def test_without_a_custom_rma_one_is_generated() -> None:
    ret, _ = authorize(new())
    assert ret.rma == returns.rma_of(SELLER, "RT1")


def test_authorizing_again_with_the_same_request_changes_nothing() -> None:
    ret, _ = authorize(new(), rma="MY-RMA-7")
    assert authorize(ret, rma="MY-RMA-7", at=T0 + 2 * HOUR) == (ret, [])
    assert authorize(ret, at=T0 + 2 * HOUR) == (ret, [])  # no RMA given: the one issued stands


def test_authorizing_a_return_that_is_not_pending_is_refused_naming_the_return() -> None:
    ret, _ = authorize(new(), rma="MY-RMA-7")
    with pytest.raises(Refused) as refused:
        authorize(ret, rma="OTHER")
    assert refused.value.field == "$.return_id"
    closed, _ = close(new())
    with pytest.raises(Refused) as refused:
        authorize(closed)
    assert refused.value.field == "$.return_id" and "Closed" in str(refused.value)


def test_shipping_to_the_seller_needs_an_address_from_the_request_or_the_policy() -> None:
    with pytest.raises(Refused) as refused:
        authorize(new(), method=ReturnMethod.SELLER_ADDRESS)
    assert refused.value.field == "$.address"
    ret, _ = authorize(new(), method=ReturnMethod.SELLER_ADDRESS, address=HOME)
    assert ret.label.method is ReturnMethod.SELLER_ADDRESS and ret.label.address == HOME
    ret, _ = authorize(new(), method=ReturnMethod.SELLER_ADDRESS, policy=ReturnPolicy(return_address=HOME))
    assert ret.label.address == HOME


def test_deciding_on_a_return_never_requested_is_not_found() -> None:
    with pytest.raises(NotFound):
        authorize(None)
    with pytest.raises(NotFound):
        close(None)
    with pytest.raises(NotFound):
        refund(None)
    with pytest.raises(NotFound):
        complete(None)


def test_the_seller_closes_a_pending_or_authorized_return_with_a_reason() -> None:
    for ret in (new(), new(policy=POLICY)):
        closed, events = close(ret, "outside the return window")
        assert closed.status is RS.CLOSED and closed.closed_by is ClosedBy.SELLER
        assert closed.reason == events[0].reason == "outside the return window"
        assert events[0].closed_by is ClosedBy.SELLER and not events[0].automatic
        assert returns.deadlines(closed) == []


def test_closing_again_with_the_same_reason_changes_nothing() -> None:
    closed, _ = close(new(), "duplicate")
    assert close(closed, "duplicate") == (closed, [])


def test_an_action_on_a_closed_or_completed_return_is_refused_naming_the_return() -> None:
    closed, _ = close(new(), "duplicate")
    completed = confirm(refund(back())[0])[0]
    assert completed.status is RS.COMPLETED
    for ret in (closed, completed):
        for action in (lambda r: close(r, "another reason"), lambda r: refund(r, "F9", keep_item=True),
                       lambda r: complete(r, "another reason"), authorize):
            with pytest.raises(Refused) as refused:
                action(ret)
            assert refused.value.field == "$.return_id"


def test_a_return_whose_item_came_back_is_refunded_not_closed() -> None:
    with pytest.raises(Refused) as refused:
        close(back())
    assert refused.value.field == "$.return_id" and "refund" in str(refused.value)


# ---- the buyer ----


def test_the_buyer_closes_an_open_return() -> None:
    for ret in (new(), new(policy=POLICY), back()):
        closed, events = returns.closed_by_buyer(ret, buyer_closed())
        assert closed.status is RS.CLOSED and closed.closed_by is ClosedBy.BUYER
        assert events[0].closed_by is ClosedBy.BUYER and events[0].previous is ret.status


def test_the_buyer_closing_twice_changes_nothing() -> None:
    fact = buyer_closed()
    closed, _ = returns.closed_by_buyer(new(), fact)
    assert returns.closed_by_buyer(closed, fact) == (closed, [])
    assert returns.closed_by_buyer(closed, buyer_closed(T0 + 2 * DAY)) == (closed, [])


def test_the_buyer_closing_a_finished_return_is_only_noted_once() -> None:
    closed, _ = close(new(), "duplicate")
    fact = buyer_closed(T0 + 2 * DAY)
    after, events = returns.closed_by_buyer(closed, fact)
    assert events == [] and after.status is RS.CLOSED and after.closed_by is ClosedBy.SELLER
    assert after.history[-1].type == "note" and "buyer closed" in after.history[-1].summary
    assert returns.closed_by_buyer(after, fact) == (after, [])


def test_a_fact_about_a_return_never_requested_changes_nothing() -> None:
    assert returns.closed_by_buyer(None, buyer_closed()) == (None, [])
    assert receive(None) == (None, [])
    assert confirm(None) == (None, [])
    assert refuse(None) == (None, [])
    assert returns.deadline_passed(None, kind="auto_close", due=T0) == (None, [])


# ---- the item comes back ----


def test_the_item_back_the_wednesday_before_thanksgiving_makes_the_refund_due_the_monday() -> None:
    wednesday = datetime(2026, 11, 25, 14, tzinfo=UTC)
    ret, events = receive(new(policy=POLICY), at=wednesday)
    assert [e.status for e in events] == [RS.PENDING_REFUND]
    monday = datetime(2026, 11, 30, 14, tzinfo=UTC)  # Thursday is Thanksgiving, then the weekend
    assert ret.received_at == wednesday and ret.refund_due_at == monday
    assert returns.deadlines(ret) == [("refund_reminder", monday - 4 * HOUR), ("refund_due", monday),
                                      ("auto_close", wednesday + 50 * DAY)]


def test_an_item_sent_before_authorization_is_received_all_the_same() -> None:
    ret, events = receive(new())
    assert ret.status is RS.PENDING_REFUND and events[0].previous is RS.PENDING_AUTHORIZATION
    assert [k for k, _ in returns.deadlines(ret)] == ["refund_reminder", "refund_due", "auto_close"]


def test_the_item_coming_back_twice_changes_nothing() -> None:
    ret = back()
    assert receive(ret, at=T0 + 3 * DAY) == (ret, [])


def test_an_item_back_after_the_return_was_closed_is_only_noted() -> None:
    closed, _ = close(new())
    ret, events = receive(closed)
    assert events == [] and ret.status is RS.CLOSED and ret.received_at == T0 + 2 * DAY
    assert "came back after the return was Closed" in ret.history[-1].summary


# ---- refunds ----


def test_a_refund_by_default_asks_for_what_is_left_of_the_returned_items() -> None:
    earlier = FACTS._replace(refunded={"I1": Decimal("5.00")})  # a refund outside this return
    ret, events = refund(back(), facts=earlier)
    assert [type(e) for e in events] == [RefundRequested]
    evt = events[0]
    assert (evt.refund_id, evt.order_id, evt.return_id, evt.reason) == ("F1", "O1", "RT1", RefundReason.CUSTOMER_RETURN)
    assert evt.lines == [line("I1", "25.00"), line("I2", "12.00")]
    assert ret.refunds == ret.refund_pending == ["F1"] and not ret.partial


def test_returning_some_units_of_a_line_refunds_their_share_by_default() -> None:
    ret = receive(new(items=(("I1", 1),)))[0]
    _, events = refund(ret)
    assert events[0].lines == [line("I1", "10.00")]


def test_a_refund_over_the_amount_paid_is_refused_naming_the_line_amount() -> None:
    with pytest.raises(Refused) as refused:
        refund(back(), lines=[line("I2", "5.00"), line("I1", "30.01")])
    assert refused.value.field == "$.lines[1].amount.amount"
    assert "30.01" in str(refused.value) and "30.00" in str(refused.value)


def test_two_lines_for_one_item_together_over_what_is_left_are_refused() -> None:
    with pytest.raises(Refused) as refused:
        refund(back(), lines=[line("I2", "7.00"), line("I2", "6.00")])
    assert refused.value.field == "$.lines[1].amount.amount"


def test_refunds_still_pending_count_against_what_is_left() -> None:
    ret, _ = refund(back(), lines=[line("I1", "20.00")])
    with pytest.raises(Refused) as refused:
        refund(ret, "F2", lines=[line("I1", "10.01")])
    assert refused.value.field == "$.lines[0].amount.amount" and "pending 20.00" in str(refused.value)
    assert refund(ret, "F2", lines=[line("I1", "10.00")])[1][0].lines == [line("I1", "10.00")]


def test_a_refund_line_for_an_item_not_in_the_order_or_not_in_the_return_is_refused() -> None:
    for item in ("I9", "I3"):  # I9: no such item; I3: in the order, not returned
        with pytest.raises(Refused) as refused:
            refund(back(), lines=[line("I1", "1.00"), line(item, "1.00")])
        assert refused.value.field == "$.lines[1].order_item_id"


def test_a_refund_line_of_zero_or_in_another_currency_or_no_lines_is_refused() -> None:
    with pytest.raises(Refused) as refused:
        refund(back(), lines=[line("I1", "0")])
    assert refused.value.field == "$.lines[0].amount.amount"
    with pytest.raises(Refused) as refused:
        refund(back(), lines=[RefundLine("I1", Money(Decimal("1"), "EUR"))])
    assert refused.value.field == "$.lines[0].amount.currency"
    with pytest.raises(Refused) as refused:
        refund(back(), lines=[])
    assert refused.value.field == "$.lines"


def test_refunding_a_return_of_an_unknown_order_is_refused() -> None:
    ret = receive(new(facts=None))[0]
    with pytest.raises(Refused) as refused:
        refund(ret, facts=None)
    assert refused.value.field == "$.return_id" and "nothing is known to have been paid" in str(refused.value)


def test_nothing_left_to_refund_is_refused() -> None:
    paid_back = FACTS._replace(refunded={"I1": Decimal("30.00"), "I2": Decimal("12.00")})
    with pytest.raises(Refused) as refused:
        refund(back(), facts=paid_back)
    assert refused.value.field == "$.return_id"


def test_refunding_before_the_item_came_back_needs_keep_item() -> None:
    for ret in (new(), new(policy=POLICY)):
        with pytest.raises(Refused) as refused:
            refund(ret)
        assert refused.value.field == "$.keep_item"
        kept, events = refund(ret, keep_item=True)
        assert kept.keep_item and kept.status is ret.status and isinstance(events[0], RefundRequested)
        assert [k for k, _ in returns.deadlines(kept)] == ["auto_close"]


def test_the_same_refund_id_twice_changes_nothing() -> None:
    ret, _ = refund(back())
    assert refund(ret) == (ret, [])


def test_a_refund_asked_for_stops_the_refund_deadline() -> None:
    ret, _ = refund(back(), at=T0 + 3 * DAY)
    assert returns.deadlines(ret) == [("auto_close", T0 + 3 * DAY + 50 * DAY)]


def test_a_confirmed_full_refund_completes_the_return() -> None:
    ret, _ = refund(back())
    done, events = confirm(ret, total="42.00")
    assert [type(e) for e in events] == [ReturnStatusChanged]
    assert (events[0].status, events[0].automatic, events[0].reason) == (RS.COMPLETED, True, "refunded in full")
    assert done.refunded_total == usd("42.00") and done.refund_pending == [] and done.refunds_confirmed == ["F1"]
    assert returns.deadlines(done) == [] and returns.view(done).refunded == usd("42.00")


def test_a_confirmed_partial_refund_keeps_it_open_and_closes_it_30_days_later() -> None:
    ret, _ = refund(back(), lines=[line("I1", "10.00")])
    assert ret.partial
    at = T0 + 4 * DAY
    after, events = confirm(ret, total="10.00", at=at)
    assert events == [] and after.status is RS.PENDING_REFUND and after.refunded_total == usd("10.00")
    assert after.close_at == at + 30 * DAY
    assert returns.deadlines(after) == [("auto_close", at + 30 * DAY)]
    assert "refund F1 confirmed" in after.history[-1].summary


def test_refunding_the_rest_after_a_partial_refund_completes_the_return() -> None:
    ret = confirm(refund(back(), lines=[line("I1", "10.00")])[0], total="10.00")[0]
    ret, events = refund(ret, "F2")
    assert events[0].lines == [line("I1", "20.00"), line("I2", "12.00")] and not ret.partial
    done, _ = confirm(ret, "F2", total="32.00", at=T0 + 6 * DAY)
    assert done.status is RS.COMPLETED and done.refunded_total == usd("42.00")


def test_completing_waits_for_every_pending_refund() -> None:
    ret = refund(back(), lines=[line("I1", "30.00")])[0]
    ret = refund(ret, "F2", lines=[line("I2", "12.00")])[0]
    assert not ret.partial
    ret, events = confirm(ret, "F2", total="12.00")
    assert events == [] and ret.status is RS.PENDING_REFUND
    done, _ = confirm(ret, "F1", total="30.00")
    assert done.status is RS.COMPLETED


def test_a_confirmation_of_another_refund_or_the_same_one_twice_changes_nothing() -> None:
    ret, _ = refund(back(), lines=[line("I1", "10.00")])
    assert confirm(ret, "NOT-OURS") == (ret, [])
    once, _ = confirm(ret, total="10.00")
    assert confirm(once, total="10.00") == (once, [])


def test_a_refund_confirmed_after_the_return_closed_is_counted_and_noted() -> None:
    ret = refund(new(), keep_item=True)[0]
    closed = returns.closed_by_buyer(ret, buyer_closed())[0]
    after, events = confirm(closed)
    assert events == [] and after.status is RS.CLOSED and after.refunded_total == usd("42.00")


def test_a_refused_refund_is_dropped_and_the_refund_is_due_again() -> None:
    ret, _ = refund(back())
    after, events = refuse(ret)
    assert events == [] and after.status is RS.PENDING_REFUND
    assert after.refund_pending == [] and after.refund_lines == {} and after.refunds == ["F1"]
    assert "payment not settled" in after.history[-1].summary
    assert [k for k, _ in returns.deadlines(after)] == ["refund_reminder", "refund_due", "auto_close"]
    assert refuse(after) == (after, [])
    assert refund(after, "F2")[1][0].lines == [line("I1", "30.00"), line("I2", "12.00")]


def test_a_refused_refund_leaves_what_remains_partial() -> None:
    ret = refund(back(), lines=[line("I1", "10.00")])[0]
    ret = refund(ret, "F2")[0]  # the rest
    assert not ret.partial
    after, _ = refuse(ret, "F1")
    assert after.partial
    after, _ = confirm(after, "F2", total="32.00")
    assert after.status is RS.PENDING_REFUND


# ---- completing ----


def test_the_seller_completes_a_partly_refunded_return() -> None:
    ret = confirm(refund(new(), keep_item=True, lines=[line("I1", "10.00")])[0], total="10.00")[0]
    done, events = complete(ret, "refunded in lieu of the return")
    assert done.status is RS.COMPLETED and done.reason == "refunded in lieu of the return"
    assert (events[0].previous, events[0].status, events[0].automatic) == (RS.PENDING_AUTHORIZATION, RS.COMPLETED,
                                                                           False)
    assert complete(done, "refunded in lieu of the return") == (done, [])


def test_completing_without_a_confirmed_partial_refund_is_refused() -> None:
    for ret in (back(), refund(back(), lines=[line("I1", "10.00")])[0]):  # none yet; asked, not confirmed
        with pytest.raises(Refused) as refused:
            complete(ret)
        assert refused.value.field == "$.return_id"


# ---- deadlines ----


def test_the_authorization_reminder_then_the_missed_alert_fire_once_each_and_the_status_stays() -> None:
    ret = new()
    due = T0 + 24 * HOUR
    ret, events = returns.deadline_passed(ret, kind="authorize_reminder", due=due - 4 * HOUR)
    assert [type(e) for e in events] == [ReturnDeadlineApproaching]
    assert (events[0].deadline, events[0].due_at, events[0].occurred_at) == (ReturnDeadline.AUTHORIZE, due,
                                                                             due - 4 * HOUR)
    assert returns.deadline_passed(ret, kind="authorize_reminder", due=due - 4 * HOUR) == (ret, [])
    ret, events = returns.deadline_passed(ret, kind="authorize_due", due=due)
    assert [type(e) for e in events] == [ReturnDeadlineMissed] and events[0].deadline is ReturnDeadline.AUTHORIZE
    assert ret.status is RS.PENDING_AUTHORIZATION and ret.reminded == ["authorize_reminder", "authorize_due"]
    assert returns.deadlines(ret) == [("auto_close", T0 + 50 * DAY)]


def test_the_refund_reminder_and_missed_alert_name_the_refund_deadline() -> None:
    ret = back()
    kind, when = returns.deadlines(ret)[0]
    _, events = returns.deadline_passed(ret, kind=kind, due=when)
    assert events[0].deadline is ReturnDeadline.REFUND and events[0].due_at == ret.refund_due_at
    _, events = returns.deadline_passed(ret, kind="refund_due", due=ret.refund_due_at)
    assert isinstance(events[0], ReturnDeadlineMissed)


def test_a_deadline_no_longer_due_changes_nothing() -> None:
    ret, _ = authorize(new())
    assert returns.deadline_passed(ret, kind="authorize_due", due=T0 + 24 * HOUR) == (ret, [])
    assert returns.deadline_passed(ret, kind="auto_close", due=T0 + 50 * DAY) == (ret, [])  # moved by authorizing


def test_a_return_left_without_action_closes_on_its_own_after_50_days() -> None:
    ret, _ = authorize(new())
    due = T0 + HOUR + 50 * DAY
    closed, events = returns.deadline_passed(ret, kind="auto_close", due=due)
    assert closed.status is RS.CLOSED and closed.closed_by is ClosedBy.SYSTEM
    assert (events[0].automatic, events[0].closed_by) == (True, ClosedBy.SYSTEM) and "no action" in events[0].reason
    assert returns.deadline_passed(closed, kind="auto_close", due=due) == (closed, [])


def test_a_partly_refunded_return_closes_on_its_own_30_days_after_the_refund() -> None:
    ret = confirm(refund(back(), lines=[line("I1", "10.00")])[0], total="10.00", at=T0 + 4 * DAY)[0]
    closed, events = returns.deadline_passed(ret, kind="auto_close", due=T0 + 34 * DAY)
    assert closed.status is RS.CLOSED and "partial refund" in events[0].reason


def test_no_reminder_when_the_deadline_is_closer_than_the_reminder_lead() -> None:
    ret = returns.requested(None, asked(), facts=None, policy=ReturnPolicy(authorization_due_hours=2))[0]
    assert [k for k, _ in returns.deadlines(ret)] == ["authorize_due", "auto_close"]


# ---- queries ----


def test_the_view_shows_the_open_deadlines_and_the_history() -> None:
    ret = back()
    shown = returns.view(ret)
    assert isinstance(shown, ReturnView)
    assert (shown.status, shown.rma, shown.received_at) == (RS.PENDING_REFUND, ret.rma, T0 + 2 * DAY)
    assert shown.due == returns.deadlines(ret) and len(shown.history) == 3


def test_work_items_list_what_the_seller_must_do_overdue_or_within_the_horizon() -> None:
    pending = new()  # authorization due T0 + 24 h
    assert returns.work_items(pending, now=T0, horizon=12 * HOUR) == []
    [item] = returns.work_items(pending, now=T0, horizon=24 * HOUR)
    assert (item.kind, item.id, item.order_id, item.due_at, item.overdue) == ("authorize_return", "RT1", "O1",
                                                                              T0 + 24 * HOUR, False)
    alerted = returns.deadline_passed(pending, kind="authorize_due", due=T0 + 24 * HOUR)[0]
    [item] = returns.work_items(alerted, now=T0 + 30 * HOUR, horizon=HOUR)
    assert item.overdue  # still listed once the alert went out
    [item] = returns.work_items(back(), now=T0 + 2 * DAY, horizon=3 * DAY)
    assert item.kind == "refund_return"
    assert returns.work_items(refund(back())[0], now=T0 + 9 * DAY, horizon=DAY) == []


def test_a_partly_refunded_return_is_work_before_it_closes_on_its_own() -> None:
    ret = confirm(refund(back(), lines=[line("I1", "10.00")])[0], total="10.00", at=T0 + 4 * DAY)[0]
    [item] = returns.work_items(ret, now=T0 + 33 * DAY, horizon=2 * DAY)
    assert (item.kind, item.due_at) == ("auto_close", T0 + 34 * DAY)


def test_a_return_reads_the_same_after_a_json_round_trip() -> None:
    ret = confirm(refund(back(), lines=[line("I1", "10.00")])[0], total="10.00")[0]
    ret = refund(ret, "F2", lines=[line("I2", "12.00")])[0]
    assert msgspec.json.decode(msgspec.json.encode(ret), type=returns.Return) == ret
