"""Reading a text of SP-API documents (`read`, `join`, `parse`) and the `sp-api` ingester that does it."""

from typing import Any

from sellerops.integrations.domain import orders_api
from sellerops.integrations.domain.spapi.notifications import _notification
from sellerops.integrations.domain.spapi.state import _State
from sellerops.integrations.domain.spapi_json import Bad, _NotJson, documents, opt
from sellerops.plugins.ingest import Ingester, Parsed, Pending, Problem


def read(seller: str, text: str) -> Parsed:
    """Facts of the notifications; the Orders API pieces as `pending` (for `join`)."""
    state = _State(seller)
    for number, doc in documents(text):
        state.current = number
        try:
            if isinstance(doc, _NotJson):
                raise Bad("$", f"not JSON: {doc.message}")
            _document(state, doc)
        except Bad as bad:
            state.problems.append(Problem(f"document {number}: {bad.path}", bad.message))
    return state.result()


def join(seller: str, pieces: list[Pending]) -> Parsed:
    return orders_api.join(seller, pieces)


def parse(seller: str, text: str) -> Parsed:
    """One text alone: `read`, then `join` its own pieces (what is still incomplete stays `pending`)."""
    found = read(seller, text)
    joined = join(seller, found.pending)
    return Parsed(found.events + joined.events, found.problems + joined.problems, found.duplicates, found.ignored,
                  found.notes + joined.notes, pending=joined.pending, joined=joined.joined)


def _document(state: _State, doc: Any) -> None:
    if not isinstance(doc, dict):
        raise Bad("$", "expected a JSON object (a notification envelope or an Orders API response)")
    if opt(doc, "NotificationType") is not None or opt(doc, "NotificationMetadata") is not None:
        _notification(state, doc)
    elif (found := orders_api.pieces(doc, f"document {state.current}")) is not None:
        read, bad = found
        for piece in read:
            state.piece(piece)
        state.problems.extend(Problem(f"document {state.current}: {b.path}", b.message) for b in bad)
    else:
        raise Bad("$", "not an SP-API notification (no NotificationType) nor an Orders API response "
                       "(no payload.Orders, payload with an Order, payload.OrderItems, nor order + items)")


def detect(name: str, head: str) -> bool:
    lowered = head.lower()
    if not name.lower().endswith((".json", ".jsonl", ".ndjson", ".txt")) and not lowered.lstrip().startswith(("{", "[")):
        return False
    return "notificationtype" in lowered or "amazonorderid" in lowered


def _read(seller: str, text: str) -> Parsed:
    return read(seller, text)


INGESTERS = [
    Ingester(
        name="sp-api",
        description="SP-API notification envelopes (ORDER_CHANGE, ...) and Orders API getOrders/getOrder/"
                    "getOrderItems responses, as JSON or JSON lines (orders joined with their items across files)",
        detect=detect,
        parse=_read,
        join=join,
    ),
]
