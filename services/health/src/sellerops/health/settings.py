"""Health settings: SELLEROPS_HEALTH_* plus the shared runtime settings (SELLEROPS_*).

The metrics' windows and targets are their plugins' defaults, overridable per seller and marketplace
(`set_metric_settings`, `sellerops health set`); the rating rules and the forecast are deployment-wide.
Nested values come as JSON, e.g. SELLEROPS_HEALTH_RATING='{"warning_penalty": 150}', or one at a time,
e.g. SELLEROPS_HEALTH_RATING__WARNING_PENALTY=150.
"""

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from sellerops.runtime.settings import RuntimeSettings


class RatingSettings(BaseModel):
    start: int = Field(default=1000, ge=0, le=1000)
    penalties: dict[str, int] = Field(default_factory=lambda: {
        "orderDefectRate": 850, "lateShipmentRate": 300, "lateShipmentRate10Day": 150,
        "preFulfillmentCancellationRate": 300, "validTrackingRate": 150, "validTrackingRate7Day": 0,
        "onTimeDeliveryRate": 100,
        # Contact response is shown on the page but not part of the rating (Seller Central): no points.
        "contactResponseRate7Day": 0, "contactResponseRate30Day": 0, "contactResponseRate90Day": 0})
    default_penalty: int = Field(default=100, ge=0, description="a BAD metric without its own penalty")
    warning_penalty: int = Field(default=100, ge=0, description="per open policy warning")
    healthy_from: int = Field(default=200, ge=0, le=1000)
    at_risk_from: int = Field(default=100, ge=0, le=1000)
    at_risk_metrics: list[str] = Field(default_factory=lambda: [
        "orderDefectRate", "preFulfillmentCancellationRate", "lateShipmentRate"])


class ForecastSettings(BaseModel):
    forecast_days: float = Field(default=7.0, gt=0, description="warn when the target would be crossed this soon")
    trend_days: int = Field(default=7, ge=1, description="the trend is the change over this many days")
    min_denominator: int = Field(default=20, ge=1, description="fewer orders than this: no forecast")


class HealthSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SELLEROPS_HEALTH_", env_nested_delimiter="__", extra="ignore")

    runtime: RuntimeSettings = Field(default_factory=RuntimeSettings)
    metrics: list[str] = Field(default_factory=list, description="metric plugins to load (empty: all installed)")
    keep_processed: int = Field(default=64, ge=8, description="message ids remembered per order for dedupe")
    keep_day_deltas: int = Field(default=512, ge=64,
                                 description="order changes remembered per seller-day once their order has "
                                             "cleared them (12 bytes each); until then a change's id is held "
                                             "whatever comes after, so a re-add after a crash is always "
                                             "recognised")
    evaluate_every_s: float = Field(default=2.0, gt=0, description="how soon a change is checked for red flags")
    evaluate_all_every_s: float = Field(default=3600.0, gt=0,
                                        description="every seller is re-checked this often (windows move on)")
    history_after_s: float = Field(default=300.0, ge=0,
                                   description="an as-of older than this is answered from history (time travel)")
    rating: RatingSettings = Field(default_factory=RatingSettings)
    forecast: ForecastSettings = Field(default_factory=ForecastSettings)
