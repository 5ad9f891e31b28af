"""The composition root: binds handlers to real adapters, or to the fakes a test passes in."""

import random
from collections.abc import Callable, Mapping
from datetime import timedelta
from functools import partial

from sellerops.notifications import handlers
from sellerops.notifications.adapters import DELIVERIES, DIGESTS, MESSAGES, REVIEWS, stores
from sellerops.notifications.domain import deliveries, messaging, reviews
from sellerops.notifications.domain.deliveries import DeliveryPolicy
from sellerops.notifications.ports import Channel, Clock, Publisher
from sellerops.notifications.settings import NotificationsSettings
from sellerops.plugins.channels import ChannelPlugin, registry
from sellerops.plugins.loader import load
from sellerops.runtime.deadlines import DeadlineScheduler, deadline_jobs
from sellerops.runtime.host import BoundHandlers, Resources


def load_channels(allow: list[str] | None = None) -> dict[str, ChannelPlugin]:
    found = load(registry().group, registry(), allow=allow or ())
    return {name: found.get(name) for name in found.names()}


def policies(settings: NotificationsSettings) -> tuple[DeliveryPolicy, messaging.MessagingPolicy, reviews.ReviewPolicy]:
    d, m, r = settings.delivery, settings.messaging, settings.reviews
    return (DeliveryPolicy(max_attempts=d.max_attempts, backoff_s=d.backoff_s, max_backoff_s=d.max_backoff_s,
                           breaker_failures=d.breaker_failures, breaker_cooldown_s=d.breaker_cooldown_s,
                           keep_finished_days=d.keep_finished_days),
            messaging.MessagingPolicy(reply_hours=m.reply_hours, remind_hours_left=m.remind_hours_left),
            reviews.ReviewPolicy(enabled=r.enabled, delay_days=r.delay_days))


def build(*, stores: dict, publish: Publisher, clock: Clock, channels: Mapping[str, Channel],
          plugins: Mapping[str, ChannelPlugin], policy: DeliveryPolicy = DeliveryPolicy(),
          messaging_policy: messaging.MessagingPolicy = messaging.MessagingPolicy(),
          review_policy: reviews.ReviewPolicy = reviews.ReviewPolicy(), deadline_clock: Clock | None = None,
          max_age: timedelta = timedelta(days=7), jitter: Callable[[], float] = random.random) -> BoundHandlers:
    """`clock` times deliveries (wall time); messages and review requests go by `deadline_clock` (event time)."""
    prefs, dels, digests = stores["prefs"], stores["deliveries"], stores["digests"]
    msgs, revs, circuits = stores["messages"], stores["reviews"], stores["circuits"]
    h = handlers
    notify = partial(h.on_event, prefs=prefs, deliveries_store=dels, digests=digests, publish=publish, clock=clock,
                     max_age=max_age, context=h.order_context(revs))
    bound = {
        "on_event": notify,
        "on_order_fact": partial(h.on_order_fact, reviews_store=revs, review_policy=review_policy, notify=notify),
        "on_buyer_message": partial(h.on_buyer_message, messages=msgs, publish=publish, policy=messaging_policy),
        "set_preferences": partial(h.set_preferences, prefs=prefs, plugins=plugins, channels=channels, clock=clock),
        "get_preferences": partial(h.get_preferences, prefs=prefs),
        "get_endpoint_secret": partial(h.get_endpoint_secret, prefs=prefs),
        "list_deliveries": partial(h.list_deliveries, deliveries_store=dels),
        "redeliver": partial(h.redeliver, deliveries_store=dels, clock=clock),
        # A seller's reply happens now (wall time), even while a consumer replays a backlog in event time.
        "reply_to_message": partial(h.reply_to_message, messages=msgs, publish=publish, clock=clock),
        "mark_no_response_needed": partial(h.mark_no_response_needed, messages=msgs, publish=publish, clock=clock),
        "list_messages": partial(h.list_messages, messages=msgs, clock=clock),
    }
    timing = deadline_clock or clock
    schedulers = {
        DELIVERIES: DeadlineScheduler(due_of=deliveries.deadlines, clock=clock, fire=partial(
            h.attempt, deliveries_store=dels, circuits=circuits, prefs=prefs, channels=channels, publish=publish,
            clock=clock, policy=policy, jitter=jitter)),
        DIGESTS: DeadlineScheduler(due_of=h.digest_deadlines, clock=clock, fire=partial(
            h.send_digest, digests=digests, deliveries_store=dels, prefs=prefs)),
        MESSAGES: DeadlineScheduler(due_of=messaging.deadlines, clock=timing,
                                    fire=partial(h.on_message_deadline, messages=msgs, publish=publish)),
        REVIEWS: DeadlineScheduler(due_of=reviews.deadlines, clock=timing,
                                   fire=partial(h.on_review_deadline, reviews_store=revs, publish=publish,
                                                clock=timing)),
    }
    return BoundHandlers(bound, schedulers)


def build_from(resources: Resources, settings: NotificationsSettings) -> tuple[BoundHandlers, list]:
    found = stores(resources.buckets, keep=settings.keep_processed)
    plugins = load_channels(settings.channel_plugins)
    channels = {name: plugin.create(settings.channels.get(name, {})) for name, plugin in plugins.items()}
    policy, messaging_policy, review_policy = policies(settings)
    built = build(stores=found, publish=resources.publisher, clock=resources.clock, channels=channels,
                  plugins=plugins, policy=policy,
                  messaging_policy=messaging_policy, review_policy=review_policy,
                  deadline_clock=resources.stream_clock, max_age=timedelta(hours=settings.max_event_age_h))
    settle = settings.runtime.delivery.deadline_settle_s
    background = []
    for bucket, scheduler in built.schedulers.items():
        store = found[{DELIVERIES: "deliveries", DIGESTS: "digests", MESSAGES: "messages", REVIEWS: "reviews"}[bucket]]
        # A delivery or digest already due goes at once; event-time deadlines wait out the settle (a backlog).
        background += deadline_jobs(scheduler, resources.buckets[bucket], store.decode_state,
                                    settle_s=0.0 if bucket in (DELIVERIES, DIGESTS) else settle,
                                    on_fired=resources.metrics.deadline if resources.metrics else None,
                                    partitions=resources.partitions)
    return built, background
