"""Built-in ingest adapters (`sellerops.ingest` plugins): SP-API documents and Seller Central flat files, read in
`domain`, registered by `plugin`. `sellerops ingest SELLER FILE...` loads them through the `builtin` entry point."""
