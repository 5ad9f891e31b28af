"""A third-party metric, installed in tests only: orders confirmed more than a day after purchase ("slow
handling") over orders confirmed, by order date, 14 days, under 10%."""

from datetime import timedelta

from sellerops.contracts.health import OrderFacts, Target, TargetCondition
from sellerops.plugins.metrics import RatioMetric


def _slow(order: OrderFacts):
    if order.purchased_at is None or order.shipped_at is None:
        return []
    day = order.purchased_at.date()
    slow = order.shipped_at - order.purchased_at > timedelta(days=1)
    return [(day, "shipped")] + ([(day, "slow")] if slow else [])


SLOW_HANDLING = RatioMetric(
    name="slowHandlingRate", title="Slow Handling Rate", definition="orders confirmed over a day after purchase",
    window_days=14, target=Target(value=0.10, condition=TargetCondition.LESS_THAN), count=_slow,
    numerator="slow", denominator="shipped", numerator_field="slowCount", denominator_field="shippedCount")


def register(registry) -> None:
    registry.add(SLOW_HANDLING.name, SLOW_HANDLING)
