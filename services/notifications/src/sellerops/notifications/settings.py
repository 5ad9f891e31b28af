"""Notifications settings: SELLEROPS_NOTIFICATIONS_* plus the shared runtime settings (SELLEROPS_*).

Channel settings are per channel, as JSON or one at a time:
SELLEROPS_NOTIFICATIONS_CHANNELS='{"email": {"host": "smtp.example.com", "port": 587, "start_tls": true,
"username": "...", "password": "...", "from_address": "alerts@example.com"}, "webhook": {"timeout_s": 10}}'.
"""

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from sellerops.runtime.settings import RuntimeSettings


class DeliverySettings(BaseModel):
    max_attempts: int = Field(default=10, ge=1)
    backoff_s: float = Field(default=5.0, gt=0, description="the first retry waits about this long, then doubles")
    max_backoff_s: float = Field(default=3600.0, gt=0)
    breaker_failures: int = Field(default=5, ge=1, description="failures in a row that open an endpoint's circuit")
    breaker_cooldown_s: float = Field(default=300.0, gt=0, description="an open circuit is probed after this long")
    keep_finished_days: float = Field(
        default=30.0, gt=0, description="a delivered or failed delivery is deleted this long after it finished (its "
        "events stay in the stream); at least max_event_age_h, so a replayed event cannot send it again")


class MessagingSettings(BaseModel):
    reply_hours: float = Field(default=24.0, gt=0, description="a buyer message's reply deadline")
    remind_hours_left: list[float] = Field(default_factory=lambda: [12.0, 2.0])


class ReviewSettings(BaseModel):
    enabled: bool = True
    delay_days: float = Field(default=0.0, ge=0, description="after the window opens (clamped inside it)")


class NotificationsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SELLEROPS_NOTIFICATIONS_", env_nested_delimiter="__",
                                      extra="ignore")

    runtime: RuntimeSettings = Field(default_factory=RuntimeSettings)
    keep_processed: int = Field(default=64, ge=8)
    max_event_age_h: float = Field(default=168.0, gt=0,
                                   description="events older than this raise no notification (a replayed backlog)")
    channels: dict[str, dict] = Field(default_factory=dict, description="settings per channel plugin")
    channel_plugins: list[str] = Field(default_factory=list, description="channel plugins to load (empty: all)")
    delivery: DeliverySettings = Field(default_factory=DeliverySettings)
    messaging: MessagingSettings = Field(default_factory=MessagingSettings)
    reviews: ReviewSettings = Field(default_factory=ReviewSettings)

    @model_validator(mode="after")
    def _keep_deliveries_past_replays(self) -> "NotificationsSettings":
        if self.delivery.keep_finished_days * 24 < self.max_event_age_h:
            raise ValueError(f"delivery.keep_finished_days ({self.delivery.keep_finished_days:g}) must cover "
                             f"max_event_age_h ({self.max_event_age_h:g} h): a delivery deleted sooner could be "
                             "sent again by a replayed event")
        return self
