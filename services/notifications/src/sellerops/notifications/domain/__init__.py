"""The notifications domain (pure)."""
