"""What every fulfillment decision shares (the shared decision kit, re-exported for the domain modules)."""

from sellerops.runtime.decisions import Cause, NotFound, Refused, envelope, history, requested, stamp

__all__ = ["Cause", "NotFound", "Refused", "envelope", "history", "requested", "stamp"]
