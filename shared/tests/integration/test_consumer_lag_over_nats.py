"""Each durable consumer's lag on /metrics: pending, ack pending and redelivered, read from JetStream."""

import pytest
from nats.js.api import AckPolicy, ConsumerConfig, StreamConfig
from prometheus_client import generate_latest

from sellerops.runtime.observability import Metrics

pytestmark = pytest.mark.nats


async def test_a_consumers_pending_ack_pending_and_redelivered_counts_are_on_the_metrics(nc):
    js = nc.jetstream()
    await js.add_stream(StreamConfig(name="MARKET", subjects=["market.>"]))
    await js.add_consumer("MARKET", ConsumerConfig(durable_name="orders-market-order", ack_policy=AckPolicy.EXPLICIT,
                                                   filter_subject="market.*.order.*"))
    for n in range(5):
        await js.publish(f"market.s1.order.placed{n}", b"{}")
    sub = await js.pull_subscribe_bind("orders-market-order", stream="MARKET")
    [first] = await sub.fetch(1, timeout=2)
    await first.nak()
    delivered = {first.metadata.sequence.stream}
    while True:  # until the nak'd one comes a second time; nothing is acked
        [msg] = await sub.fetch(1, timeout=2)
        delivered.add(msg.metadata.sequence.stream)
        if msg.metadata.num_delivered == 2:
            break
    metrics = Metrics("orders")

    await metrics.consumer_lag(js, [("MARKET", "orders-market-order"), ("MARKET", "no-such-consumer")])

    text = generate_latest(metrics.registry).decode()
    labels = 'consumer="orders-market-order",service="orders",stream="MARKET"'
    assert f"sellerops_consumer_pending{{{labels}}} {5.0 - len(delivered)}" in text
    assert f"sellerops_consumer_ack_pending{{{labels}}} {float(len(delivered))}" in text
    assert f"sellerops_consumer_redelivered{{{labels}}} 1.0" in text
    assert "no-such-consumer" not in text, "a consumer JetStream does not know is left out, not an error"
