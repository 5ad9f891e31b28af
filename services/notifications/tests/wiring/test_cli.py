"""`sellerops notifications ...`: what a person reads and what a script reads, without NATS (the request to the
service is replaced by a hand-made answer, and the render functions take hand-made views)."""

import io
import json
from datetime import UTC, datetime, timedelta

import msgspec
import pytest
from rich.console import Console
from typer.testing import CliRunner

from sellerops.cli.main import build_app
from sellerops.contracts.catalog import encode
from sellerops.contracts.notifications import (
    Attempt, Digest, DeliveryList, DeliveryStatus, DeliveryView, Endpoint, EndpointRef, EndpointSecret, GetPreferences, Kind,
    ListDeliveries, ListMessages, MarkNoResponseNeeded, MessageList, MessageStatus, MessageView, Preferences, PreferencesView,
    QuietHours, Redeliver, ReplyToMessage, SetPreferences, Severity,
)
from sellerops.notifications.domain.preferences import masked
from sellerops.notifications.plugin import commands
from sellerops.notifications.plugin.commands import (
    InTheFuture, cli, deliveries_table, delivery_view, mask_secret, mask_target, message_line, messages_table, parse_at,
    prefs_view,
)

runner = CliRunner()
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
SECRET = "whsec_3f9a1c7e55d04b2a9e61"

PREFS = PreferencesView(seller="demo-seller", updated_at=NOW, preferences=Preferences(
    endpoints=[Endpoint(id="ops-hook", channel="webhook", target="https://hooks.example.com/sellerops?token=abc123",
                        secret=SECRET),
               Endpoint(id="ops-mail", channel="email", target="ops@example.com"),
               Endpoint(id="old-log", channel="log", enabled=False)],
    routes={Kind.CLAIMS: ["ops-hook", "ops-mail"], Kind.MESSAGING: ["ops-hook"], Kind.REVIEWS: ["ops-mail"],
            Kind.SYSTEM: ["ops-mail", "old-log"]},
    quiet_hours=QuietHours(start="22:00", end="07:00", timezone="America/New_York"),
    digest=Digest(at="08:00", kinds=[Kind.REVIEWS]), min_severity=Severity.WARNING))


def delivery(n: int = 1, status: DeliveryStatus = DeliveryStatus.DELIVERED, attempts: list[Attempt] | None = None,
             **changes) -> DeliveryView:
    base = DeliveryView(delivery_id=f"N-00000000000000{n:02d}.ops-hook", notification_id=f"N-00000000000000{n:02d}",
                        endpoint_id="ops-hook", channel="webhook", kind=Kind.MESSAGING,
                        title="Buyer message on order 113-0000001-0000001", status=status,
                        attempts=[Attempt(at=NOW, ok=True, detail="200", duration_ms=41.7)] if attempts is None
                        else attempts, created_at=NOW - timedelta(minutes=n))
    return msgspec.structs.replace(base, **changes)


FAILING = delivery(2, DeliveryStatus.PENDING, attempts=[
    Attempt(at=NOW - timedelta(seconds=30), ok=False, detail="503 Service Unavailable", duration_ms=12.0),
    Attempt(at=NOW - timedelta(seconds=20), ok=False, detail="timeout after 10.0 s", duration_ms=10000.0),
    Attempt(at=NOW - timedelta(seconds=5), ok=False, detail="circuit open")],
    next_attempt_at=NOW + timedelta(minutes=5), kind=Kind.CLAIMS, title="A-to-z claim AZ-2001 filed")
GAVE_UP = delivery(3, DeliveryStatus.FAILED, attempts=[
    Attempt(at=NOW - timedelta(minutes=3), ok=False, detail="410 Gone", duration_ms=8.0)])


def message(message_id: str = "MSG-8H3L2P", status: MessageStatus = MessageStatus.AWAITING_REPLY,
            received: datetime = NOW - timedelta(hours=2), **changes) -> MessageView:
    return MessageView(message_id=message_id, order_id="113-0000001-0000001", title="Where is my order?",
                       status=status, received_at=received, reply_due_at=received + timedelta(hours=24), **changes)


def rendered(view, *, width: int = 120, colors: bool = False) -> str:
    out = Console(width=width, record=True, force_terminal=colors, color_system="standard" if colors else None,
                  file=io.StringIO())
    out.print(view)
    return out.export_text(styles=colors)


def line_with(text: str, needle: str) -> str:
    return next(line for line in text.splitlines() if needle in line)


def block(text: str, needle: str, lines: int = 3) -> str:
    """The line with `needle` and the `lines - 1` after it (one table row, its cells stacked), joined."""
    found = text.splitlines()
    start = next(i for i, line in enumerate(found) if needle in line)
    return " ".join(" ".join(line.split()) for line in found[start:start + lines])


def row(text: str, first: str) -> str:
    """The table row whose first cell is `first`."""
    return next(line for line in text.splitlines() if line.split()[:1] == [first])


@pytest.fixture
def asked(monkeypatch) -> list[tuple[str, object]]:
    """The requests the CLI sent, answered with hand-made replies."""
    sent: list[tuple[str, object]] = []
    answers = {
        # as the service answers: secrets masked, each one revealed only by its own verb
        "get_preferences": lambda r: msgspec.structs.replace(PREFS, preferences=masked(PREFS.preferences)),
        "get_endpoint_secret": lambda r: EndpointSecret(endpoint_id=r.endpoint_id, secret=next(
            e.secret for e in PREFS.preferences.endpoints if e.id == r.endpoint_id)),
        "set_preferences": lambda r: PreferencesView(seller="demo-seller", preferences=masked(r.preferences),
                                                     updated_at=NOW),
        "list_deliveries": lambda r: DeliveryList(deliveries=[delivery(1), FAILING, GAVE_UP]),
        "redeliver": lambda r: msgspec.structs.replace(GAVE_UP, status=DeliveryStatus.PENDING, next_attempt_at=NOW),
        "list_messages": lambda r: MessageList(messages=[message(), message("MSG-4T6W1N", received=NOW - timedelta(
            hours=30), overdue=True)]),
        "reply_to_message": lambda r: message(r.message_id, MessageStatus.REPLIED,
                                              replied_at=r.replied_at or NOW),
        "mark_no_response_needed": lambda r: message(r.message_id, MessageStatus.NO_RESPONSE_NEEDED),
    }

    def ask_service(service, nats_url, seller, verb, request, reply_type, every_page_of=None):
        assert (service, seller) == ("notifications", "demo-seller")
        sent.append((verb, request) if every_page_of is None else (verb, request, f"every page of {every_page_of}"))
        reply = answers[verb](request)
        assert isinstance(reply, reply_type)
        return reply

    monkeypatch.setattr(commands, "ask_service", ask_service)
    return sent


# ---- masking and options ----


def test_a_secret_shows_at_most_its_last_four_characters() -> None:
    assert mask_secret(SECRET) == "****9e61"
    assert mask_secret("short-secret") == "****", "a short secret shows nothing of itself"
    assert mask_secret("****9e61") == "****9e61", "masking what the service masked changes nothing"
    assert mask_secret(None) is None and mask_secret("") == ""


def test_a_target_url_hides_its_query_and_credentials_and_an_address_stays() -> None:
    assert mask_target("https://hooks.example.com/sellerops?token=abc123") == "https://hooks.example.com/sellerops?****"
    assert mask_target("https://user:pw@hooks.example.com/x") == "https://****@hooks.example.com/x"
    assert mask_target("https://hooks.example.com/x") == "https://hooks.example.com/x"
    assert mask_target("ops@example.com") == "ops@example.com"
    assert mask_target("") == ""


def test_at_is_an_iso_date_time_in_utc_without_a_zone() -> None:
    assert parse_at("2026-11-20T15:00:00Z") == datetime(2026, 11, 20, 15, tzinfo=UTC)
    assert parse_at("2026-11-20T15:00:00") == datetime(2026, 11, 20, 15, tzinfo=UTC)
    assert parse_at("2026-11-20T16:00:00+01:00") == datetime(2026, 11, 20, 15, tzinfo=UTC)
    assert parse_at(None) is None
    with pytest.raises(ValueError):
        parse_at("yesterday")


def test_at_may_not_be_in_the_future_beyond_a_minute_of_clock_skew() -> None:
    assert parse_at("2026-11-30T12:00:59Z", now=NOW) == NOW + timedelta(seconds=59)
    with pytest.raises(InTheFuture):
        parse_at("2026-11-30T12:01:01Z", now=NOW)


# ---- preferences ----


def test_prefs_shows_endpoints_with_masked_secrets_routes_per_kind_quiet_hours_and_digest() -> None:
    text = rendered(prefs_view(PREFS))
    assert "demo-seller notification preferences (updated 2026-11-30 12:00 UTC)" in text
    hook = row(text, "ops-hook")
    assert "webhook" in hook and "https://hooks.example.com/sellerops?****" in hook and "****9e61" in hook
    assert "claims, messaging" in hook
    assert SECRET not in text and "abc123" not in text
    assert "ops@example.com" in row(text, "ops-mail")
    assert "no" in row(text, "old-log").split(), "disabled"
    assert "ops-hook, ops-mail" in row(text, "claims")
    assert "nowhere" in row(text, "orders"), "a kind without a route goes nowhere"
    assert "ops-mail, old-log (disabled)" in row(text, "system")
    assert "(daily digest)" in row(text, "reviews")
    assert "Minimum severity: warning" in text
    assert "Quiet hours: 22:00-07:00 America/New_York (critical notifications ignore them)" in text
    assert "Digest: daily at 08:00 America/New_York for reviews" in text


def test_a_secret_or_title_with_brackets_is_printed_as_written_not_read_as_markup() -> None:
    odd = Endpoint(id="odd", channel="webhook", target="https://x.example.com/[hook]", secret="0123456789ab[/b]")
    text = rendered(prefs_view(PreferencesView(seller="demo-seller", preferences=Preferences(endpoints=[odd]))))
    assert "****[/b]" in text and "https://x.example.com/[hook]" in text
    assert "Claim [urgent] filed" in rendered(delivery_view(delivery(title="Claim [urgent] filed")))


def test_prefs_without_any_set_says_nothing_goes_anywhere() -> None:
    text = rendered(prefs_view(PreferencesView(seller="demo-seller", preferences=Preferences())))
    assert "none set" in text and "Endpoints: none" in text
    assert "Quiet hours: none" in text and "Digest: none" in text
    assert all("nowhere" in row(text, k.value) for k in Kind)


def test_prefs_json_masks_secrets_unless_asked(asked) -> None:
    result = runner.invoke(cli, ["prefs", "demo-seller", "--json"])
    assert result.exit_code == 0, result.output
    found = msgspec.json.decode(result.stdout, type=PreferencesView)
    assert found.preferences.endpoints[0].secret == "****9e61" and SECRET not in result.stdout
    assert found.preferences.routes == PREFS.preferences.routes
    shown = runner.invoke(cli, ["prefs", "demo-seller", "--json", "--show-secrets"])
    assert msgspec.json.decode(shown.stdout, type=PreferencesView) == PREFS
    with_secret = [e.id for e in PREFS.preferences.endpoints if e.secret]
    assert asked == [("get_preferences", GetPreferences())] * 2 + [
        ("get_endpoint_secret", EndpointRef(endpoint_id=i)) for i in with_secret]


def test_prefs_set_sends_the_file_and_prints_the_preferences(asked, tmp_path) -> None:
    file = tmp_path / "prefs.json"
    file.write_bytes(encode(SetPreferences(preferences=PREFS.preferences)))
    result = runner.invoke(cli, ["prefs-set", "demo-seller", str(file)])
    assert result.exit_code == 0, result.output
    assert "ops-hook" in result.stdout and "Quiet hours: 22:00-07:00" in result.stdout
    assert SECRET not in result.stdout
    assert asked == [("set_preferences", SetPreferences(preferences=PREFS.preferences))]


@pytest.mark.parametrize(("content", "field"), [
    ('{"preferences": {"endpoints": [{"id": "a b", "channel": "log"}]}}', "$.preferences.endpoints[0].id"),
    ('{"preferences": {"routes": {"parcels": []}}}', "$.preferences.routes"),
    ('{"preferences": {"quiet_hours": {"start": "25:00", "end": "07:00"}}}', "$.preferences.quiet_hours.start"),
    ('{"preferences": {"min_severity": "loud"}}', "$.preferences.min_severity"),
])
def test_a_bad_preferences_file_names_the_field_with_exit_code_2_before_asking(asked, tmp_path, content,
                                                                                field) -> None:
    file = tmp_path / "prefs.json"
    file.write_text(content)
    result = runner.invoke(cli, ["prefs-set", "demo-seller", str(file)])
    assert result.exit_code == 2
    assert field in result.stderr
    assert asked == []


def test_a_missing_preferences_file_exits_2(asked, tmp_path) -> None:
    result = runner.invoke(cli, ["prefs-set", "demo-seller", str(tmp_path / "nope.json")])
    assert result.exit_code == 2 and "cannot read" in result.stderr and asked == []


def test_the_example_preferences_file_is_a_valid_set_preferences_routing_every_kind_to_the_log() -> None:
    from pathlib import Path

    example = Path(__file__).parents[4] / "examples" / "notifications.json"
    found = msgspec.json.decode(example.read_bytes(), type=SetPreferences).preferences
    [endpoint] = found.endpoints
    assert endpoint.channel == "log" and endpoint.enabled
    assert set(found.routes) == set(Kind) and all(ids == [endpoint.id] for ids in found.routes.values())
    assert found.quiet_hours is None and found.digest is None and found.min_severity is Severity.INFO


# ---- deliveries ----


def test_the_deliveries_table_shows_each_with_its_attempts_and_next_try() -> None:
    text = rendered(deliveries_table(DeliveryList(deliveries=[delivery(1), FAILING, GAVE_UP])), width=140)
    for header in ("created", "kind", "title / delivery id", "endpoint", "status", "attempts / next"):
        assert header in text
    lines = text.splitlines()
    ok = line_with(text, "Buyer message on order")
    assert ok.startswith("2026-11-30") and "messaging" in ok and "ops-hook" in ok and "delivered" in ok
    assert "1, last ok 200" in ok
    below = lines[lines.index(ok) + 1]
    assert below.startswith("11:59") and "N-0000000000000001.ops-hook" in below and "webhook" in below
    pending = line_with(text, "A-to-z claim AZ-2001 filed")
    assert "claims" in pending and "pending" in pending and "3, last failed circuit open" in pending
    assert "next 2026-11-30 12:05:00 UTC" in lines[lines.index(pending) + 1]
    assert "1, last failed 410 Gone" in line_with(text, "  failed  "), "the status column, then the attempts"
    assert "Times in UTC" in text


def test_delivery_statuses_are_colored_and_an_empty_list_says_so() -> None:
    text = rendered(deliveries_table(DeliveryList(deliveries=[delivery(1), FAILING, GAVE_UP])), width=160,
                    colors=True)
    assert "\x1b[32mdelivered" in text and "\x1b[33mpending" in text and "\x1b[31mfailed" in text
    assert "\x1b[32mok" in text and "\x1b[31mfailed\x1b[0m circuit open" in text
    assert "No deliveries." in rendered(deliveries_table(DeliveryList(deliveries=[])))


def test_the_deliveries_table_fits_80_columns_and_folds_ids_instead_of_cutting_them() -> None:
    text = rendered(deliveries_table(DeliveryList(deliveries=[delivery(1), FAILING, GAVE_UP])), width=80)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "…" not in text
    assert "pending" in text and "delivered" in text and "next 2026-11-30" in text


def test_deliveries_passes_status_and_limit_and_prints_json(asked) -> None:
    result = runner.invoke(cli, ["deliveries", "demo-seller", "--status", "pending", "--limit", "5", "--json"])
    assert result.exit_code == 0, result.output
    found = msgspec.json.decode(result.stdout, type=DeliveryList)
    assert [d.delivery_id for d in found.deliveries][1] == FAILING.delivery_id
    assert json.loads(result.stdout)["deliveries"][1]["attempts"][0]["detail"] == "503 Service Unavailable"
    assert asked == [("list_deliveries", ListDeliveries(status=DeliveryStatus.PENDING, limit=5))]


@pytest.mark.parametrize("args", [["--status", "lost"], ["--limit", "0"], ["--limit", "1001"]])
def test_a_bad_deliveries_option_exits_2_before_asking(asked, args) -> None:
    result = runner.invoke(cli, ["deliveries", "demo-seller", *args])
    assert result.exit_code == 2 and asked == []


def test_one_delivery_shows_every_attempt_in_order() -> None:
    text = rendered(delivery_view(FAILING))
    assert "N-0000000000000002.ops-hook" in text and "A-to-z claim AZ-2001 filed" in text
    assert "ops-hook (webhook)" in text and "pending" in text and "2026-11-30 12:05:00 UTC" in text
    assert "Attempts (3)" in text
    rows = [line_with(text, detail) for detail in ("503 Service Unavailable", "timeout after 10.0 s",
                                                    "circuit open")]
    assert [row.split()[0] for row in rows] == ["1", "2", "3"]
    assert "10000" in rows[1] and "11:59:30 UTC" in rows[0] and "11:59:55 UTC" in rows[2], "to the second"
    assert "No attempt yet." in rendered(delivery_view(delivery(attempts=[], status=DeliveryStatus.PENDING)))


def test_delivery_looks_it_up_in_the_list(asked) -> None:
    result = runner.invoke(cli, ["delivery", "demo-seller", FAILING.delivery_id])
    assert result.exit_code == 0, result.output
    assert "Attempts (3)" in result.stdout and "timeout after 10.0 s" in result.stdout
    assert asked == [("list_deliveries", ListDeliveries(limit=1000))]
    as_json = runner.invoke(cli, ["delivery", "demo-seller", FAILING.delivery_id, "--json"])
    assert msgspec.json.decode(as_json.stdout, type=DeliveryView) == FAILING


def test_an_unknown_delivery_exits_1_naming_it(asked) -> None:
    result = runner.invoke(cli, ["delivery", "demo-seller", "N-nope.ops-hook"])
    assert result.exit_code == 1 and "no delivery N-nope.ops-hook" in result.stderr


def test_redeliver_asks_for_the_delivery_and_shows_it_pending_again(asked) -> None:
    result = runner.invoke(cli, ["redeliver", "demo-seller", GAVE_UP.delivery_id])
    assert result.exit_code == 0, result.output
    assert "pending" in result.stdout and "410 Gone" in result.stdout
    assert asked == [("redeliver", Redeliver(delivery_id=GAVE_UP.delivery_id))]


# ---- buyer messages ----


def test_messages_show_the_reply_deadline_and_time_left_overdue_in_red() -> None:
    found = MessageList(messages=[message("MSG-4T6W1N", received=NOW - timedelta(hours=30), overdue=True),
                                  message()])
    text = rendered(messages_table(found, now=NOW))
    late = block(text, "MSG-4T6W1N")
    assert late.startswith("2026-11-29 MSG-4T6W1N AwaitingReply 2026-11-30 overdue")
    assert "06:00 order 113-0000001-0000001 06:00 6 h 00 min" in late and "Where is my order?" in late
    fresh = block(text, "MSG-8H3L2P")
    assert "2026-12-01" in fresh and "22 h 00 min" in fresh and "left" in fresh and "overdue" not in fresh
    colored = rendered(messages_table(found, now=NOW), colors=True)
    assert "\x1b[31m2026-11-30" in colored and "\x1b[1;31moverdue" in colored
    assert "\x1b[31m2026-12-01" not in colored
    assert max(len(line) for line in text.splitlines()) <= 80


def test_closed_messages_say_how_they_closed() -> None:
    found = MessageList(messages=[
        message("MSG-1", MessageStatus.REPLIED, replied_at=NOW - timedelta(hours=1)),
        message("MSG-2", MessageStatus.REPLIED, received=NOW - timedelta(hours=40), replied_at=NOW),
        message("MSG-3", MessageStatus.NO_RESPONSE_NEEDED)])
    text = rendered(messages_table(found, now=NOW))
    assert "replied" in block(text, "MSG-1") and "in time" in block(text, "MSG-1")
    assert "replied" in block(text, "MSG-2") and "late" in block(text, "MSG-2")
    assert "NoResponseNeeded" in block(text, "MSG-3")
    assert "No buyer messages." in rendered(messages_table(MessageList(messages=[])))


def test_messages_asks_for_open_ones_unless_all(asked) -> None:
    result = runner.invoke(cli, ["messages", "demo-seller", "--json"])
    assert result.exit_code == 0, result.output
    found = msgspec.json.decode(result.stdout, type=MessageList)
    assert [m.status for m in found.messages] == [MessageStatus.AWAITING_REPLY] * 2
    assert runner.invoke(cli, ["messages", "demo-seller", "--all"]).exit_code == 0
    assert asked == [("list_messages", ListMessages(open_only=True), "every page of messages"),
                     ("list_messages", ListMessages(open_only=False), "every page of messages")]


def test_reply_sends_the_time_given_and_says_within_the_deadline(asked, monkeypatch) -> None:
    monkeypatch.setattr(commands, "FUTURE_SKEW", timedelta(days=3650))  # NOW may be ahead of this machine's clock
    result = runner.invoke(cli, ["reply", "demo-seller", "MSG-8H3L2P", "--at", "2026-11-30T11:00:00"])
    assert result.exit_code == 0, result.output
    assert "MSG-8H3L2P" in result.stdout and "Replied" in result.stdout
    assert "replied 2026-11-30 11:00 UTC within the deadline" in result.stdout
    assert asked == [("reply_to_message", ReplyToMessage(message_id="MSG-8H3L2P",
                                                         replied_at=datetime(2026, 11, 30, 11, tzinfo=UTC)))]


def test_reply_without_at_leaves_the_time_to_the_service(asked) -> None:
    assert runner.invoke(cli, ["reply", "demo-seller", "MSG-8H3L2P", "--json"]).exit_code == 0
    assert asked == [("reply_to_message", ReplyToMessage(message_id="MSG-8H3L2P"))]


@pytest.mark.parametrize(("at", "why"), [("just now", "give a date-time"), ("2099-01-01T00:00:00Z", "in the future")])
def test_a_bad_at_exits_2_naming_the_option_before_asking(asked, at, why) -> None:
    result = runner.invoke(cli, ["reply", "demo-seller", "MSG-8H3L2P", "--at", at])
    assert result.exit_code == 2 and "--at" in result.stderr and why in result.stderr and asked == []


def test_no_response_marks_the_message(asked) -> None:
    result = runner.invoke(cli, ["no-response", "demo-seller", "MSG-4T6W1N"])
    assert result.exit_code == 0, result.output
    assert "NoResponseNeeded" in result.stdout and "response-time metric" in result.stdout
    assert asked == [("mark_no_response_needed", MarkNoResponseNeeded(message_id="MSG-4T6W1N"))]


def test_a_late_reply_and_an_overdue_message_are_red() -> None:
    late = message("MSG-9", MessageStatus.REPLIED, received=NOW - timedelta(hours=40),
                   replied_at=NOW)
    text = rendered(message_line(late), colors=True)
    assert "\x1b[31mafter the deadline" in text
    assert "overdue" in rendered(message_line(message(overdue=True)))


# ---- mounted in the runner ----


def test_the_runner_mounts_every_command(asked) -> None:
    result = runner.invoke(build_app(), ["notifications", "--help"])
    assert result.exit_code == 0, result.output
    for name in ("prefs", "prefs-set", "deliveries", "delivery", "redeliver", "messages", "reply", "no-response"):
        assert name in result.stdout
    listed = runner.invoke(build_app(), ["notifications", "deliveries", "demo-seller"])
    assert listed.exit_code == 0, listed.output
    assert "delivered" in listed.stdout
