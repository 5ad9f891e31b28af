"""Batched direct gets against a real nats-server: the values of given keys in one request (missing and
deleted keys left out), and every key under some prefixes, past one batch."""

import pytest

from sellerops.runtime.broker import open_bucket
from sellerops.runtime.direct import DIRECT_BATCH, last_values, values_of
from sellerops.runtime.settings import NatsSettings
from sellerops.testing.helpers import eventually

pytestmark = pytest.mark.nats


async def test_the_values_of_given_keys_leave_out_those_missing_or_deleted(nc):
    kv = await open_bucket(nc.jetstream(), "probe_direct", NatsSettings())
    for n in range(5):
        await kv.put(f"acme.o{n}", f"order {n}".encode())
    await kv.delete("acme.o3")

    found = await values_of(kv, ["acme.o4", "acme.o0", "acme.o3", "acme.o9", "globex.o0"])

    assert found == {"acme.o4": b"order 4", "acme.o0": b"order 0"}
    assert await values_of(kv, []) == {}


async def test_every_key_under_a_prefix_is_read_past_one_batch(nc):
    kv = await open_bucket(nc.jetstream(), "probe_direct", NatsSettings())
    for n in range(DIRECT_BATCH + 10):
        await nc.publish(f"$KV.probe_direct.acme.o{n}", b"x")
    await nc.publish("$KV.probe_direct.globex.o1", b"y")
    await nc.flush()
    js = nc.jetstream()

    async def stored() -> bool:
        return (await js.stream_info("KV_probe_direct")).state.messages == DIRECT_BATCH + 11

    await eventually(stored)
    keys = {key for key, _, _ in await last_values(kv, ["acme"])}

    assert keys == {f"acme.o{n}" for n in range(DIRECT_BATCH + 10)}
