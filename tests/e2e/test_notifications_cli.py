"""Notifications as a user sees them: `sellerops up`, the example preferences (every kind to the log channel),
two buyer messages, then `sellerops notifications ...` to follow their reply clocks, close them, and read the
delivery log (the buyer-message notifications, delivered to the log endpoint)."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from .test_up_and_cli import poll as eventually
from .test_up_and_cli import sellerops, shifted_copy, system_up

pytestmark = [pytest.mark.nats, pytest.mark.slow]
EXAMPLES = Path(__file__).parents[2] / "examples"
MESSAGES = {"MSG-8H3L2P": "113-0000001-0000001", "MSG-4T6W1N": "113-0000003-0000003"}


def recent_copy(tmp_path: Path) -> Path:
    """The example messages moved so the last one arrived two minutes ago: their reply clocks are running and
    they are recent enough to be worth a notification, whatever today's date."""
    return shifted_copy(EXAMPLES / "messages.jsonl", tmp_path,
                        datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=2))


def test_buyer_messages_are_notified_to_the_log_and_closed_from_the_cli(tmp_path):
    with system_up(tmp_path) as up:
        url = up.url

        def ask(*args: str) -> dict | None:
            result = sellerops("notifications", *args, "--json", url=url, check=False)
            return json.loads(result.stdout) if result.returncode == 0 else None

        def delivered() -> list[dict]:
            """The buyer-message notifications delivered (other services may notify too, e.g. health)."""
            found = ask("deliveries", "demo-seller", "--status", "delivered") or {"deliveries": []}
            return [d for d in found["deliveries"] if d["title"].startswith("Buyer message on order")]

        prefs = eventually(lambda: ask("prefs-set", "demo-seller", str(EXAMPLES / "notifications.json")))
        assert prefs, "the notifications service never took the example preferences"
        assert [e["id"] for e in prefs["preferences"]["endpoints"]] == ["demo-log"]
        shown = sellerops("notifications", "prefs", "demo-seller", url=url).stdout
        assert "demo-log" in shown and "Quiet hours: none" in shown

        assert "published 2" in sellerops("events", "publish", str(recent_copy(tmp_path)), url=url).stdout
        waiting = eventually(lambda: (m := ask("messages", "demo-seller")) and len(m["messages"]) == 2 and m)
        assert waiting, f"the messages never showed as awaiting a reply; last answer: {ask('messages', 'demo-seller')}"
        assert {m["message_id"]: m["order_id"] for m in waiting["messages"]} == MESSAGES
        assert {m["status"] for m in waiting["messages"]} == {"AwaitingReply"}
        assert not any(m["overdue"] for m in waiting["messages"])
        for m in waiting["messages"]:
            received, due = datetime.fromisoformat(m["received_at"]), datetime.fromisoformat(m["reply_due_at"])
            assert due - received == timedelta(hours=24)
        table = sellerops("notifications", "messages", "demo-seller", url=url).stdout
        assert "MSG-8H3L2P" in table and "AwaitingReply" in table and "left" in table

        replied = ask("reply", "demo-seller", "MSG-8H3L2P")
        assert replied and replied["status"] == "Replied" and replied["replied_at"]
        marked = ask("no-response", "demo-seller", "MSG-4T6W1N")
        assert marked and marked["status"] == "NoResponseNeeded"
        assert ask("messages", "demo-seller") == {"messages": [], "next_cursor": None}, "no message awaits a reply any more"
        closed = {m["message_id"]: m["status"] for m in ask("messages", "demo-seller", "--all")["messages"]}
        assert closed == {"MSG-8H3L2P": "Replied", "MSG-4T6W1N": "NoResponseNeeded"}
        again = sellerops("notifications", "reply", "demo-seller", "MSG-4T6W1N", url=url, check=False)
        assert again.returncode == 1 and "$.message_id" in again.stderr

        found = eventually(lambda: len(d := delivered()) == 2 and d)
        assert found, f"no delivered notification; deliveries: {ask('deliveries', 'demo-seller')}"
        assert {d["endpoint_id"] for d in found} == {"demo-log"} and {d["channel"] for d in found} == {"log"}
        assert {d["kind"] for d in found} == {"messaging"}
        assert sorted(d["title"] for d in found) == [f"Buyer message on order {order}"
                                                     for order in sorted(MESSAGES.values())]
        assert all(d["attempts"][-1]["ok"] and d["attempts"][-1]["detail"] == "logged" for d in found)

        one = found[0]["delivery_id"]
        detail = sellerops("notifications", "delivery", "demo-seller", one, url=url).stdout
        assert one in detail and "Attempts (1)" in detail and "logged" in detail
        assert ask("redeliver", "demo-seller", one)["delivery_id"] == one
        resent = eventually(lambda: (d := ask("delivery", "demo-seller", one)) and d["status"] == "delivered"
                            and len(d["attempts"]) == 2 and d)
        assert resent, f"the redelivery never went out: {ask('delivery', 'demo-seller', one)}"
        listed = sellerops("notifications", "deliveries", "demo-seller", url=url).stdout
        assert "delivered" in listed and "demo-log" in listed
        assert up.stop() == 0
    logged = up.log_path.read_bytes()
    assert logged.count(b"notification_delivered_to_log") >= 3, "two notifications and one redelivery"
