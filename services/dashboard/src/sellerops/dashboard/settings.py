"""Dashboard settings: SELLEROPS_DASHBOARD_* plus the shared runtime settings (SELLEROPS_*).

The NATS connection (URL, and SELLEROPS_NATS_USER_CREDENTIALS where authorization is on: the read-only
credentials are enough unless `operator` is set) is the shared runtime's.
"""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from sellerops.runtime.settings import RuntimeSettings


class DashboardSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SELLEROPS_DASHBOARD_", extra="ignore")

    runtime: RuntimeSettings = Field(default_factory=RuntimeSettings)
    host: str = Field(default="127.0.0.1", description="where the web pages listen (0.0.0.0 in a pod)")
    port: int = Field(default=8800, ge=0, le=65535, description="the web pages' port")
    operator: bool = Field(default=False, description="show the dead-letter replay button (needs credentials "
                                                      "that may publish to the original subjects)")
    page_size: int = Field(default=50, ge=1, le=500, description="sellers per fleet page")
    refresh_every_s: float = Field(default=2.0, gt=0, description="how often touched sellers' numbers are asked for")
    refresh_rounds: int = Field(default=2, ge=1, description="rounds a touched seller is asked for (health counts "
                                                             "the same facts a moment later)")
    refresh_all_every_s: float = Field(default=3600.0, gt=0, description="every known seller is asked this often")
    trend_days: int = Field(default=90, ge=7, le=365, description="the seller page's trend reaches this far back")
    trend_step_days: int = Field(default=7, ge=1, description="one time-travel answer per this many days")
    ask_timeout_s: float = Field(default=10.0, gt=0, description="a question to the health service")
    history_timeout_s: float = Field(default=60.0, gt=0, description="a time-travel question (health replays the "
                                                                     "seller's history for each)")
    probe_every_s: float = Field(default=5.0, gt=0, description="services, lag and dead letters are read this often")
    keep_processed: int = Field(default=16, ge=4, description="message ids remembered per index record")
