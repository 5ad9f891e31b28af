"""The seller's world: its products, warehouses, the buyers' destinations, the network's centers, and what
buyers write."""

from decimal import Decimal

import msgspec

from sellerops.contracts.inbound import SizeTier
from sellerops.contracts.returns import Disposition


class Product(msgspec.Struct, frozen=True):
    sku: str
    asin: str
    title: str
    price: Decimal
    unit_weight_kg: float
    size_tier: SizeTier


_S, _L = SizeTier.SMALL_STANDARD, SizeTier.LARGE_STANDARD
# sku, title, price, unit weight (kg), size tier
PRODUCTS = [
    ("MUG-BLUE-12OZ", "Ceramic mug, blue, 12 oz", "14.99", 0.45, _L),
    ("MUG-RED-12OZ", "Ceramic mug, red, 12 oz", "14.99", 0.45, _L),
    ("TEA-SAMPLER", "Loose leaf tea sampler, 8 tins", "24.50", 0.6, _L),
    ("COASTER-CORK-6", "Cork coasters, set of 6", "9.99", 0.15, _S),
    ("KETTLE-GOOSE-1L", "Gooseneck kettle, 1 l", "39.00", 1.1, _L),
    ("TEAPOT-GLASS", "Glass teapot with infuser", "29.95", 0.8, _L),
    ("SPOON-SET-4", "Tea spoons, set of 4", "7.49", 0.1, _S),
    ("HONEY-RAW-500G", "Raw honey, 500 g", "12.00", 0.7, _L),
]
PRICES = {sku: Decimal(price) for sku, _, price, _, _ in PRODUCTS}
WAREHOUSES = [("Main warehouse", "1200 Commerce Way", "Reno", "NV", "89502"),
               ("Back room", "48 Mill Street", "Burlington", "VT", "05401"),
               ("Unit 7", "3300 Industrial Blvd", "Columbus", "OH", "43219"),
               ("Dock B", "910 Harbor Road", "Savannah", "GA", "31401")]
# Lines and units of an average order (80% one line, 15% of lines carry 2-3 units): sizes a restock.
UNITS_PER_ORDER = (0.8 * 1 + 0.2 * 2) * (0.85 + 0.15 * 2.5)
DESTINATIONS = [("10001", "NY"), ("94103", "CA"), ("60614", "IL"), ("73301", "TX"), ("98101", "WA"),
                 ("33101", "FL"), ("02108", "MA"), ("80202", "CO"), ("30303", "GA"), ("85004", "AZ")]
CENTERS = ["PHX7", "ONT8", "BFI4", "MDW2", "JFK8", "DFW7"]
RETURN_REASONS = [("DEFECTIVE", "it stopped working after a week"), ("NO_LONGER_NEEDED", None),
                   ("DAMAGED_BY_CARRIER", "the box was crushed"), ("NOT_AS_DESCRIBED", "smaller than pictured"),
                   ("ORDERED_WRONG_ITEM", None)]
DISPOSITIONS = [(Disposition.SELLABLE, 0.6), (Disposition.CUSTOMER_DAMAGED, 0.15), (Disposition.DEFECTIVE, 0.15),
                 (Disposition.CARRIER_DAMAGED, 0.05), (Disposition.FULFILLER_DAMAGED, 0.05)]
MESSAGES = [
    ("Delivery date", "Hi, this is a gift for the weekend. Will it arrive by Friday? Thanks!"),
    ("Where is my order", "The tracking has not moved for two days. Can you check on it?"),
    ("Question about the item", "Is this dishwasher safe?"),
    ("Damaged item", "It arrived with a crack down the side. The box looked fine. What can I do?"),
    ("Thank you", "Just wanted to say thanks, it is lovely."),
]
COMMENTS = {5: "Great seller, fast shipping.", 4: "Good, as described.", 3: "OK, took a while to arrive.",
             2: "Arrived late and the box was damaged.", 1: "Never again: late and broken."}
