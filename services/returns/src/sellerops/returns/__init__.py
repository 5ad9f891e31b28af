"""sellerops-returns: return requests, FBA customer returns, A-to-z claims and chargebacks, case files."""
