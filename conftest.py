pytest_plugins = ["sellerops.testing.fixtures"]
