"""sellerops orders service: a seller's orders, their lifecycle and shipment confirmation."""
