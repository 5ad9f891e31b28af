"""What the ingesters read, pure: a document's text and the seller in; facts, pieces still waiting for the rest
of their order, problems (by file position) and notes out. No I/O: `sellerops ingest` reads the files, keeps
the pending pieces in KV and publishes.

- `spapi`: SP-API notifications and Orders API documents (the `sp-api` ingester); `orders_api` joins orders
  and their items; `spapi_json` the JSON readers both use
- `flatfiles`: Seller Central flat-file reports, one ingester per report
"""
