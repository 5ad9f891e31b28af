"""The real stores: one KV key per aggregate (`<seller>.<id>`), with the ids of the messages applied to it."""

from nats.js.kv import KeyValue

from sellerops.returns.domain.claims import Claim
from sellerops.returns.domain.dossier import Dossier
from sellerops.returns.domain.policy import PolicyRecord
from sellerops.returns.domain.returns import Return
from sellerops.runtime.state import SellerKeyedStore

RETURNS = "returns_return"
CLAIMS = "returns_claim"
DOSSIERS = "returns_dossier"
POLICIES = "returns_policy"
BUCKETS = (RETURNS, CLAIMS, DOSSIERS, POLICIES)


def stores(buckets: dict[str, KeyValue], *, keep: int, keep_dossier: int) -> dict[str, SellerKeyedStore]:
    return {
        "returns": SellerKeyedStore(buckets[RETURNS], Return, "return_id", keep_processed=keep),
        "claims": SellerKeyedStore(buckets[CLAIMS], Claim, "claim_id", keep_processed=keep),
        "dossiers": SellerKeyedStore(buckets[DOSSIERS], Dossier, "order_id", keep_processed=keep_dossier),
        "policies": SellerKeyedStore(buckets[POLICIES], PolicyRecord, "policy", keep_processed=keep),
    }
