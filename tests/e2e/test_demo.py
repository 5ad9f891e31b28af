"""`sellerops demo` in short: every service gets traffic from the simulator and health numbers come out."""

import io
import os
from datetime import UTC, datetime, timedelta

import pytest
from rich.console import Console

from sellerops.simulator.board import summary
from sellerops.simulator.demo import run_demo
from sellerops.simulator.domain import SimConfig

pytestmark = [pytest.mark.nats, pytest.mark.slow]


async def test_a_short_demo_drives_every_service_and_ends_with_each_sellers_health(tmp_path):
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=14)
    config = SimConfig(seed=11, sellers=["acme-home", "blue-harbor"], start=start, days=14, orders_per_day=15,
                       drain=False, message_rate=0.3, return_rate=0.2, claim_rate=0.05,
                       inbound_transit_days=(1.0, 2.0), inbound_shortage_rate=0.5, reimbursement_rate=1.0)
    out = io.StringIO()
    before = dict(os.environ)
    board = await run_demo([config], minutes=0.2, console=Console(file=out, width=140), data_dir=tmp_path / "nats")

    for seller in config.sellers:
        assert board.orders[seller] > 60 and board.requests[seller] > 10, "the simulator published and acted"
        health = board.health[seller]
        measures = {m.key: m for m in health.measures}
        assert measures["orderDefectRate.mfn"].denominator > 0 and measures["orderDefectRate.afn"].denominator > 0
        assert measures["lateShipmentRate"].denominator > 0, "orders shipped through the orders service"
        assert 0 <= health.rating <= 1000
    for seller in config.sellers:
        fba = board.fba[seller]
        assert fba.shipments > 0 and fba.closed > 0, f"{seller}: {fba}"
        assert 0 < fba.received <= fba.expected + 3 * fba.shipments * 8, "units were received (overages aside)"
        assert sum(fba.cases.values()) > 0, "a shortage opened a discrepancy case"
        assert fba.drift == 0, "the inventory ledger replays to its stored summaries"
        assert board.afn_shipped[seller] > 0, "the network shipped AFN orders from where it allocated them"
    assert all(board.streams[source] > 0 for source in
               ("market", "orders", "fulfillment", "returns", "health", "notifications")), board.streams
    text = _text(summary(board))
    assert "summary" in text and "inbound shipments closed" in text
    assert all(f"{board.fba[s].closed}/{board.fba[s].shipments}" in text for s in config.sellers)
    assert dict(os.environ) == before, "the demo leaves the caller's environment as it found it"
    piped = out.getvalue().splitlines()  # not a terminal: plain lines, a line per simulated day, no redraws
    days = [line for line in piped if "(simulated):" in line]
    assert len(days) >= 12 and days[-1].endswith("alerts"), piped[:20]
    assert "\x1b[" not in out.getvalue(), "no cursor movement in a pipe"
    assert piped[-1] == "", "a blank line after the final board, so the summary's title starts on its own line"


def _text(renderable) -> str:  # noqa: ANN001
    out = io.StringIO()
    Console(file=out, width=140).print(renderable)
    return out.getvalue()
