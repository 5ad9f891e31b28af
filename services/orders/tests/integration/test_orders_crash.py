"""SIGKILL the orders process in the middle of a stream, restart it: nothing lost, nothing applied twice."""

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter

import msgspec
import nats
import pytest

from sellerops.orders import subscribers
from sellerops.orders.adapters import BUCKET
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.testing.helpers import consumer_idle, eventually, read_stream

from .conftest import paid, placed

pytestmark = [pytest.mark.nats, pytest.mark.slow]
ORDERS = 1500


def start_orders(url: str, log) -> subprocess.Popen:
    env = {**os.environ, "SELLEROPS_LOG_FORMAT": "json", "SELLEROPS_DELIVERY_ACK_WAIT_S": "3"}
    return subprocess.Popen([sys.executable, "-m", "sellerops.cli.main", "run", "orders", "--nats-url", url],
                            env=env, stdout=log, stderr=log)


async def ready(nc) -> bool:
    try:
        await nc.request("$SRV.PING.sellerops-orders", b"", timeout=0.5)
        return True
    except Exception:  # noqa: BLE001
        return False


async def test_killing_orders_mid_stream_and_restarting_loses_nothing_and_applies_nothing_twice(nats_url, seller, tmp_path):
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    log = open(tmp_path / "orders.log", "wb")  # noqa: SIM115
    first = start_orders(nats_url, log)
    try:
        await eventually(lambda: ready(nc), timeout=30)
        order_ids = [f"{n:03d}-{n:07d}-0000001" for n in range(ORDERS)]
        facts = [fact for oid in order_ids for fact in (placed(seller, oid), paid(seller, oid))]
        await JetStreamPublisher(js).publish_many(facts)

        async def some_done():
            return (await js.stream_info("ORDERS")).state.messages >= ORDERS // 3

        await eventually(some_done, timeout=60, interval=0.01)
        first.send_signal(signal.SIGKILL)
        first.wait()
        at_kill = (await js.stream_info("ORDERS")).state.messages
        assert at_kill < 2 * ORDERS, "the kill must land in the middle of the stream"

        second = start_orders(nats_url, log)
        try:
            await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_ORDERS.durable), timeout=120)
        finally:
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=30) == 0, "a SIGTERM stops the service cleanly"
    finally:
        if first.poll() is None:
            first.kill()
        log.close()

    events = await read_stream(js, "ORDERS", f"orders.{seller}.>")
    per_order = Counter((msgspec.json.decode(m.data)["order_id"], m.headers["Sellerops-Type"]) for m in events)
    assert len(events) == 2 * ORDERS, f"{len(events)} events for {ORDERS} orders (killed at {at_kill})"
    assert set(per_order.values()) == {1}
    kv = await js.key_value(BUCKET)
    states = [msgspec.json.decode((await kv.get(f"{seller}.{oid}")).value)["state"]["status"] for oid in order_ids]
    assert Counter(states) == {"Unshipped": ORDERS}
    await nc.close()
    await asyncio.sleep(0)
