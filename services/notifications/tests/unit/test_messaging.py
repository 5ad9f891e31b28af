"""The buyer-message reply clock: receipt, the reply or the no-response mark, reminders, the deadline, views."""

import uuid
from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from sellerops.contracts.notifications import (
    BuyerMessageAwaitingReply, BuyerMessageNoResponseNeeded, BuyerMessageReplied, BuyerMessageReplyDueSoon,
    BuyerMessageReplyMissed, MessageStatus,
)
from sellerops.contracts.returns import BuyerMessageReceived
from sellerops.notifications.domain import messaging
from sellerops.notifications.domain.messaging import MessagingPolicy
from sellerops.runtime.decisions import NotFound, Refused, requested

St = MessageStatus
POLICY = MessagingPolicy()
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
T0 = datetime(2026, 11, 4, 9, 30, tzinfo=UTC)  # a Wednesday
SATURDAY = datetime(2026, 11, 7, 16, 5, tzinfo=UTC)
DUE = T0 + DAY


def fact(message_id: str = "M1", at: datetime = T0, title: str | None = "Cracked mugs") -> BuyerMessageReceived:
    return BuyerMessageReceived(event_id=uuid.uuid4(), seller="acme", occurred_at=at, message_id=message_id,
                                order_id="113-4567890-1234567", title=title, body="Both mugs arrived cracked.")


def new(policy: MessagingPolicy = POLICY, at: datetime = T0) -> messaging.Message:
    return messaging.received(None, fact(at=at), policy=policy)[0]


def reply(message, at: datetime = T0 + 3 * HOUR):
    return messaging.replied(message, at=at, cause=requested("acme", "M1", "reply"))


def mark(message, at: datetime = T0 + HOUR):
    return messaging.no_response_needed(message, at=at, cause=requested("acme", "M1", "no_response_needed"))


# ---- receipt ----


def test_a_message_received_awaits_a_reply_due_24_hours_later() -> None:
    message, [event] = messaging.received(None, fact(), policy=POLICY)

    assert message.status is St.AWAITING_REPLY
    assert message.reply_due_at == datetime(2026, 11, 5, 9, 30, tzinfo=UTC)
    assert isinstance(event, BuyerMessageAwaitingReply)
    assert (event.message_id, event.order_id, event.seller, event.title) == (
        "M1", "113-4567890-1234567", "acme", "Cracked mugs")
    assert (event.received_at, event.reply_due_at, event.occurred_at) == (T0, message.reply_due_at, T0)


def test_a_message_on_a_saturday_is_due_on_sunday_at_the_same_time_as_weekends_count() -> None:
    message = new(at=SATURDAY)

    assert message.reply_due_at == datetime(2026, 11, 8, 16, 5, tzinfo=UTC)
    assert message.reply_due_at.strftime("%A") == "Sunday"


def test_a_message_on_christmas_eve_is_due_on_christmas_day_as_holidays_count() -> None:
    assert new(at=datetime(2026, 12, 24, 20, tzinfo=UTC)).reply_due_at == datetime(2026, 12, 25, 20, tzinfo=UTC)


def test_the_reply_window_comes_from_the_sellers_policy() -> None:
    message = new(MessagingPolicy(reply_hours=12, remind_hours_left=[3]))

    assert message.reply_due_at == T0 + 12 * HOUR
    assert messaging.deadlines(message) == [("remind_3h", T0 + 9 * HOUR), ("reply_due", T0 + 12 * HOUR)]


def test_the_same_message_received_again_changes_nothing() -> None:
    message = new()

    assert messaging.received(message, fact(at=T0 + HOUR), policy=POLICY) == (message, [])


def test_a_message_without_a_title_is_received() -> None:
    message, [event] = messaging.received(None, fact(title=None), policy=POLICY)

    assert message.title is None and event.title is None


def test_receiving_the_same_fact_twice_from_nothing_gives_the_same_event_id() -> None:
    same = fact()

    assert messaging.received(None, same, policy=POLICY)[1] == messaging.received(None, same, policy=POLICY)[1]


def test_a_message_survives_a_json_round_trip() -> None:
    message = messaging.deadline_passed(new(), kind="remind_12h", due=T0 + 12 * HOUR)[0]

    assert msgspec.json.decode(msgspec.json.encode(message), type=messaging.Message) == message


# ---- the reply ----


def test_a_reply_in_time_is_within_the_deadline_with_its_response_time_in_seconds() -> None:
    message, [event] = reply(new(), at=T0 + 3 * HOUR + 25 * timedelta(seconds=1))

    assert isinstance(event, BuyerMessageReplied)
    assert event.response_seconds == 3 * 3600 + 25 and event.within_deadline is True
    assert event.replied_at == event.occurred_at == T0 + 3 * HOUR + timedelta(seconds=25)
    assert (event.received_at, event.reply_due_at) == (T0, DUE)
    assert message.status is St.REPLIED and message.response_seconds == 10825 and message.within_deadline
    assert messaging.deadlines(message) == []


def test_a_reply_exactly_at_the_deadline_is_within_it() -> None:
    [event] = reply(new(), at=DUE)[1]

    assert event.within_deadline is True and event.response_seconds == 86400


def test_a_reply_after_the_deadline_is_a_reply_but_not_within_the_deadline() -> None:
    missed = messaging.deadline_passed(new(), kind="reply_due", due=DUE)[0]

    message, [event] = reply(missed, at=DUE + 2 * HOUR)

    assert message.status is St.REPLIED and message.replied_at == DUE + 2 * HOUR
    assert event.within_deadline is False and event.response_seconds == 26 * 3600


def test_a_second_reply_is_refused_naming_the_message() -> None:
    message = reply(new())[0]

    with pytest.raises(Refused) as refused:
        reply(message, at=T0 + 5 * HOUR)
    assert refused.value.field == "$.message_id" and "was replied to" in str(refused.value)


def test_the_same_reply_again_changes_nothing() -> None:
    message = reply(new())[0]

    assert reply(message) == (message, [])


def test_a_reply_to_a_message_marked_as_needing_no_response_is_refused() -> None:
    with pytest.raises(Refused) as refused:
        reply(mark(new())[0])
    assert refused.value.field == "$.message_id" and "no response" in str(refused.value)


def test_a_reply_before_the_message_arrived_is_refused_naming_the_reply_time() -> None:
    with pytest.raises(Refused) as refused:
        reply(new(), at=T0 - HOUR)
    assert refused.value.field == "$.replied_at"


def test_a_reply_to_an_unknown_message_is_not_found() -> None:
    with pytest.raises(NotFound):
        reply(None)


# ---- no response needed ----


def test_a_message_marked_as_needing_no_response_stops_the_clock() -> None:
    message, [event] = mark(new())

    assert isinstance(event, BuyerMessageNoResponseNeeded)
    assert event.marked_at == event.occurred_at == T0 + HOUR and event.reply_due_at == DUE
    assert message.status is St.NO_RESPONSE_NEEDED and message.marked_at == T0 + HOUR
    assert messaging.deadlines(message) == []
    assert messaging.deadline_passed(message, kind="reply_due", due=DUE) == (message, [])


def test_a_message_can_be_marked_after_its_deadline_passed() -> None:
    missed = messaging.deadline_passed(new(), kind="reply_due", due=DUE)[0]

    message, [event] = mark(missed, at=DUE + HOUR)

    assert message.status is St.NO_RESPONSE_NEEDED and isinstance(event, BuyerMessageNoResponseNeeded)


def test_marking_a_replied_message_is_refused_naming_the_message() -> None:
    with pytest.raises(Refused) as refused:
        mark(reply(new())[0])
    assert refused.value.field == "$.message_id" and "was replied to" in str(refused.value)


def test_marking_a_marked_message_again_at_another_time_is_refused_and_at_the_same_time_changes_nothing() -> None:
    message = mark(new())[0]

    assert mark(message) == (message, [])
    with pytest.raises(Refused) as refused:
        mark(message, at=T0 + 2 * HOUR)
    assert refused.value.field == "$.message_id"


def test_marking_an_unknown_message_is_not_found() -> None:
    with pytest.raises(NotFound):
        mark(None)


# ---- deadlines ----


def test_an_awaited_message_has_reminders_12_and_2_hours_before_the_deadline_then_the_deadline() -> None:
    assert messaging.deadlines(new()) == [
        ("remind_12h", datetime(2026, 11, 4, 21, 30, tzinfo=UTC)),
        ("remind_2h", datetime(2026, 11, 5, 7, 30, tzinfo=UTC)),
        ("reply_due", datetime(2026, 11, 5, 9, 30, tzinfo=UTC)),
    ]


def test_the_reminders_fire_once_each_in_order_then_the_deadline_is_missed() -> None:
    message = new()
    fired = []
    for kind, due in messaging.deadlines(message):
        message, events = messaging.deadline_passed(message, kind=kind, due=due)
        fired += events
        assert messaging.deadline_passed(message, kind=kind, due=due) == (message, [])

    soon_12, soon_2, missed = fired
    assert isinstance(soon_12, BuyerMessageReplyDueSoon) and soon_12.hours_left == 12.0
    assert soon_12.occurred_at == datetime(2026, 11, 4, 21, 30, tzinfo=UTC)
    assert isinstance(soon_2, BuyerMessageReplyDueSoon) and soon_2.hours_left == 2.0
    assert isinstance(missed, BuyerMessageReplyMissed) and missed.occurred_at == DUE
    assert message.reminded == ["remind_12h", "remind_2h", "reply_due"]
    assert message.status is St.AWAITING_REPLY and messaging.deadlines(message) == []
    assert [h.summary for h in message.history[1:]] == [
        "12 hours left to reply", "2 hours left to reply", "no reply by the deadline"]


def test_a_reminder_not_fired_before_a_later_one_is_dropped() -> None:
    message = messaging.deadline_passed(new(), kind="remind_2h", due=T0 + 22 * HOUR)[0]

    assert messaging.deadlines(message) == [("reply_due", DUE)]
    assert messaging.deadline_passed(message, kind="remind_12h", due=T0 + 12 * HOUR) == (message, [])


def test_a_reminder_that_would_fall_at_or_before_the_message_is_left_out() -> None:
    message = new(MessagingPolicy(reply_hours=10, remind_hours_left=[12, 10, 2, 2]))

    assert messaging.deadlines(message) == [("remind_2h", T0 + 8 * HOUR), ("reply_due", T0 + 10 * HOUR)]


def test_a_fractional_reminder_is_named_by_its_hours() -> None:
    message = new(MessagingPolicy(remind_hours_left=[0.5]))

    assert messaging.deadlines(message)[0] == ("remind_0.5h", DUE - 30 * timedelta(minutes=1))
    [event] = messaging.deadline_passed(message, kind="remind_0.5h", due=DUE - timedelta(minutes=30))[1]
    assert event.hours_left == 0.5


def test_a_deadline_that_is_not_due_changes_nothing() -> None:
    message = new()

    assert messaging.deadline_passed(message, kind="reply_due", due=DUE + HOUR) == (message, [])
    assert messaging.deadline_passed(message, kind="remind_6h", due=DUE - 6 * HOUR) == (message, [])
    assert messaging.deadline_passed(None, kind="reply_due", due=DUE) == (None, [])


def test_a_deadline_fired_twice_from_the_same_state_gives_the_same_event_id() -> None:
    message = new()

    first = messaging.deadline_passed(message, kind="reply_due", due=DUE)[1]
    again = messaging.deadline_passed(message, kind="reply_due", due=DUE)[1]

    assert first[0].event_id == again[0].event_id


def test_a_reply_takes_the_remaining_reminders_away() -> None:
    message = messaging.deadline_passed(new(), kind="remind_12h", due=T0 + 12 * HOUR)[0]

    replied = reply(message, at=T0 + 13 * HOUR)[0]

    assert messaging.deadlines(replied) == []
    assert messaging.deadline_passed(replied, kind="remind_2h", due=T0 + 22 * HOUR) == (replied, [])


# ---- views ----


def test_the_view_of_an_awaited_message_is_overdue_only_after_its_deadline() -> None:
    message = new()

    before, at_due, after = (messaging.view(message, now) for now in (T0 + HOUR, DUE, DUE + timedelta(seconds=1)))

    assert before.status is St.AWAITING_REPLY and before.title == "Cracked mugs"
    assert (before.message_id, before.order_id, before.received_at, before.reply_due_at) == (
        "M1", "113-4567890-1234567", T0, DUE)
    assert (before.overdue, at_due.overdue, after.overdue) == (False, False, True)


def test_the_view_of_a_replied_message_has_its_reply_and_is_never_overdue() -> None:
    view = messaging.view(reply(new(), at=DUE + HOUR)[0], now=DUE + DAY)

    assert view.status is St.REPLIED and view.replied_at == DUE + HOUR and view.overdue is False


def test_the_view_of_a_message_needing_no_response_is_never_overdue() -> None:
    view = messaging.view(mark(new())[0], now=DUE + DAY)

    assert view.status is St.NO_RESPONSE_NEEDED and view.overdue is False and view.replied_at is None
