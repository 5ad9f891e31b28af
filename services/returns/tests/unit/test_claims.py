"""A-to-z claims and chargebacks: filing, responding, the decision, the appeal, deadlines and views."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import msgspec
import pytest

from sellerops.contracts.market import Money
from sellerops.contracts.returns import (
    AppealClaim, ClaimAppealDecided, ClaimAppealed, ClaimAppealResolved, ClaimDeadline, ClaimDeadlineApproaching,
    ClaimDeadlineMissed, ClaimDecided, ClaimDecisionReported, ClaimFiled, ClaimKind, ClaimOutcome, ClaimReason,
    ClaimRecorded, ClaimResponded, ClaimStatus, RespondToClaim, ReturnPolicy,
)
from sellerops.returns.domain import claims
from sellerops.runtime.decisions import NotFound, Refused, requested

St = ClaimStatus
Out = ClaimOutcome
POLICY = ReturnPolicy()
T0 = datetime(2026, 11, 2, 15, tzinfo=UTC)  # filed
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
DECIDED_AT = T0 + 5 * DAY


def usd(amount: str, currency: str = "USD") -> Money:
    return Money(Decimal(amount), currency)


def filed_fact(claim_id: str = "C1", *, at: datetime = T0, kind: ClaimKind = ClaimKind.A_TO_Z,
               amount: str = "40.00") -> ClaimFiled:
    return ClaimFiled(event_id=uuid.uuid4(), seller="acme", occurred_at=at, claim_id=claim_id, kind=kind,
                      order_id="111-0000001-0000001", reason=ClaimReason.NOT_RECEIVED, amount=usd(amount))


def new(policy: ReturnPolicy = POLICY, order_known: bool = True, **fact: object) -> claims.Claim:
    return claims.filed(None, filed_fact(**fact), order_known=order_known, policy=policy)[0]


def respond(claim, message: str = "Delivered, see tracking", *, now: datetime = T0 + HOUR,
            evidence: tuple[str, ...] = ("tracking:1Z999",), refund: Money | None = None):
    request = RespondToClaim(claim_id="C1", message=message, evidence=list(evidence), refund=refund)
    return claims.respond(claim, request, refund_id="C1.refund" if refund else None,
                          cause=requested("acme", "C1", "respond"), now=now)


def decision(outcome: ClaimOutcome, at: datetime = DECIDED_AT, note: str | None = None) -> ClaimDecisionReported:
    return ClaimDecisionReported(event_id=uuid.uuid4(), seller="acme", occurred_at=at, claim_id="C1",
                                 outcome=outcome, amount=usd("40.00"), note=note)


def decided(claim, outcome: ClaimOutcome, at: datetime = DECIDED_AT):
    return claims.decided(claim, decision(outcome, at))


def appeal(claim, message: str = "The buyer signed for it", now: datetime = DECIDED_AT + DAY):
    return claims.appeal(claim, AppealClaim(claim_id="C1", message=message, evidence=["pod.jpg"]),
                         cause=requested("acme", "C1", "appeal"), now=now)


def appeal_result(claim, upheld: bool, at: datetime = DECIDED_AT + 10 * DAY):
    return claims.appeal_decided(claim, ClaimAppealDecided(event_id=uuid.uuid4(), seller="acme", occurred_at=at,
                                                           claim_id="C1", upheld=upheld))


def granted_against_seller() -> claims.Claim:
    return decided(respond(new())[0], Out.GRANTED_SELLER_FUNDED)[0]


# ---- filing ----


def test_a_filed_claim_awaits_a_response_due_72_hours_later_with_a_reminder_24_hours_before() -> None:
    claim, events = claims.filed(None, filed_fact(), order_known=True, policy=POLICY)

    assert claim.status is St.AWAITING_RESPONSE
    assert claim.response_due_at == datetime(2026, 11, 5, 15, tzinfo=UTC)
    assert claim.response_reminder_at == datetime(2026, 11, 4, 15, tzinfo=UTC)
    [recorded] = events
    assert isinstance(recorded, ClaimRecorded)
    assert (recorded.claim_id, recorded.order_id, recorded.seller) == ("C1", "111-0000001-0000001", "acme")
    assert recorded.response_due_at == claim.response_due_at and recorded.filed_at == T0
    assert recorded.counts_as_defect and recorded.order_known


def test_the_response_window_and_reminder_come_from_the_sellers_policy() -> None:
    claim = new(ReturnPolicy(claim_response_hours=48, claim_reminder_before_hours=6))

    assert claim.response_due_at == T0 + 48 * HOUR
    assert claim.response_reminder_at == T0 + 42 * HOUR


def test_a_reminder_that_would_fall_before_the_filing_is_left_out() -> None:
    claim = new(ReturnPolicy(claim_response_hours=12, claim_reminder_before_hours=24))

    assert claim.response_reminder_at is None
    assert claims.deadlines(claim) == [("respond_due", T0 + 12 * HOUR)]


def test_the_same_claim_filed_again_changes_nothing() -> None:
    claim = new()

    assert claims.filed(claim, filed_fact(at=T0 + HOUR), order_known=True, policy=POLICY) == (claim, [])


def test_a_claim_for_an_order_never_seen_is_accepted_and_flagged() -> None:
    claim, [recorded] = claims.filed(None, filed_fact(), order_known=False, policy=POLICY)

    assert claim.status is St.AWAITING_RESPONSE
    assert claim.order_known is False and recorded.order_known is False
    assert "no order event seen" in claim.history[-1].summary
    assert claims.view(claim).order_known is False


def test_an_open_claim_counts_as_a_defect_until_decided() -> None:
    claim = new()

    assert claim.counts_as_defect
    assert respond(claim)[0].counts_as_defect


def test_an_open_claim_does_not_count_for_a_seller_who_counts_no_outcome() -> None:
    assert new(ReturnPolicy(defect_outcomes=[])).counts_as_defect is False


def test_the_claim_keeps_the_policy_it_was_filed_under() -> None:
    claim = new(ReturnPolicy(defect_outcomes=[Out.GRANTED_SELLER_FUNDED], appeal_window_days=10))

    assert claim.defect_outcomes == [Out.GRANTED_SELLER_FUNDED]
    assert claim.appeal_window == timedelta(days=10)


def test_a_claim_survives_a_json_round_trip() -> None:
    claim = appeal(granted_against_seller())[0]

    assert msgspec.json.decode(msgspec.json.encode(claim), type=claims.Claim) == claim


# ---- the seller's response ----


def test_a_response_in_time_puts_the_claim_under_review() -> None:
    claim, [responded] = respond(new())

    assert claim.status is St.UNDER_REVIEW and claim.responded_at == T0 + HOUR
    assert isinstance(responded, ClaimResponded)
    assert responded.message == "Delivered, see tracking" and responded.evidence == ["tracking:1Z999"]
    assert responded.late is False and responded.refund_id is None
    assert claims.deadlines(claim) == []


def test_a_response_with_a_refund_carries_the_refund_id() -> None:
    claim, [responded] = respond(new(), refund=usd("40.00"))

    assert responded.refund_id == "C1.refund"
    assert claim.response.refund == usd("40.00")


def test_the_same_response_twice_changes_nothing() -> None:
    claim = respond(new())[0]

    assert respond(claim, now=T0 + 2 * HOUR) == (claim, [])


def test_a_second_different_response_is_refused() -> None:
    claim = respond(new())[0]

    with pytest.raises(Refused) as refused:
        respond(claim, "Something else")
    assert refused.value.field == "$.claim_id" and "one response" in str(refused.value)


def test_a_response_after_the_decision_is_refused_naming_the_claim() -> None:
    claim = decided(new(), Out.DENIED)[0]

    with pytest.raises(Refused) as refused:
        respond(claim, now=DECIDED_AT + HOUR)
    assert refused.value.field == "$.claim_id" and "decided Denied" in str(refused.value)


def test_a_response_after_a_seller_funded_grant_points_to_the_appeal() -> None:
    with pytest.raises(Refused, match="appeal it instead"):
        respond(decided(new(), Out.GRANTED_SELLER_FUNDED)[0])


def test_a_refund_larger_than_the_claim_is_refused() -> None:
    with pytest.raises(Refused) as refused:
        respond(new(), refund=usd("40.01"))
    assert refused.value.field == "$.refund.amount"


def test_a_refund_in_another_currency_than_the_claim_is_refused() -> None:
    with pytest.raises(Refused) as refused:
        respond(new(), refund=usd("10.00", "EUR"))
    assert refused.value.field == "$.refund.currency"


def test_a_zero_refund_is_refused() -> None:
    with pytest.raises(Refused) as refused:
        respond(new(), refund=usd("0"))
    assert refused.value.field == "$.refund.amount"


def test_a_response_to_a_claim_never_filed_is_not_found() -> None:
    with pytest.raises(NotFound):
        respond(None)


def test_a_response_after_the_missed_deadline_is_taken_and_marked_late() -> None:
    claim = new()
    claim = claims.deadline_passed(claim, kind="respond_due", due=claim.response_due_at)[0]

    claim, [responded] = respond(claim, now=T0 + 80 * HOUR)

    assert responded.late and claim.response.late
    assert claim.status is St.UNDER_REVIEW


def test_a_response_at_the_due_time_before_the_deadline_fired_is_late() -> None:
    claim = new()

    assert respond(claim, now=claim.response_due_at)[1][0].late


# ---- the decision ----


@pytest.mark.parametrize(("outcome", "counts"), [
    (Out.GRANTED_AMAZON_FUNDED, True), (Out.GRANTED_SELLER_FUNDED, True), (Out.CLOSED_REFUNDED, True),
    (Out.DENIED, False), (Out.WITHDRAWN, False),
])
def test_by_default_every_claim_not_denied_or_withdrawn_counts_as_a_defect(outcome: ClaimOutcome,
                                                                           counts: bool) -> None:
    claim, [event] = decided(respond(new())[0], outcome)

    assert claim.status is St.DECIDED and claim.outcome is outcome and claim.decided_at == DECIDED_AT
    assert claim.counts_as_defect is counts
    assert isinstance(event, ClaimDecided) and event.counts_as_defect is counts and event.filed_at == T0


def test_a_seller_who_does_not_count_refunded_claims_sees_closed_refunded_outside_the_defects() -> None:
    policy = ReturnPolicy(defect_outcomes=[Out.GRANTED_AMAZON_FUNDED, Out.GRANTED_SELLER_FUNDED])

    claim, [event] = decided(new(policy), Out.CLOSED_REFUNDED)

    assert claim.counts_as_defect is False and event.counts_as_defect is False
    assert decided(new(policy), Out.GRANTED_AMAZON_FUNDED)[0].counts_as_defect


def test_a_seller_funded_grant_can_be_appealed_for_30_days() -> None:
    claim, [event] = decided(new(), Out.GRANTED_SELLER_FUNDED)

    assert claim.appeal_due_at == datetime(2026, 12, 7, 15, tzinfo=UTC)
    assert event.appeal_due_at == claim.appeal_due_at
    assert claim.appeal_reminder_at == datetime(2026, 12, 6, 15, tzinfo=UTC)


@pytest.mark.parametrize("outcome", [Out.GRANTED_AMAZON_FUNDED, Out.DENIED, Out.WITHDRAWN, Out.CLOSED_REFUNDED])
def test_other_outcomes_have_no_appeal_window(outcome: ClaimOutcome) -> None:
    claim, [event] = decided(new(), outcome)

    assert claim.appeal_due_at is None and event.appeal_due_at is None
    assert claims.deadlines(claim) == []


def test_a_decision_before_any_response_ends_the_wait_for_one() -> None:
    claim = decided(new(), Out.WITHDRAWN)[0]

    assert claims.deadlines(claim) == []
    assert claims.deadline_passed(claim, kind="respond_due", due=claim.response_due_at) == (claim, [])


def test_the_same_decision_twice_changes_nothing() -> None:
    claim = decided(new(), Out.DENIED)[0]

    assert decided(claim, Out.DENIED, at=DECIDED_AT + DAY) == (claim, [])


def test_a_different_decision_later_corrects_the_first_with_a_history_note() -> None:
    claim = decided(new(), Out.DENIED)[0]

    claim, [event] = decided(claim, Out.GRANTED_SELLER_FUNDED, at=DECIDED_AT + DAY)

    assert claim.outcome is Out.GRANTED_SELLER_FUNDED and claim.counts_as_defect
    assert event.outcome is Out.GRANTED_SELLER_FUNDED
    assert claim.appeal_due_at == DECIDED_AT + DAY + 30 * DAY
    assert any("corrected" in h.summary and "Denied -> GrantedSellerFunded" in h.summary for h in claim.history)


def test_a_corrected_decision_starts_a_new_appeal_cycle() -> None:
    claim = appeal(granted_against_seller())[0]

    claim = decided(claim, Out.GRANTED_AMAZON_FUNDED, at=DECIDED_AT + 3 * DAY)[0]

    assert claim.status is St.DECIDED and claim.appeal is None and claim.appeal_due_at is None


def test_a_marketplace_note_goes_into_the_history() -> None:
    claim = claims.decided(new(), decision(Out.DENIED, note="Tracking shows delivery"))[0]

    assert claim.history[-1].summary == "marketplace note: Tracking shows delivery"


def test_a_decision_for_a_claim_never_filed_returns_none_for_the_handler_to_flag() -> None:
    assert claims.decided(None, decision(Out.DENIED)) == (None, [])


# ---- the appeal ----


def test_a_seller_funded_grant_is_appealed_within_the_window() -> None:
    claim, [event] = appeal(granted_against_seller())

    assert claim.status is St.APPEALED and claim.appeal.at == DECIDED_AT + DAY
    assert isinstance(event, ClaimAppealed) and event.message == "The buyer signed for it"
    assert event.evidence == ["pod.jpg"]
    assert claims.deadlines(claim) == []


def test_the_same_appeal_twice_changes_nothing() -> None:
    claim = appeal(granted_against_seller())[0]

    assert appeal(claim, now=DECIDED_AT + 2 * DAY) == (claim, [])


def test_a_different_second_appeal_is_refused() -> None:
    claim = appeal(granted_against_seller())[0]

    with pytest.raises(Refused, match="already appealed") as refused:
        appeal(claim, "Another try")
    assert refused.value.field == "$.claim_id"


def test_an_appeal_once_the_window_closed_is_refused() -> None:
    claim = granted_against_seller()

    with pytest.raises(Refused, match=r"appeal window .* closed at 2026-12-07") as refused:
        appeal(claim, now=claim.appeal_due_at)
    assert refused.value.field == "$.claim_id"


@pytest.mark.parametrize("outcome", [Out.GRANTED_AMAZON_FUNDED, Out.DENIED, Out.WITHDRAWN, Out.CLOSED_REFUNDED])
def test_only_a_seller_funded_grant_can_be_appealed(outcome: ClaimOutcome) -> None:
    with pytest.raises(Refused, match="only a seller-funded grant") as refused:
        appeal(decided(new(), outcome)[0])
    assert refused.value.field == "$.claim_id"


def test_an_undecided_claim_cannot_be_appealed() -> None:
    with pytest.raises(Refused, match="only a decided claim"):
        appeal(respond(new())[0])


def test_an_appeal_of_a_claim_never_filed_is_not_found() -> None:
    with pytest.raises(NotFound):
        appeal(None)


def test_an_upheld_appeal_stops_the_claim_counting_as_a_defect() -> None:
    claim, [event] = appeal_result(appeal(granted_against_seller())[0], upheld=True)

    assert claim.status is St.APPEAL_DECIDED and claim.appeal_upheld is True
    assert claim.counts_as_defect is False
    assert isinstance(event, ClaimAppealResolved) and event.upheld and event.counts_as_defect is False


def test_a_rejected_appeal_leaves_the_claim_counting() -> None:
    claim, [event] = appeal_result(appeal(granted_against_seller())[0], upheld=False)

    assert claim.status is St.APPEAL_DECIDED and claim.counts_as_defect and event.counts_as_defect


def test_the_same_appeal_decision_twice_changes_nothing() -> None:
    claim = appeal_result(appeal(granted_against_seller())[0], upheld=True)[0]

    assert appeal_result(claim, upheld=True) == (claim, [])


def test_an_appeal_decided_without_an_appeal_recorded_here_applies_with_a_note() -> None:
    claim, [event] = appeal_result(granted_against_seller(), upheld=True)

    assert event.upheld and claim.counts_as_defect is False
    assert any("no appeal recorded here" in h.summary for h in claim.history)


def test_an_appeal_decision_for_an_undecided_claim_is_noted_and_ignored() -> None:
    claim, events = appeal_result(new(), upheld=True)

    assert events == [] and claim.status is St.AWAITING_RESPONSE and claim.counts_as_defect
    assert "ignored" in claim.history[-1].summary


def test_an_appeal_decision_for_a_claim_never_filed_returns_none() -> None:
    assert appeal_result(None, upheld=True) == (None, [])


# ---- deadlines ----


def test_an_open_claim_has_its_response_reminder_and_deadline() -> None:
    assert claims.deadlines(new()) == [("respond_reminder", datetime(2026, 11, 4, 15, tzinfo=UTC)),
                                       ("respond_due", datetime(2026, 11, 5, 15, tzinfo=UTC))]


def test_the_response_reminder_fires_once() -> None:
    claim = new()
    due = datetime(2026, 11, 4, 15, tzinfo=UTC)

    claim, [event] = claims.deadline_passed(claim, kind="respond_reminder", due=due)

    assert isinstance(event, ClaimDeadlineApproaching)
    assert event.deadline is ClaimDeadline.RESPOND and event.due_at == datetime(2026, 11, 5, 15, tzinfo=UTC)
    assert event.occurred_at == due and event.order_id == "111-0000001-0000001"
    assert claims.deadlines(claim) == [("respond_due", datetime(2026, 11, 5, 15, tzinfo=UTC))]
    assert claims.deadline_passed(claim, kind="respond_reminder", due=due) == (claim, [])


def test_a_missed_response_deadline_leaves_the_decision_to_the_marketplace() -> None:
    claim = new()
    due = datetime(2026, 11, 5, 15, tzinfo=UTC)

    claim, [event] = claims.deadline_passed(claim, kind="respond_due", due=due)

    assert isinstance(event, ClaimDeadlineMissed) and event.deadline is ClaimDeadline.RESPOND
    assert claim.status is St.UNDER_REVIEW and claim.response is None
    assert "granted against" in claim.history[-1].summary
    assert claims.deadlines(claim) == []
    assert claims.deadline_passed(claim, kind="respond_due", due=due) == (claim, [])


def test_a_deadline_that_is_not_due_changes_nothing() -> None:
    claim = new()

    assert claims.deadline_passed(claim, kind="respond_due", due=T0 + DAY) == (claim, [])
    assert claims.deadline_passed(claim, kind="appeal_due", due=claim.response_due_at) == (claim, [])
    assert claims.deadline_passed(None, kind="respond_due", due=T0) == (None, [])


def test_a_deadline_fired_twice_from_the_same_state_gives_the_same_event_id() -> None:
    claim = new()

    first = claims.deadline_passed(claim, kind="respond_due", due=claim.response_due_at)[1]
    again = claims.deadline_passed(claim, kind="respond_due", due=claim.response_due_at)[1]

    assert first[0].event_id == again[0].event_id


def test_a_response_takes_the_response_deadlines_away() -> None:
    assert claims.deadlines(respond(new())[0]) == []


def test_a_seller_funded_grant_has_its_appeal_reminder_and_deadline() -> None:
    claim = granted_against_seller()

    assert claims.deadlines(claim) == [("appeal_reminder", datetime(2026, 12, 6, 15, tzinfo=UTC)),
                                       ("appeal_due", datetime(2026, 12, 7, 15, tzinfo=UTC))]


def test_the_appeal_reminder_and_the_missed_appeal_fire_once_each() -> None:
    claim = granted_against_seller()

    claim, [soon] = claims.deadline_passed(claim, kind="appeal_reminder", due=claim.appeal_reminder_at)
    claim, [missed] = claims.deadline_passed(claim, kind="appeal_due", due=claim.appeal_due_at)

    assert isinstance(soon, ClaimDeadlineApproaching) and soon.deadline is ClaimDeadline.APPEAL
    assert isinstance(missed, ClaimDeadlineMissed) and missed.due_at == datetime(2026, 12, 7, 15, tzinfo=UTC)
    assert claim.status is St.DECIDED and claims.deadlines(claim) == []
    assert claims.deadline_passed(claim, kind="appeal_due", due=claim.appeal_due_at) == (claim, [])


# ---- views and work ----


def test_the_view_shows_the_response_deadline_as_next_due() -> None:
    view = claims.view(new())

    assert view.next_due_at == datetime(2026, 11, 5, 15, tzinfo=UTC)
    assert view.status is St.AWAITING_RESPONSE and view.counts_as_defect
    assert [h.type for h in view.history] == ["returns.claim_recorded.v1"]


def test_the_view_shows_the_appeal_deadline_after_a_seller_funded_grant_and_nothing_after_a_denial() -> None:
    assert claims.view(granted_against_seller()).next_due_at == datetime(2026, 12, 7, 15, tzinfo=UTC)
    assert claims.view(decided(new(), Out.DENIED)[0]).next_due_at is None


def test_claims_sort_soonest_deadline_first_and_those_without_one_last() -> None:
    late = claims.view(new(claim_id="C2", at=T0 + DAY))
    soon = claims.view(new(claim_id="C3"))
    done = claims.view(decided(new(), Out.DENIED)[0])
    appealable = claims.view(granted_against_seller())

    assert [v.claim_id for v in sorted([done, appealable, late, soon], key=claims.sort_key)] == [
        "C3", "C2", "C1", "C1"]
    assert sorted([done, appealable], key=claims.sort_key)[0] is appealable


def test_a_response_due_within_the_horizon_is_work() -> None:
    claim = new()

    [item] = claims.work_items(claim, now=T0 + 50 * HOUR, horizon=24 * HOUR)

    assert (item.kind, item.id, item.due_at, item.overdue) == ("respond_to_claim", "C1", claim.response_due_at,
                                                                False)
    assert item.order_id == "111-0000001-0000001" and "respond to the AtoZ claim" in item.action
    assert claims.work_items(claim, now=T0 + 47 * HOUR, horizon=24 * HOUR) == []


def test_a_response_missed_stays_on_the_work_list_as_overdue() -> None:
    claim = new()
    claim = claims.deadline_passed(claim, kind="respond_due", due=claim.response_due_at)[0]

    [item] = claims.work_items(claim, now=T0 + 80 * HOUR, horizon=24 * HOUR)

    assert item.kind == "respond_to_claim" and item.overdue and item.action.startswith("respond late")


def test_an_appealable_grant_is_work_until_appealed() -> None:
    claim = granted_against_seller()

    [item] = claims.work_items(claim, now=claim.appeal_due_at - HOUR, horizon=24 * HOUR)

    assert item.kind == "appeal_claim" and item.due_at == claim.appeal_due_at and not item.overdue
    assert claims.work_items(appeal(claim)[0], now=claim.appeal_due_at - HOUR, horizon=24 * HOUR) == []


def test_a_responded_or_denied_claim_is_no_work() -> None:
    assert claims.work_items(respond(new())[0], now=T0 + 70 * HOUR, horizon=24 * HOUR) == []
    assert claims.work_items(decided(new(), Out.DENIED)[0], now=T0 + 70 * HOUR, horizon=24 * HOUR) == []


def test_a_chargeback_follows_the_same_rules() -> None:
    claim, [recorded] = claims.filed(None, filed_fact(kind=ClaimKind.CHARGEBACK), order_known=True, policy=POLICY)

    assert recorded.kind is ClaimKind.CHARGEBACK
    assert respond(claim)[1][0].kind is ClaimKind.CHARGEBACK
