"""The simulated marketplace, pure: no I/O, no wall clock.

`simulate(config)` yields `Step`s in non-decreasing time: market facts (contract events, as an
integration would publish them) and the seller's own requests to the services (confirm a shipment,
reply to a buyer, refund a return, ...). All randomness comes from one `random.Random` per seller,
seeded from the config's seed and the seller's slug, so sellers are independent of each other and the
same config always gives the same steps.

Each order's whole lifecycle is drawn when it is placed and its future steps go on a heap; orders are
placed in time order, so the heap is drained up to each new placement and nothing comes out of order.

- `config`: what to simulate (`SimConfig`) and what comes out (`Step`, `SellerRequest`)
- `seller`: a seller's days, and `simulate`; `schedule` the queue and clock they are drawn on
- `orders`: one order's lifecycle; `restocking`: inbound plans and inventory adjustments
- `world`: products, warehouses, destinations, centers, what buyers write; `chance`: the seeded draws;
  `tracking`: UPS numbers
- `followups`: the steps that depend on what a service answered, and `Timeline`, which merges them in
"""

from sellerops.simulator.domain.config import SIM_IDS, SellerRequest, SimConfig, Step
from sellerops.simulator.domain.seller import simulate
from sellerops.simulator.domain.tracking import ups_check_digit, ups_tracking_number
from sellerops.simulator.domain.world import PRICES, PRODUCTS

__all__ = ["PRICES", "PRODUCTS", "SIM_IDS", "SellerRequest", "SimConfig", "Step", "simulate", "ups_check_digit",
           "ups_tracking_number"]
