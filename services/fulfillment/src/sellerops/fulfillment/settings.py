"""Fulfillment settings: SELLEROPS_FULFILLMENT_* plus the shared runtime settings (SELLEROPS_*).

Every window below is a default from docs/domain.md ("FBA inbound", "Inventory, removals and multi-channel fulfillment")
(most are marked there
as varying by marketplace or unconfirmed); an operator overrides them here.
"""

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from sellerops.runtime.settings import RuntimeSettings

if TYPE_CHECKING:
    from sellerops.fulfillment.domain import outbound, shipments


class FulfillmentSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SELLEROPS_FULFILLMENT_", extra="ignore")

    runtime: RuntimeSettings = Field(default_factory=RuntimeSettings)
    keep_processed: int = Field(default=64, ge=8, description="message ids remembered per aggregate for dedupe")
    keep_processed_stock: int = Field(
        default=256, ge=16, description="message ids remembered per SKU ledger (a SKU sees many more messages)")
    network_file: Path | None = Field(default=None,
                                      description="a JSON network of centers replacing the default US one")
    fees_file: Path | None = Field(default=None, description="a JSON placement-fee and transport-rate table")
    demand_window_days: float = Field(default=90.0, gt=0, description="placement learns where buyers are from the "
                                      "orders of this many days")
    demand_pseudo_units: float = Field(default=30.0, ge=0, description="units spread like the population added to "
                                       "each size tier's learned demand (a floor for SKUs with few orders)")
    buyers_file: Path | None = Field(default=None, description="a JSON table of buyer regions by ZIP3 (default: "
                                     "US population by ZIP3, data/us_zip3_population.json)")
    option_ttl_hours: float = Field(default=24.0, gt=0, description="how long a placement option can be confirmed")
    optimal_time_limit_s: float = Field(default=2.0, gt=0, description="time limit of the `optimal` solver")
    optimal_gap: float = Field(default=0.005, ge=0, description="relative gap at which `optimal` stops")
    # Reconciliation is 14-30 days after delivery, up to 60 (SC-eu:201214140): a case opens when it ends.
    reconciliation_days: float = Field(default=30.0, gt=0)
    # Missing inbound units: claims from 15 to 60 days after delivery (2024 rules, docs/domain.md, "FBA inbound").
    claim_opens_after_days: float = Field(default=15.0, ge=0)
    claim_window_days: float = Field(default=60.0, gt=0)
    claim_reminder_days: tuple[float, ...] = Field(default=(14.0, 3.0), description="remind this long before")
    # No public source for how long an MCF order stays Planning (cancellable) before Processing.
    planning_hold_minutes: float = Field(default=30.0, ge=0)
    fill_all_wait_hours: float = Field(default=24.0, gt=0, description="FillAll leftovers wait this long for stock")
    hold_limit_days: float = Field(default=14.0, gt=0, description="a held MCF order not released by then is cancelled")
    sourcing: str = Field(default="nearest", description="the sellerops.sourcing plugin that picks shipping centers")
    marketplaces: list[str] = Field(
        default=["ATVPDKIKX0DER"], min_length=1,
        description="the marketplaces the network's stock sells in: their own counts are set against the ledger")

    def shipment_policy(self) -> "shipments.Policy":
        from sellerops.fulfillment.domain.shipments import Policy

        return Policy(
            reconciliation_window=timedelta(days=self.reconciliation_days),
            claim_opens_after=timedelta(days=self.claim_opens_after_days),
            claim_window=timedelta(days=self.claim_window_days),
            reminders_before=tuple(timedelta(days=d) for d in self.claim_reminder_days),
        )

    def outbound_policy(self) -> "outbound.Policy":
        from sellerops.fulfillment.domain.outbound import Policy

        return Policy(planning_hold=timedelta(minutes=self.planning_hold_minutes),
                      fill_all_wait=timedelta(hours=self.fill_all_wait_hours),
                      hold_limit=timedelta(days=self.hold_limit_days))
