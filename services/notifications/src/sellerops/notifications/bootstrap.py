"""The composition root: binds handlers to real adapters, or to the fakes a test passes in."""

import random
from collections.abc import Callable, Mapping
from datetime import timedelta

from sellerops.notifications import handlers
from sellerops.notifications.adapters import DELIVERIES, DIGESTS, MESSAGES, REVIEWS, stores
from sellerops.notifications.domain import deliveries, messaging, reviews
from sellerops.notifications.domain.deliveries import DeliveryPolicy
from sellerops.notifications.ports import Channel, Clock, Publisher
from sellerops.notifications.settings import NotificationsSettings
from sellerops.plugins.channels import ChannelPlugin, registry
from sellerops.plugins.loader import load
from sellerops.runtime.deadlines import DeadlineScheduler, deadline_jobs
from sellerops.runtime.effects import PendingEffects
from sellerops.runtime.host import Resources
from sellerops.runtime.routes import Dependencies
from sellerops.runtime.service import Built


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


Watch = tuple[DeadlineScheduler, Callable[[bytes], object]]  # a bucket's scheduler, and how its watch decodes


def build(*, stores: dict, publish: Publisher, clock: Clock, channels: Mapping[str, Channel],
          plugins: Mapping[str, ChannelPlugin], policy: DeliveryPolicy = DeliveryPolicy(),
          messaging_policy: messaging.MessagingPolicy = messaging.MessagingPolicy(),
          review_policy: reviews.ReviewPolicy = reviews.ReviewPolicy(), deadline_clock: Clock | None = None,
          max_age: timedelta = timedelta(days=7), jitter: Callable[[], float] = random.random
          ) -> tuple[Dependencies, dict[str, Watch]]:
    """What the handlers take, by parameter name, and each deadline bucket's scheduler. `clock` times deliveries
    (wall time); messages and review requests go by `deadline_clock` (event time). Deliveries, messages and
    review requests keep the events they decide until published (runtime.effects)."""
    timing = deadline_clock or clock
    dels: PendingEffects[deliveries.Delivery, object] = PendingEffects(stores["deliveries"], publish, clock)
    msgs: PendingEffects[messaging.Message, object] = PendingEffects(stores["messages"], publish, timing)
    revs: PendingEffects[reviews.ReviewRequest, object] = PendingEffects(stores["reviews"], publish, timing)
    deps = Dependencies(prefs=stores["prefs"], deliveries_store=dels, digests=stores["digests"], messages=msgs,
                        reviews_store=revs, circuits=stores["circuits"], publish=publish, clock=clock,
                        deadline_clock=timing, max_age=max_age, context=handlers.order_context(revs),
                        review_policy=review_policy, policy=policy, channels=channels, plugins=plugins,
                        jitter=jitter, messaging_policy=messaging_policy)
    deps = deps.but(notify=deps.bind(handlers.on_event))
    schedulers: dict[str, Watch] = {
        DELIVERIES: (DeadlineScheduler(due_of=dels.due_of(deliveries.deadlines), clock=clock,
                                       fire=dels.fire(deps.bind_deadline(handlers.attempt))), dels.decode_watched),
        DIGESTS: (DeadlineScheduler(due_of=handlers.digest_deadlines, clock=clock,
                                    fire=deps.bind_deadline(handlers.send_digest)), stores["digests"].decode_state),
        MESSAGES: (DeadlineScheduler(due_of=msgs.due_of(messaging.deadlines), clock=timing, fire=msgs.fire(
            deps.bind_deadline(handlers.on_message_deadline))), msgs.decode_watched),
        REVIEWS: (DeadlineScheduler(due_of=revs.due_of(reviews.deadlines), clock=timing, fire=revs.fire(
            deps.bind_deadline(handlers.on_review_deadline))), revs.decode_watched),
    }
    return deps, schedulers


def build_from(resources: Resources, settings: NotificationsSettings) -> Built:
    found = stores(resources.buckets, keep=settings.keep_processed)
    plugins = load_channels(settings.channel_plugins)
    channels = {name: plugin.create(settings.channels.get(name, {})) for name, plugin in plugins.items()}
    policy, messaging_policy, review_policy = policies(settings)
    deps, schedulers = build(stores=found, publish=resources.publisher, clock=resources.clock, channels=channels,
                             plugins=plugins, policy=policy, messaging_policy=messaging_policy,
                             review_policy=review_policy, deadline_clock=resources.stream_clock,
                             max_age=timedelta(hours=settings.max_event_age_h))
    settle = settings.runtime.delivery.deadline_settle_s
    background = []
    for bucket, (scheduler, decode) in schedulers.items():
        # A delivery or digest already due goes at once; event-time deadlines wait out the settle (a backlog).
        background += deadline_jobs(scheduler, resources.buckets[bucket], decode,
                                    settle_s=0.0 if bucket in (DELIVERIES, DIGESTS) else settle,
                                    on_fired=resources.metrics.deadline if resources.metrics else None,
                                    partitions=resources.partitions)
    return Built(deps, background)
