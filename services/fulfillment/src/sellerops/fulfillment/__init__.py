"""The fulfillment service: what a fulfillment network does for a seller."""
