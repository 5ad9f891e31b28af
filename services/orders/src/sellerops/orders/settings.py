"""Orders settings: SELLEROPS_ORDERS_* plus the shared runtime settings (SELLEROPS_*)."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from sellerops.runtime.settings import RuntimeSettings


class OrdersSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SELLEROPS_ORDERS_", extra="ignore")

    runtime: RuntimeSettings = Field(default_factory=RuntimeSettings)
    keep_processed: int = Field(default=64, ge=8, description="message ids remembered per order for dedupe")
