"""sellerops dashboard service: live web pages for the fleet, each seller and the services."""
