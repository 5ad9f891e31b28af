"""The broker factory and the idempotent declaration of streams, buckets and durable consumers."""

from collections.abc import Collection, Sequence

import structlog
from faststream.nats import NatsBroker
from nats.js import JetStreamContext
from nats.js.api import (
    AckPolicy as JsAckPolicy,
)
from nats.js.api import (
    ConsumerConfig,
    DeliverPolicy,
    KeyValueConfig,
    StorageType,
    StreamConfig,
)
from nats.js.errors import BadRequestError, BucketNotFoundError, NotFoundError
from nats.js.kv import KeyValue

from sellerops.contracts.streams import StreamSpec, all_streams
from sellerops.runtime.settings import DeliverySettings, NatsSettings, RuntimeSettings

log = structlog.get_logger("sellerops.broker")
DAY_S = 86_400.0


def create_broker(settings: RuntimeSettings, service: str) -> NatsBroker:
    """A broker whose handlers get raw messages (we decode with msgspec ourselves, per message, so one
    malformed event is dead-lettered alone) and that never logs per message unless asked to."""
    from sellerops.auth.connect import connect_options, tls_options

    # its own credentials and reply inbox, and TLS, when given
    extra = {**connect_options(settings.nats.user_credentials), **tls_options(settings.nats)}
    return NatsBroker(
        settings.nats.url,
        name=f"sellerops-{service}",
        apply_types=False,
        js_options={"timeout": settings.nats.publish_timeout_s},
        max_reconnect_attempts=-1,
        reconnect_time_wait=1,
        **({} if settings.faststream_logs else {"logger": None}),
        **extra,
    )


def stream_config(spec: StreamSpec, nats: NatsSettings) -> StreamConfig:
    max_age = nats.max_age_days * DAY_S
    window = nats.duplicate_window_s if not max_age else min(nats.duplicate_window_s, max_age)
    return StreamConfig(
        name=spec.name, subjects=list(spec.subjects), description=spec.description,
        storage=StorageType.FILE, num_replicas=nats.replicas, duplicate_window=window, max_age=max_age,
    )


async def declare_streams(js: JetStreamContext, nats: NatsSettings, *, only: Collection[str] | None = None) -> None:
    """Create or update the streams (`only` these names, when given)."""
    for spec in all_streams():
        if only is not None and spec.name not in only:
            continue
        config = stream_config(spec, nats)
        try:
            await js.add_stream(config)
        except BadRequestError as exc:  # exists with another configuration: bring it to ours
            log.info("stream_updated", stream=spec.name, why=exc.description)
            await js.update_stream(config)


async def open_bucket(js: JetStreamContext, name: str, nats: NatsSettings) -> KeyValue:
    try:
        return await js.key_value(name)
    except (BucketNotFoundError, NotFoundError):
        return await js.create_key_value(
            KeyValueConfig(bucket=name, history=1, replicas=nats.replicas, storage=StorageType.FILE)
        )


def consumer_config(durable: str, filters: str | Sequence[str], delivery: DeliverySettings) -> ConsumerConfig:
    """A durable's settings; `filters`: one subject, or several (a consumer of only some facts of an entity)."""
    subjects = [filters] if isinstance(filters, str) else list(filters)
    return ConsumerConfig(
        durable_name=durable,
        filter_subject=subjects[0] if len(subjects) == 1 else None,
        filter_subjects=subjects if len(subjects) > 1 else None,
        deliver_policy=DeliverPolicy.ALL,
        ack_policy=JsAckPolicy.EXPLICIT,
        ack_wait=delivery.ack_wait_s,
        max_deliver=delivery.server_max_deliver,  # past the dispatcher's own limit (see runtime.delivery)
        max_ack_pending=max(1000, delivery.batch_size * 8),
    )


async def declare_consumer(js: JetStreamContext, stream: str, config: ConsumerConfig) -> None:
    """Create the durable, or update it when a new deploy changed its settings."""
    await js.add_consumer(stream, config)
