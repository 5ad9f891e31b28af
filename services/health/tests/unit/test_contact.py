"""Contact response: buyer messages folded into an order's facts, what they count, and the 7, 30 and 90-day
rates with the average response time (every expected number below is worked out by hand)."""

import uuid
from datetime import UTC, date, datetime, timedelta

from sellerops.contracts.health import MessageFacts, OrderFacts, Status, Target, TargetCondition
from sellerops.contracts.notifications import (
    BuyerMessageAwaitingReply, BuyerMessageNoResponseNeeded, BuyerMessageReplied, BuyerMessageReplyDueSoon,
    BuyerMessageReplyMissed,
)
from sellerops.health import handlers, subscribers
from sellerops.health.contact import CONTACT, average_response_hours, contact_counts
from sellerops.health.domain import facts as order_facts
from sellerops.health.domain.counting import contribution, delta, sums
from sellerops.health.domain.history import health_as_of
from sellerops.health.domain.report import RatingRules
from sellerops.health.metrics import BUILT_IN, register
from sellerops.plugins.metrics import METRICS, Window
from sellerops.plugins.spec import Registry

ORDER = "113-4567890-1234567"
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
T0 = datetime(2026, 3, 7, 23, 30, tzinfo=UTC)  # a Saturday, late
DAY0 = date(2026, 3, 7)
METRIC = {m.name: m for m in CONTACT}
RATE7, RATE30, RATE90 = (METRIC[f"contactResponseRate{d}Day"] for d in (7, 30, 90))


def clock(message_id: str = "M1", received: datetime = T0, due_hours: float = 24) -> dict:
    return {"event_id": uuid.uuid4(), "seller": "acme", "order_id": ORDER, "message_id": message_id,
            "received_at": received, "reply_due_at": received + due_hours * HOUR}


def awaiting(message_id: str = "M1", received: datetime = T0, **kw: float) -> BuyerMessageAwaitingReply:
    return BuyerMessageAwaitingReply(**clock(message_id, received, **kw), occurred_at=received, title="Cracked mugs")


def replied(after: timedelta, message_id: str = "M1", received: datetime = T0,
            due_hours: float = 24) -> BuyerMessageReplied:
    at = received + after
    return BuyerMessageReplied(**clock(message_id, received, due_hours), occurred_at=at, replied_at=at,
                               response_seconds=int(after.total_seconds()),
                               within_deadline=after <= due_hours * HOUR)


def missed(message_id: str = "M1", received: datetime = T0) -> BuyerMessageReplyMissed:
    return BuyerMessageReplyMissed(**clock(message_id, received), occurred_at=received + DAY)


def marked(message_id: str = "M1", received: datetime = T0, after: timedelta = HOUR) -> BuyerMessageNoResponseNeeded:
    return BuyerMessageNoResponseNeeded(**clock(message_id, received), occurred_at=received + after,
                                        marked_at=received + after)


def fold(*events) -> OrderFacts:  # noqa: ANN002
    state = None
    for event in events:
        state = order_facts.apply(state, event)
    return state.facts


def counted(facts: OrderFacts) -> list[tuple]:
    return sorted(contact_counts(facts))


def window(metric, as_of: date = date(2026, 3, 31)) -> Window:  # noqa: ANN001
    return Window(days=metric.window_days, date_from=as_of - timedelta(days=metric.window_days - 1), date_to=as_of,
                  target=metric.target)


# ---- folding the reply clock into the order's facts ----


def test_a_message_awaiting_a_reply_is_known_with_its_receipt_and_deadline() -> None:
    [message] = fold(awaiting()).messages

    assert message == MessageFacts(message_id="M1", received_at=T0, reply_due_at=T0 + DAY)


def test_a_reply_adds_its_time_response_seconds_and_whether_it_was_in_time() -> None:
    [message] = fold(awaiting(), replied(3 * HOUR)).messages

    assert (message.replied_at, message.response_seconds, message.within_deadline) == (T0 + 3 * HOUR, 10800, True)
    assert message.missed is False and message.no_response_needed is False


def test_the_message_events_fold_the_same_in_any_order() -> None:
    events = [awaiting(), missed(), replied(26 * HOUR)]

    assert fold(*events) == fold(*reversed(events))
    [message] = fold(*events).messages
    assert message.missed and message.response_seconds == 93600 and message.within_deadline is False


def test_the_same_message_event_twice_changes_nothing() -> None:
    event = replied(3 * HOUR)
    once = order_facts.apply(order_facts.apply(None, awaiting()), event)

    assert order_facts.apply(once, event) == once


def test_the_messages_of_an_order_are_kept_apart_by_message_id() -> None:
    facts = fold(awaiting("M2"), awaiting("M1"), replied(HOUR, "M2"))

    assert [(m.message_id, m.response_seconds) for m in facts.messages] == [("M1", None), ("M2", 3600)]


def test_the_health_service_listens_to_the_reply_clock_but_not_to_its_reminders() -> None:
    table = subscribers.ROUTES[subscribers.MESSAGES]

    assert (subscribers.MESSAGES.source, subscribers.MESSAGES.entity) == ("notifications", "buyer_message")
    assert subscribers.MESSAGES in subscribers.CONSUMERS
    assert table == {BuyerMessageAwaitingReply: handlers.on_order_fact,
                     BuyerMessageReplied: handlers.on_order_fact,
                     BuyerMessageNoResponseNeeded: handlers.on_order_fact,
                     BuyerMessageReplyMissed: handlers.on_order_fact}
    assert BuyerMessageReplyDueSoon not in order_facts.EVENTS
    assert set(table) <= set(order_facts.EVENTS)


# ---- what a message counts ----


def test_a_message_answered_in_3_hours_counts_in_time_with_its_seconds_on_the_day_received() -> None:
    assert counted(fold(awaiting(), replied(3 * HOUR))) == [
        (DAY0, "inTime"), (DAY0, "messages"), (DAY0, "responded"), (DAY0, "responseSeconds", 10800)]


def test_a_message_received_late_on_saturday_counts_on_saturday_though_answered_on_sunday() -> None:
    found = counted(fold(awaiting(), replied(2 * HOUR)))

    assert {day for day, *_ in found} == {date(2026, 3, 7)}
    assert date(2026, 3, 7).strftime("%A") == "Saturday"


def test_a_message_answered_after_24_hours_counts_late_not_in_time() -> None:
    assert counted(fold(awaiting(), missed(), replied(30 * HOUR))) == [
        (DAY0, "late"), (DAY0, "messages"), (DAY0, "responded"), (DAY0, "responseSeconds", 108000)]


def test_a_message_answered_exactly_24_hours_later_is_in_time() -> None:
    assert (DAY0, "inTime") in counted(fold(awaiting(), replied(DAY)))


def test_in_time_is_the_marketplaces_24_hours_whatever_the_sellers_own_deadline() -> None:
    reply = replied(20 * HOUR, due_hours=12)
    assert reply.within_deadline is False

    assert (DAY0, "inTime") in counted(fold(awaiting(due_hours=12), reply))


def test_a_message_still_awaiting_a_reply_counts_nowhere_until_its_deadline_passed() -> None:
    assert counted(fold(awaiting())) == []


def test_a_message_whose_deadline_passed_unanswered_counts_in_the_denominator_only() -> None:
    assert counted(fold(awaiting(), missed())) == [(DAY0, "messages"), (DAY0, "unanswered")]


def test_a_message_marked_as_needing_no_response_is_excluded() -> None:
    assert counted(fold(awaiting(), marked())) == []
    assert counted(fold(awaiting(), missed(), marked(after=DAY + HOUR))) == []


def test_an_answer_in_zero_seconds_adds_no_seconds_but_counts_as_responded() -> None:
    assert counted(fold(awaiting(), replied(timedelta(0)))) == [
        (DAY0, "inTime"), (DAY0, "messages"), (DAY0, "responded")]


# ---- day counters with sums ----


def test_the_response_seconds_of_an_orders_messages_add_up_on_their_day() -> None:
    facts = fold(awaiting("M1"), replied(2 * HOUR, "M1"), awaiting("M2"), missed("M2"), replied(30 * HOUR, "M2"))

    found = contribution([RATE7], facts)

    assert found == {
        ("2026-03-07", "contactResponseRate7Day:messages"): 2,
        ("2026-03-07", "contactResponseRate7Day:responded"): 2,
        ("2026-03-07", "contactResponseRate7Day:inTime"): 1,
        ("2026-03-07", "contactResponseRate7Day:late"): 1,
        ("2026-03-07", "contactResponseRate7Day:responseSeconds"): 7200 + 108000,
    }


def test_a_late_reply_moves_a_message_from_unanswered_to_late_and_adds_its_seconds() -> None:
    before = fold(awaiting(), missed())
    after = fold(awaiting(), missed(), replied(30 * HOUR))

    assert delta(contribution([RATE7], before), contribution([RATE7], after)) == {"2026-03-07": {
        "contactResponseRate7Day:unanswered": -1, "contactResponseRate7Day:late": 1,
        "contactResponseRate7Day:responded": 1, "contactResponseRate7Day:responseSeconds": 108000}}


def test_metrics_counting_pairs_still_add_one_each_beside_a_metric_counting_sums() -> None:
    facts = fold(awaiting(), replied(3 * HOUR))

    found = contribution(BUILT_IN, facts)

    assert found[("2026-03-07", "contactResponseRate90Day:messages")] == 1
    assert found[("2026-03-07", "contactResponseRate90Day:responseSeconds")] == 10800
    assert not any(counter.startswith(("orderDefectRate", "lateShipmentRate")) for _, counter in found)


# ---- the measures and the report ----


def test_three_contact_response_rates_are_built_in_over_7_30_and_90_days_at_least_90_percent() -> None:
    registry = Registry(METRICS)
    register(registry)

    assert {"contactResponseRate7Day", "contactResponseRate30Day", "contactResponseRate90Day"} <= set(registry.names())
    assert set(CONTACT) <= set(BUILT_IN)
    assert [(m.name, m.window_days, m.target) for m in CONTACT] == [
        (f"contactResponseRate{d}Day", d, Target(value=0.9, condition=TargetCondition.GREATER_THAN))
        for d in (7, 30, 90)]
    assert RATE30.title == "Contact Response Rate (30 days)"


def test_nine_of_ten_answered_in_time_is_exactly_the_target_and_good() -> None:
    [m] = RATE30.measure({"messages": 10, "inTime": 9}, window(RATE30))

    assert (m.key, m.numerator, m.denominator, m.rate, m.status) == ("contactResponseRate30Day", 9, 10, 0.9,
                                                                     Status.GOOD)


def test_eight_of_ten_answered_in_time_is_bad() -> None:
    [m] = RATE30.measure({"messages": 10, "inTime": 8}, window(RATE30))

    assert (m.rate, m.status) == (0.8, Status.BAD)


def test_no_message_counted_has_no_rate_and_no_average() -> None:
    [m] = RATE7.measure({}, window(RATE7))

    assert (m.rate, m.status) == (None, Status.NONE)
    assert RATE7.section([m], {})["contactResponseRate7Day"]["averageResponseTimeHours"] is None


def test_the_report_section_has_the_counts_and_the_average_response_time_in_hours() -> None:
    totals = {"messages": 4, "inTime": 2, "late": 1, "unanswered": 1, "responded": 3,
              "responseSeconds": 2 * 3600 + 4 * 3600 + 30 * 3600}
    [m] = RATE90.measure(totals, window(RATE90))

    body = RATE90.section([m], totals)["contactResponseRate90Day"]

    assert body == {
        "reportingDateRange": {"reportingDateFrom": "2026-01-01T00:00Z", "reportingDateTo": "2026-03-31T23:59Z"},
        "messageCount": 4, "respondedWithin24HoursCount": 2, "respondedAfter24HoursCount": 1, "noResponseCount": 1,
        "status": "BAD", "rate": 0.5, "targetValue": 0.9, "targetCondition": "GREATER_THAN",
        "averageResponseTimeHours": 12.0,  # (2 + 4 + 30) / 3
    }


def test_the_average_response_time_is_rounded_to_hundredths_of_an_hour() -> None:
    assert average_response_hours({"responded": 3, "responseSeconds": 3600 + 1800 + 60}) == 0.51  # 5460 s / 3


def test_the_7_30_and_90_day_rates_each_count_the_messages_received_in_their_window() -> None:
    as_of = datetime(2026, 3, 31, 12, tzinfo=UTC)
    events = [
        # 2 days before: answered in 1 hour; 20 days before: answered in 30 hours; 60 days before: never answered;
        # 100 days before: answered in time, outside every window; 3 days before: marked, excluded.
        awaiting("A", as_of - 2 * DAY), replied(HOUR, "A", as_of - 2 * DAY),
        awaiting("B", as_of - 20 * DAY), missed("B", as_of - 20 * DAY), replied(30 * HOUR, "B", as_of - 20 * DAY),
        awaiting("C", as_of - 60 * DAY), missed("C", as_of - 60 * DAY),
        awaiting("D", as_of - 100 * DAY), replied(HOUR, "D", as_of - 100 * DAY),
        awaiting("E", as_of - 3 * DAY), marked("E", as_of - 3 * DAY),
    ]

    health = health_as_of(events, seller="acme", marketplace_id="ATVPDKIKX0DER", as_of=as_of, metrics=list(CONTACT),
                          overrides={}, rules=RatingRules())

    rates = {m.key: (m.numerator, m.denominator, m.status) for m in health.measures}
    assert rates == {"contactResponseRate7Day": (1, 1, Status.GOOD), "contactResponseRate30Day": (1, 2, Status.BAD),
                     "contactResponseRate90Day": (1, 3, Status.BAD)}
    doc = health.report["performanceMetrics"][0]
    assert [doc[f"contactResponseRate{d}Day"]["averageResponseTimeHours"] for d in (7, 30, 90)] == [1.0, 15.5, 15.5]
    assert health.why["contactResponseRate90Day:unanswered"] == [ORDER]


def test_the_sums_over_a_window_keep_the_seconds_whole() -> None:
    day_counts = {date(2026, 3, 1): {"contactResponseRate7Day:responseSeconds": 7200},
                  date(2026, 3, 2): {"contactResponseRate7Day:responseSeconds": 3600}}

    assert sums(day_counts, "contactResponseRate7Day", date(2026, 3, 1), date(2026, 3, 7)) == {
        "responseSeconds": 10800}
