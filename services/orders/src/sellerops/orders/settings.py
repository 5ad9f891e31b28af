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

    def policy(self) -> Policy:
        return Policy(payment_expiry=timedelta(hours=self.payment_expiry_hours))
