"""The marketplace simulator: a seeded, reproducible model of what happens to sellers over simulated time."""

from sellerops.simulator.domain import SellerRequest, SimConfig, Step, simulate, ups_check_digit, ups_tracking_number

__all__ = ["SellerRequest", "SimConfig", "Step", "simulate", "ups_check_digit", "ups_tracking_number"]
