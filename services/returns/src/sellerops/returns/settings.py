"""Returns settings: SELLEROPS_RETURNS_* plus the shared runtime settings (SELLEROPS_*).

These are the deployment's default rules (docs/domain.md, "Returns and A-to-z claims"); a seller replaces them with
their own through `set_return_policy` (`sellerops returns policy-set`).
"""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from sellerops.contracts.returns import ReturnPolicy
from sellerops.runtime.settings import RuntimeSettings


class ReturnsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SELLEROPS_RETURNS_", extra="ignore")

    runtime: RuntimeSettings = Field(default_factory=RuntimeSettings)
    keep_processed: int = Field(default=64, ge=8, description="message ids remembered per aggregate for dedupe")
    keep_processed_dossier: int = Field(default=256, ge=16, description="message ids remembered per order dossier")
    return_window_days: float = Field(default=30.0, gt=0, description="in-policy return requests, after delivery")
    auto_authorize: bool = Field(default=True, description="authorize in-policy returns automatically")
    authorization_due_hours: float = Field(default=24.0, gt=0, description="manual authorization due (SC: 24 h)")
    auto_close_days: float = Field(default=50.0, gt=0, description="returns close after this long without action")
    refund_due_business_days: int = Field(default=2, ge=1, description="refund due after the item came back")
    claim_response_hours: float = Field(default=72.0, gt=0, description="A-to-z response deadline (48 or 72 h)")
    appeal_window_days: float = Field(default=30.0, gt=0, description="appeal a seller-funded grant within")

    def default_policy(self) -> ReturnPolicy:
        return ReturnPolicy(
            return_window_days=self.return_window_days, auto_authorize=self.auto_authorize,
            authorization_due_hours=self.authorization_due_hours, auto_close_days=self.auto_close_days,
            refund_due_business_days=self.refund_due_business_days,
            claim_response_hours=self.claim_response_hours, appeal_window_days=self.appeal_window_days)
