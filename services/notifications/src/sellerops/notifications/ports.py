"""What the notifications handlers need from the world, as Protocols (fakes need not inherit)."""

from sellerops.plugins.channels import Channel
from sellerops.runtime.clock import Clock
from sellerops.runtime.publisher import Publisher
from sellerops.runtime.state import HoldingStore, KeyedStore as Store

__all__ = ["Channel", "Clock", "HoldingStore", "Publisher", "Store"]
