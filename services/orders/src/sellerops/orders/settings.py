"""Orders settings: SELLEROPS_ORDERS_* plus the shared runtime settings (SELLEROPS_*)."""

from datetime import timedelta

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from sellerops.orders.domain import Policy
from sellerops.runtime.settings import RuntimeSettings


class OrdersSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SELLEROPS_ORDERS_", extra="ignore")

    runtime: RuntimeSettings = Field(default_factory=RuntimeSettings)
    keep_processed: int = Field(default=64, ge=8, description="message ids remembered per order for dedupe")
    # No public source gives how long the marketplace waits for a payment authorization; a setting.
    payment_expiry_hours: float = Field(default=168.0, gt=0, description="Pending orders unpaid this long are canceled")
    buyer_cancel_window_minutes: float = Field(default=30.0, ge=0, description="buyer cancellations apply at once within this")
    ship_by_at_risk_hours: float = Field(default=24.0, ge=0, description="warn this long before the latest ship date")
    # docs/domain.md: unconfirmed orders auto-cancel 7 business days after the ship date (a Brazil rule); a setting.
    auto_cancel_after_days: float = Field(default=7.0, gt=0, description="cancel unshipped orders this long past ship-by")

    def policy(self) -> Policy:
        return Policy(
            payment_expiry=timedelta(hours=self.payment_expiry_hours),
            buyer_cancel_window=timedelta(minutes=self.buyer_cancel_window_minutes),
            ship_by_at_risk_before=timedelta(hours=self.ship_by_at_risk_hours),
            auto_cancel_after=timedelta(days=self.auto_cancel_after_days),
        )
