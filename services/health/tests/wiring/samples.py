"""Hand-made answers of the health service, as the CLI and the HTTP route get them."""

from datetime import UTC, date, datetime, timedelta

from sellerops.contracts.health import (
    AccountHealth, AccountStatus, Measure, RatingBand, Status, Target, TargetCondition,
)

AS_OF = datetime(2026, 11, 20, 23, 59, 59, tzinfo=UTC)
UNDER, AT_LEAST = TargetCondition.LESS_THAN, TargetCondition.GREATER_THAN


def measure(key: str, title: str, days: int, numerator: int, denominator: int, status: Status,
            target: Target) -> Measure:
    return Measure(key=key, metric=key.split(".")[0], title=title, window_days=days,
                   date_from=date(2026, 11, 20) - timedelta(days=days - 1), date_to=date(2026, 11, 20),
                   numerator=numerator, denominator=denominator,
                   rate=numerator / denominator if denominator else None, status=status, target=target)


MEASURES = [
    measure("orderDefectRate.mfn", "Order Defect Rate (seller-fulfilled)", 60, 2, 40, Status.BAD,
            Target(value=0.01, condition=UNDER)),
    measure("orderDefectRate.afn", "Order Defect Rate (FBA)", 60, 0, 0, Status.NONE,
            Target(value=0.01, condition=UNDER)),
    measure("validTrackingRate", "Valid Tracking Rate", 30, 39, 40, Status.GOOD,
            Target(value=0.95, condition=AT_LEAST)),
]


def account_health(**changes: object) -> AccountHealth:
    fields = {"seller": "demo-seller", "marketplace_id": "ATVPDKIKX0DER", "as_of": AS_OF, "from_history": False,
              "account_status": AccountStatus.AT_RISK, "rating": 150, "rating_band": RatingBand.AT_RISK,
              "measures": MEASURES, "warnings": [], "report": {"accountStatuses": []}}
    return AccountHealth(**{**fields, **changes})
