"""sellerops notifications: preferences, channels, the reply clock, review requests."""
