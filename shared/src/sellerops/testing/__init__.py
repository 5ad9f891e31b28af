"""Test helpers for sellerops services: a real nats-server fixture and small fakes."""
