"""The private names of FastStream and nats-py the runtime relies on, checked against the pinned versions.

Where a public API serves, the runtime uses it (the request's subject, the client's max_payload, a KV watcher's
`updates`, a rich column's `cells`). Three paths have no public way yet, so shared/pyproject.toml pins
faststream to 0.7.8.x and nats-py to 2.16.x and this file fails, naming the module to revisit, the day a
name they use moves:

- runtime/compat.py replaces FastStream's batch pull loop `BatchPullStreamSubscriber._consume_pull` (the eager
  loop, for the measured reasons in its comments) and wraps nats-py's `PullSubscription.fetch`;
- runtime/direct.py and runtime/index.py read a nats-py KeyValue's stream, bucket name and JetStream context
  (`_stream`, `_name`, `_js`) and a JetStream context's connection (`_nc`) to read a bucket's stream directly.
"""

import inspect
from importlib.metadata import version

import nats.errors
from faststream.nats import JStream, NatsBroker
from faststream.nats.subscriber.usecases import stream_pull_subscriber
from faststream.nats.subscriber.usecases.stream_pull_subscriber import BatchPullStreamSubscriber
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.kv import KeyValue

from sellerops.runtime.compat import EagerPullSub, batches_as_they_arrive, typed_fetch_timeouts


def test_the_pins_hold_the_versions_these_names_were_read_in():
    assert version("faststream").startswith("0.7.8"), "runtime/compat.py was written against faststream 0.7.8"
    assert version("nats-py").startswith("2.16."), "runtime/compat, direct, index were written against nats-py 2.16"


def test_faststream_still_runs_its_batch_loop_by_the_name_compat_replaces():
    create = inspect.getsource(BatchPullStreamSubscriber._create_subscription)
    assert "self.add_task(self._consume_pull)" in create, (
        "FastStream no longer starts BatchPullStreamSubscriber._consume_pull: runtime/compat.py "
        "batches_as_they_arrive replaces a loop that is not run any more")
    batches_as_they_arrive()
    loop = BatchPullStreamSubscriber._consume_pull
    assert inspect.iscoroutinefunction(loop) and list(inspect.signature(loop).parameters) == ["self"]


def test_a_subscriber_given_an_eager_pull_sub_has_what_the_eager_loop_reads():
    broker = NatsBroker()
    subscriber = broker.subscriber("market.*.order.*", stream=JStream("MARKET", declare=False), durable="probe",
                                   pull_sub=EagerPullSub(batch_size=8, idle_s=1.0, drain_s=0.005))
    assert isinstance(subscriber, BatchPullStreamSubscriber)
    assert (subscriber.pull_sub.batch_size, subscriber.pull_sub.timeout, subscriber.pull_sub.drain_s) == (8, 1.0, 0.005)
    for name in ("subscription", "running", "consume"):
        assert hasattr(subscriber, name), f"runtime/compat.py's eager loop reads subscriber.{name}"


def test_faststream_still_catches_only_the_nats_timeout_that_compat_makes_fetch_raise():
    source = inspect.getsource(stream_pull_subscriber)
    assert "from nats.errors import ConnectionClosedError, TimeoutError" in source, (
        "FastStream's pull loop now catches another TimeoutError: check whether runtime/compat.py "
        "typed_fetch_timeouts is still needed")
    assert issubclass(nats.errors.TimeoutError, TimeoutError)


def test_nats_fetch_keeps_the_signature_compat_wraps():
    typed_fetch_timeouts()
    fetch = inspect.unwrap(JetStreamContext.PullSubscription.fetch)
    assert list(inspect.signature(fetch).parameters)[:3] == ["self", "batch", "timeout"]


def test_a_key_value_keeps_its_stream_name_and_jetstream_context_where_state_and_index_read_them():
    nc = Client()  # never connected: only the objects' wiring is read
    js = nc.jetstream()
    kv = KeyValue(name="orders", stream="KV_orders", pre="$KV.orders.", js=js, direct=False)
    assert (kv._stream, kv._name, kv._js) == ("KV_orders", "orders", js), (
        "nats-py's KeyValue moved _stream/_name/_js: runtime/direct.py latest_values and runtime/index.py read them")
    assert js._nc is nc, "nats-py's JetStreamContext moved _nc: runtime/index.py reads it"
