"""sellerops health: account health computed live from the events."""
