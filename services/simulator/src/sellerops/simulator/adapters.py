"""The simulator's side of NATS: market facts published to JetStream, seller actions and lookups sent as requests,
and what the board reads back (account health, the FBA tally, alerts, stream sizes)."""

import asyncio

import msgspec
import nats
from nats.aio.client import Client
from nats.aio.msg import Msg

from sellerops.contracts.health import AccountHealth, GetAccountHealth
from sellerops.contracts.inbound import CaseList, ListCases, ListShipments, ShipmentList, ShipmentStatus
from sellerops.contracts.inventory import CheckLedger, LedgerCheck
from sellerops.contracts.market import OrderPlaced
from sellerops.contracts.notifications import Endpoint, Kind, Preferences, PreferencesView, SetPreferences
from sellerops.contracts.streams import SOURCES, stream_name
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.runtime.requests import RequestFailed, call, call_every_page
from sellerops.simulator.board import Board, FbaTally, alert_line
from sellerops.simulator.domain import Step

ALERTS = ("health.*.metric.breached", "health.*.metric.recovered", "health.*.metric.breach_forecast",
          "health.*.account.status_changed")


async def log_every_kind(nc: Client, sellers: list[str]) -> None:
    """Route every notification kind of every seller to the log channel, so alerts are raised and delivered."""
    log_all = SetPreferences(preferences=Preferences(endpoints=[Endpoint(id="log", channel="log")],
                                                     routes={kind: ["log"] for kind in Kind}))
    for seller in sellers:
        await call(nc, "notifications", seller, "set_preferences", log_all, PreferencesView)


async def follow_alerts(nc: Client, board: Board) -> None:
    """Count on the board the alerts health raises and the AFN packages the network ships."""

    async def alert(msg: Msg) -> None:
        seller, line = alert_line(msg.subject, msg.data)
        board.alert_count[seller] += 1
        board.alerts.appendleft(line)

    for subject in ALERTS:
        await nc.subscribe(subject, cb=alert)

    async def afn_shipped(msg: Msg) -> None:
        board.afn_shipped[msg.subject.split(".")[1]] += 1

    await nc.subscribe("fulfillment.*.order.shipped", cb=afn_shipped)


async def stream_counts(nc: Client) -> dict[str, int]:
    """Events each source's stream holds."""
    js = nc.jetstream()
    return {source: (await js.stream_info(stream_name(source))).state.messages for source in SOURCES}


async def refresh_health(nc: Client, board: Board) -> None:
    for seller in board.sellers:
        try:
            board.health[seller] = await call(nc, "health", seller, "get_account_health", GetAccountHealth(),
                                              AccountHealth, timeout=10)
        except (RequestFailed, TimeoutError, nats.errors.Error):
            pass


async def fba_tally(nc: Client, seller: str) -> FbaTally:
    tally = FbaTally()
    try:
        shipments = await call_every_page(nc, "fulfillment", seller, "list_inbound_shipments", ListShipments(),
                                          ShipmentList, items="shipments", timeout=10)
        cases = await call_every_page(nc, "fulfillment", seller, "list_cases", ListCases(status=None), CaseList,
                                      items="cases", timeout=10)
        ledger = await call(nc, "fulfillment", seller, "check_ledger", CheckLedger(), LedgerCheck, timeout=30)
    except (RequestFailed, TimeoutError, nats.errors.Error):
        return tally
    for shipment in shipments.shipments:
        tally.shipments += 1
        tally.closed += shipment.status is ShipmentStatus.CLOSED
        tally.expected += sum(i.expected for i in shipment.items)
        tally.received += sum(i.received + i.damaged for i in shipment.items)
    for case in cases.cases:
        tally.cases[case.status.value] += 1
        tally.reimbursed_units += sum(line.reimbursed_units for line in case.lines)
    tally.drift = len(ledger.drift) + len(ledger.gaps) + len(ledger.negative)
    return tally


async def send(step: Step, nc: Client, publish: JetStreamPublisher, board: Board) -> bytes | None:
    """Publish a fact, or send a request and return its answer (None when it was refused)."""
    if step.kind == "fact":
        event = step.payload
        await publish.publish_one(event)
        board.facts[step.seller] += 1
        if isinstance(event, OrderPlaced):
            board.orders[step.seller] += 1
        return None
    request = step.payload  # a SellerRequest: the seller acting, or the marketplace looking something up
    lookup = step.kind == "lookup"
    (board.lookups if lookup else board.requests)[step.seller] += 1
    for wait in (0.1, 0.3, 1.0, None):
        try:
            answer = await call(nc, request.service, step.seller, request.verb, request.body, msgspec.Raw,
                                timeout=10)
            return bytes(answer)
        except RequestFailed as exc:
            # In accelerated time the seller may act on a fact the service has not read yet (a reply minutes
            # after the message): a person would see it first, so wait for it a moment. A lookup of what is
            # not there yet is an answer (its follow-up looks again later).
            if exc.error.code != "not_found" or wait is None or lookup:
                if not lookup:
                    board.refused[step.seller] += 1
                return None
            await asyncio.sleep(wait)
        except TimeoutError:
            board.refused[step.seller] += 1
            return None
    return None
