"""The `sellerops` command line."""
