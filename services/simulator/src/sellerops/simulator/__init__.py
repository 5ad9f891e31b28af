"""The marketplace simulator: a seeded, reproducible model of what happens to sellers over simulated time."""

from sellerops.simulator.model import SellerRequest, SimConfig, Step, simulate, ups_check_digit, ups_tracking_number

__all__ = ["SellerRequest", "SimConfig", "Step", "simulate", "ups_check_digit", "ups_tracking_number"]
