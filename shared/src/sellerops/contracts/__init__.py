"""Typed event contracts shared by every sellerops service and integration."""
