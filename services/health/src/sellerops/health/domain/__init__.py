"""The health service domain (pure)."""
