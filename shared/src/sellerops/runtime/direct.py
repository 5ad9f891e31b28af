"""Reading a KV bucket's current values in batches, by JetStream's direct get (multi_last): many keys, or
every key under some prefixes, in one request and without a consumer. What the listing index (runtime.index)
and the partition leases (runtime.partitions) read with."""

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import KeyNotFoundError
from nats.js.kv import KeyValue

DIRECT_BATCH = 1024  # messages per direct-get request (more follow in further requests)
DIRECT_TIMEOUT_S = 20.0  # the longest wait for the next message of a direct get (a server busy catching up)


async def latest_values(kv: KeyValue, prefix: str) -> AsyncIterator[tuple[str, bytes]]:
    """The current value of every key under `prefix.`: a counted snapshot of the bucket's stream.

    Not nats-py's KV watcher: its "initial values done" marker can come before the values (seen
    here: 1 scan in 200 came back empty), so we ask the stream how many keys match and read the
    last message of each subject until we have them all. Deleted keys are skipped.
    """
    if hasattr(kv, "latest_values"):  # in-memory fakes
        async for item in kv.latest_values(prefix):
            yield item
        return
    js, stream, bucket = kv._js, kv._stream, kv._name  # noqa: SLF001  (nats-py keeps them private)
    subject = f"$KV.{bucket}.{prefix}.>"
    info = await js.stream_info(stream, subjects_filter=subject)
    expected = len(info.state.subjects or {})
    if not expected:
        return
    sub = await js.pull_subscribe(subject, stream=stream, config=ConsumerConfig(
        deliver_policy=DeliverPolicy.LAST_PER_SUBJECT, ack_policy=AckPolicy.NONE, inactive_threshold=30.0))
    cut = len(f"$KV.{bucket}.")
    try:
        seen = 0
        while seen < expected:
            try:
                batch = await sub.fetch(min(expected - seen, 512), timeout=5)
            except TimeoutError:
                break  # keys purged since we counted them
            for msg in batch:
                seen += 1
                if (msg.headers or {}).get("KV-Operation") not in ("DEL", "PURGE") and msg.data:
                    yield msg.subject[cut:], msg.data
    finally:
        await sub.unsubscribe()


async def last_values(kv: KeyValue, prefixes: Sequence[str]) -> list[tuple[str, bytes, int]]:
    """(key, value, revision) of every key under each `prefix.`, by JetStream's batched direct get (multi_last):
    one request for all the prefixes, no consumer (a consumer per read ran into the server's consumer limit
    when listings ran at once). Deleted keys are skipped. The bucket's stream is given allow_direct the first
    time (buckets are created without it). The server refuses more than about a thousand keys at once (413):
    then the prefixes are read in halves, and a single prefix that large by a consumer."""
    if not hasattr(kv, "_js"):  # the in-memory fake
        return [(k, v, (await kv.get(k)).revision) for p in prefixes async for k, v in kv.latest_values(p)]  # type: ignore[attr-defined, misc]
    found = await _multi_last(kv, [f"{p}.>" for p in prefixes])
    if found is not None:
        return found
    if len(prefixes) > 1:
        half = len(prefixes) // 2
        return [*await last_values(kv, prefixes[:half]), *await last_values(kv, prefixes[half:])]
    return [(k, v, 0) async for k, v in latest_values(kv, prefixes[0])]


async def values_of(kv: KeyValue, keys: Sequence[str]) -> dict[str, bytes]:
    """The value of each of `keys` that has one, in one batched direct get of those very keys, not a request
    per key: what a listing loads its page with (64 orders in one request instead of 64)."""
    if not hasattr(kv, "_js"):  # the in-memory fake
        values = {}
        for key in keys:
            try:
                values[key] = (await kv.get(key)).value
            except KeyNotFoundError:
                continue
        return {k: v for k, v in values.items() if v}
    found = await _multi_last(kv, list(keys)) if keys else []
    if found is None:  # more than the server reads at once
        half = len(keys) // 2
        return {**await values_of(kv, keys[:half]), **await values_of(kv, keys[half:])}
    return {key: value for key, value, _ in found}


async def _multi_last(kv: KeyValue, filters: list[str]) -> list[tuple[str, bytes, int]] | None:
    """The last value of every subject the key filters match, batch after batch; None when the server
    refuses that many at once (413)."""
    js, stream, bucket = kv._js, kv._stream, kv._name  # noqa: SLF001  (nats-py keeps them private)
    request: dict[str, Any] = {"multi_last": [f"$KV.{bucket}.{f}" for f in filters], "batch": DIRECT_BATCH}
    cut, found = len(f"$KV.{bucket}."), list[tuple[str, bytes, int]]()
    while True:
        status, last = await _direct_batch(js._nc, stream, request, found, cut)  # noqa: SLF001
        code = status.get("Status")
        if code == "503":  # direct get not allowed on this stream yet
            await _allow_direct(js, stream)
            continue
        if code == "413":
            return None
        if code != "204" or status.get("Nats-Num-Pending", "0") == "0" or last is None:
            return found  # 404: nothing under the filters
        request = {**request, "up_to_seq": int(status["Nats-UpTo-Sequence"]), "seq": last + 1}


async def count_values(kv: KeyValue, prefixes: Sequence[str]) -> int:
    """How many keys (deleted ones included) are under the prefixes: a multi_last request for one message,
    whose Nats-Num-Pending says how many more there are."""
    if not hasattr(kv, "_js"):  # the in-memory fake
        return len(await last_values(kv, prefixes))
    js, stream, bucket = kv._js, kv._stream, kv._name  # noqa: SLF001
    request = {"multi_last": [f"$KV.{bucket}.{p}.>" for p in prefixes], "batch": 1}
    inbox = js._nc.new_inbox()  # noqa: SLF001
    sub = await js._nc.subscribe(inbox)  # noqa: SLF001
    try:
        await js._nc.publish(f"$JS.API.DIRECT.GET.{stream}", json.dumps(request).encode(), reply=inbox)  # noqa: SLF001
        first = (await sub.next_msg(timeout=DIRECT_TIMEOUT_S)).headers or {}
    finally:
        await sub.unsubscribe()
    status = first.get("Status")
    if status == "413":
        return 1 << 30  # more than the server reads at once
    if status == "503":
        await _allow_direct(js, stream)
        return await count_values(kv, prefixes)
    return 0 if status else int(first.get("Nats-Num-Pending", "0")) + 1


async def _direct_batch(nc: Client, stream: str, request: dict[str, Any], found: list[tuple[str, bytes, int]],
                        cut: int) -> tuple[dict[str, str], int | None]:
    """One direct-get request: its messages appended to `found`; (the closing status headers, the last sequence).
    Read by a callback, not `next_msg`, which makes a task per message: a dense hour of ~500 entries took
    3-5x longer to read that way (28-51 ms against 8-18 ms, measured here), the cost that grew with a seller."""
    done: asyncio.Future[dict[str, str]] = asyncio.get_running_loop().create_future()
    last, got = None, 0

    async def on_message(msg: Msg) -> None:
        nonlocal last, got
        headers = msg.headers or {}
        if done.done():
            return
        if "Status" in headers:
            done.set_result(headers)
            return
        got += 1
        last = int(headers["Nats-Sequence"])
        if headers.get("KV-Operation") not in ("DEL", "PURGE") and msg.data:
            found.append((headers["Nats-Subject"][cut:], msg.data, last))

    sub = await nc.subscribe(nc.new_inbox(), cb=on_message)
    try:
        await nc.publish(f"$JS.API.DIRECT.GET.{stream}", json.dumps(request).encode(), reply=sub.subject)
        while True:  # DIRECT_TIMEOUT_S is the longest wait for the next message, not for the whole batch
            before = got
            try:
                return await asyncio.wait_for(asyncio.shield(done), DIRECT_TIMEOUT_S), last
            except TimeoutError:
                if got == before:
                    raise NatsTimeoutError from None
    finally:
        await sub.unsubscribe()


async def _allow_direct(js: JetStreamContext, stream: str) -> None:
    config = (await js.stream_info(stream)).config
    config.allow_direct = True
    await js.update_stream(config)


async def every_key(kv: KeyValue) -> AsyncIterator[str]:
    """Every live key of a bucket, read as headers only (what an index rebuild walks)."""
    if not hasattr(kv, "_js"):  # the in-memory fake
        for key in [k for k, v in kv._data.items() if v.value]:  # type: ignore[attr-defined]  # noqa: SLF001
            yield key
        return
    js, stream, bucket = kv._js, kv._stream, kv._name  # noqa: SLF001  (nats-py keeps them private)
    sub = await js.pull_subscribe(f"$KV.{bucket}.>", stream=stream, config=ConsumerConfig(
        deliver_policy=DeliverPolicy.LAST_PER_SUBJECT, ack_policy=AckPolicy.NONE, headers_only=True,
        inactive_threshold=30.0))
    cut, seen = len(f"$KV.{bucket}."), 0
    try:
        expected = (await sub.consumer_info()).num_pending or 0  # the last message of each key
        while seen < expected:
            try:
                batch = await sub.fetch(min(expected - seen, 1024), timeout=5)
            except TimeoutError:
                break
            for msg in batch:
                seen += 1
                if (msg.headers or {}).get("KV-Operation") not in ("DEL", "PURGE"):
                    yield msg.subject[cut:]
    finally:
        await sub.unsubscribe()
