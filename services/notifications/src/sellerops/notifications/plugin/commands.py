"""`sellerops notifications prefs|prefs-set|deliveries|delivery|redeliver|messages|reply|no-response`.

The render functions (`prefs_view`, `deliveries_table`, `delivery_view`, `messages_table`, `message_line`), in
`views` and importable from here as before, turn the service's answers into what a person reads; they take
hand-made views in tests. `--json` prints the service's answer. The service masks endpoint secrets; `prefs
--show-secrets` asks for each one (`get_endpoint_secret`, a verb of its own so NATS permissions can keep it to
operators).
"""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
import typer
from rich.console import RenderableType

from sellerops.cli.common import JsonOption, NatsUrlOption, ask_service, console, fail, print_json, read_request
from sellerops.contracts.notifications import (
    DeliveryList, DeliveryStatus, DeliveryView, EndpointRef, EndpointSecret, GetPreferences, ListDeliveries,
    ListMessages, MarkNoResponseNeeded, MessageList, MessageView, PreferencesView, Redeliver, ReplyToMessage,
    SetPreferences,
)
from sellerops.notifications.domain.preferences import mask_secret
from sellerops.notifications.plugin.views import (
    DELIVERY_STYLE, MESSAGE_STYLE, attempts_cell, deliveries_table, delivery_view, mask_target, message_line,
    messages_table, prefs_view, when,
)

__all__ = [  # the commands, and the render functions (in `views`) under the names they always had here
    "DELIVERY_STYLE", "FUTURE_SKEW", "LOOKUP_LIMIT", "MESSAGE_STYLE", "InTheFuture", "ask", "attempts_cell", "cli",
    "deliveries_table", "delivery", "delivery_view", "list_deliveries", "mask_secret", "mask_target", "message_line",
    "messages", "messages_table", "no_response", "parse_at", "prefs", "prefs_set", "prefs_view", "redeliver", "reply",
    "show", "when", "with_secrets",
]

cli = typer.Typer(help="Notifications: preferences, deliveries, buyer messages (notifications service).",
                  no_args_is_help=True, pretty_exceptions_enable=False)
FUTURE_SKEW = timedelta(minutes=1)
LOOKUP_LIMIT = 1000  # the most list_deliveries answers: `delivery` looks among the newest this many


def ask(nats_url: str | None, seller: str, verb: str, request: object, reply_type: type,
        every_page_of: str | None = None) -> Any:
    return ask_service("notifications", nats_url, seller, verb, request, reply_type, every_page_of=every_page_of)


def with_secrets(view: PreferencesView, secrets: dict[str, str | None]) -> PreferencesView:
    """The view with the endpoints' secrets as the service revealed them (`prefs --show-secrets`)."""
    endpoints = [msgspec.structs.replace(e, secret=secrets.get(e.id, e.secret)) for e in view.preferences.endpoints]
    return msgspec.structs.replace(view, preferences=msgspec.structs.replace(view.preferences, endpoints=endpoints))


class InTheFuture(ValueError):
    pass


def parse_at(value: str | None, now: datetime | None = None) -> datetime | None:
    """An ISO date-time (no zone: UTC), not in the future (a minute's clock skew allowed); None stays None.
    Raises ValueError on anything else."""
    if value is None:
        return None
    found = datetime.fromisoformat(value.strip())
    found = found.astimezone(UTC) if found.tzinfo is not None else found.replace(tzinfo=UTC)
    if found > (now or datetime.now(UTC)) + FUTURE_SKEW:
        raise InTheFuture(f"{found.isoformat()} is in the future")
    return found


def show(value: msgspec.Struct, view: RenderableType, as_json: bool) -> None:
    if as_json:
        print_json(value)
    else:
        console.print(view)


@cli.command("prefs")
def prefs(seller: str, nats_url: str = NatsUrlOption, as_json: bool = JsonOption,
          show_secrets: bool = typer.Option(False, "--show-secrets",
                                            help="with --json: ask the service for each secret, unmasked")) -> None:
    """The seller's preferences: endpoints, routes per kind, minimum severity, quiet hours, digest."""
    view = ask(nats_url, seller, "get_preferences", GetPreferences(), PreferencesView)
    if show_secrets and as_json:
        view = with_secrets(view, {e.id: ask(nats_url, seller, "get_endpoint_secret", EndpointRef(endpoint_id=e.id),
                                             EndpointSecret).secret
                                   for e in view.preferences.endpoints if e.secret})
    show(view, prefs_view(view), as_json)


@cli.command("prefs-set")
def prefs_set(seller: str,
              file: Path = typer.Argument(..., help='a JSON SetPreferences ({"preferences": {"endpoints": ...}})'),
              nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """Replace the seller's preferences with the file's (a bad file or a refusal names the field)."""
    view = ask(nats_url, seller, "set_preferences", read_request(file, SetPreferences), PreferencesView)
    show(view, prefs_view(view), as_json)


@cli.command("deliveries")
def list_deliveries(seller: str, status: DeliveryStatus = typer.Option(None, "--status", help="only deliveries in this status"),
                    limit: int = typer.Option(100, "--limit", min=1, max=LOOKUP_LIMIT, help="at most this many"),
                    nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """Deliveries, newest first: where each notification went, and how its attempts went."""
    found = ask(nats_url, seller, "list_deliveries", ListDeliveries(status=status, limit=limit), DeliveryList)
    show(found, deliveries_table(found), as_json)


@cli.command("delivery")
def delivery(seller: str, delivery_id: str, nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """One delivery with every attempt (looked up among the newest 1000)."""
    found = ask(nats_url, seller, "list_deliveries", ListDeliveries(limit=LOOKUP_LIMIT), DeliveryList)
    match = next((d for d in found.deliveries if d.delivery_id == delivery_id), None)
    if match is None:
        fail(f"no delivery {delivery_id} among the newest {LOOKUP_LIMIT} of {seller} "
             "(`sellerops notifications deliveries SELLER` lists them)")
    show(match, delivery_view(match), as_json)


@cli.command("redeliver")
def redeliver(seller: str, delivery_id: str, nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """Send a delivery again (same delivery id: a receiver that saw it drops the copy)."""
    view = ask(nats_url, seller, "redeliver", Redeliver(delivery_id=delivery_id), DeliveryView)
    show(view, delivery_view(view), as_json)


@cli.command("messages")
def messages(seller: str, all_messages: bool = typer.Option(False, "--all", help="replied and closed ones too"),
             nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """Buyer messages and their reply deadlines, soonest first (awaiting a reply unless --all)."""
    found = ask(nats_url, seller, "list_messages", ListMessages(open_only=not all_messages), MessageList,
                every_page_of="messages")
    show(found, messages_table(found), as_json)


@cli.command("reply")
def reply(seller: str, message_id: str,
          at: str = typer.Option(None, "--at", help="when you replied (ISO date-time, UTC without a zone); "
                                                    "default now"),
          nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """You replied to a buyer message: its reply clock stops."""
    try:
        replied_at = parse_at(at)
    except InTheFuture:
        fail(f"bad --at {at!r}: a reply cannot be in the future", code=2)
    except ValueError:
        fail(f"bad --at {at!r}: give a date-time, e.g. 2026-11-20T15:00:00Z", code=2)
    view = ask(nats_url, seller, "reply_to_message", ReplyToMessage(message_id=message_id, replied_at=replied_at),
               MessageView)
    show(view, message_line(view), as_json)


@cli.command("no-response")
def no_response(seller: str, message_id: str, nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """A buyer message needs no response: its clock stops and it leaves the response-time metric."""
    view = ask(nats_url, seller, "mark_no_response_needed", MarkNoResponseNeeded(message_id=message_id), MessageView)
    show(view, message_line(view), as_json)
