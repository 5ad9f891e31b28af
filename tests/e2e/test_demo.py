"""`sellerops demo` in short: every service gets traffic from the simulator and health numbers come out."""

import io
import os
from datetime import UTC, datetime, timedelta

import pytest
from rich.console import Console

from sellerops.simulator.demo import run_demo, summary
from sellerops.simulator.model import SimConfig

pytestmark = [pytest.mark.nats, pytest.mark.slow]


async def test_a_short_demo_drives_every_service_and_ends_with_each_sellers_health(tmp_path):
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=9)
    config = SimConfig(seed=11, sellers=["acme-home", "blue-harbor"], start=start, days=9, orders_per_day=15,
                       drain=False, message_rate=0.3, return_rate=0.2, claim_rate=0.05)
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
    assert all(board.streams[source] > 0 for source in
               ("market", "orders", "fulfillment", "returns", "health", "notifications")), board.streams
    assert "summary" in _text(summary(board))
    assert dict(os.environ) == before, "the demo leaves the caller's environment as it found it"


def _text(renderable) -> str:  # noqa: ANN001
    out = io.StringIO()
    Console(file=out, width=140).print(renderable)
    return out.getvalue()
