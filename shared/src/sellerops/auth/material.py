"""The authorization folder: keys, signed JWTs, credentials files and the server's configuration fragment.

    DIR/keys/            operator, account and system-account seeds, the revocation list (private, 0600)
    DIR/system.creds     a system-account user: pushes an updated account to a running server
    DIR/operator.creds   operators (dead letters, replays, secrets)       DIR/readonly.creds  dashboards
    DIR/services/<service>.creds                                            DIR/sellers/<seller>.creds
    DIR/server/auth.conf the server's authorization, included by its configuration

NATS decentralized auth: the operator signs two accounts (SELLEROPS, where everything runs, with
JetStream; SYS, the server's own), the SELLEROPS account signs one user JWT per role. Revoking a user
re-signs the account with the user's key in its revocation list; a server running a `full` resolver
takes the new account JWT at once (see `live`) and disconnects and refuses the user from then on.
Keys and JWTs come from `nkeys` and `nats-jwt`.
"""

import json
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import nkeys
from nats_jwt.nkeys_ext import create_account_pair, create_operator_pair, create_user_pair
from nats_jwt.v2.account_claims import AccountClaims
from nats_jwt.v2.operator_claims import OperatorClaims
from nats_jwt.v2.user_claims import UserClaims

from sellerops.auth.roles import (
    Grants, ServiceScope, observer_grants, operator_grants, readonly_grants, seller_grants, service_grants,
)
from sellerops.contracts.subjects import seller_token

ACCOUNT = "SELLEROPS"
DEFAULT_RESOLVER_DIR = "/data/jwt"  # on the NATS volume, beside the JetStream store (deploy/)
CREDS = """-----BEGIN NATS USER JWT-----
{jwt}
------END NATS USER JWT------

************************* IMPORTANT *************************
NKEY Seed printed below can be used to sign and prove identity.
NKEYs are sensitive and should be treated as secrets.

-----BEGIN USER NKEY SEED-----
{seed}
------END USER NKEY SEED------

*************************************************************
"""


class AuthError(RuntimeError):
    pass


def write_private(path: Path, text: str) -> None:
    """Write a secret readable by its owner only (created 0600, never world-readable in between)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)


@dataclass(frozen=True)
class AuthDir:
    root: Path

    @property
    def keys(self) -> Path:
        return self.root / "keys"

    @property
    def operator(self) -> Path:
        return self.root / "operator.creds"

    @property
    def readonly(self) -> Path:
        return self.root / "readonly.creds"

    @property
    def system(self) -> Path:
        return self.root / "system.creds"

    @property
    def server_conf(self) -> Path:
        return self.root / "server" / "auth.conf"

    def service(self, name: str) -> Path:
        return self.root / "services" / f"{name}.creds"

    def seller(self, seller: str) -> Path:
        return self.root / "sellers" / f"{seller_token(seller)}.creds"

    def seed(self, name: str) -> nkeys.KeyPair:
        try:
            return nkeys.from_seed((self.keys / f"{name}.nk").read_bytes().strip())
        except FileNotFoundError:
            raise AuthError(f"{self.root} has no {name} key: run `sellerops auth init {self.root}` first") from None

    def exists(self) -> bool:
        return (self.keys / "operator.nk").exists()

    def revocations(self) -> dict[str, dict]:
        path = self.keys / "revocations.json"
        return json.loads(path.read_text()) if path.exists() else {}


def _account_claims(auth: AuthDir) -> AccountClaims:
    claims = AccountClaims(auth.seed("account").public_key.decode(), ACCOUNT)
    limits = claims.nats.limits  # JetStream on, file storage only (every stream and bucket is on disk)
    limits.disk_storage, limits.streams, limits.consumer = -1, -1, -1
    # nats-jwt's RevocationList serializes empty; a plain dict gives the {"<user key>": <unix time>} NATS reads
    claims.nats.revocations = {key: entry["at"] for key, entry in auth.revocations().items()}
    return claims


def account_jwt(auth: AuthDir) -> str:
    return _account_claims(auth).encode(auth.seed("operator"))


def system_account_jwt(auth: AuthDir) -> str:
    return AccountClaims(auth.seed("system").public_key.decode(), "SYS").encode(auth.seed("operator"))


def operator_jwt(auth: AuthDir) -> str:
    operator = auth.seed("operator")
    claims = OperatorClaims(operator.public_key.decode(), "sellerops")
    claims.nats.system_account = auth.seed("system").public_key.decode()
    return claims.encode(operator)


def server_fragment(auth: AuthDir, resolver_dir: str = DEFAULT_RESOLVER_DIR) -> str:
    """The server's authorization: trust the operator, keep accounts in a `full` resolver (updated live by
    `$SYS.REQ.CLAIMS.UPDATE`), preloaded with both accounts as signed now."""
    system = auth.seed("system").public_key.decode()
    account = auth.seed("account").public_key.decode()
    return (
        "# sellerops authorization, written by `sellerops auth` (do not edit: it is re-signed on revocation)\n"
        f"operator: {operator_jwt(auth)}\n"
        f"system_account: {system}\n"
        # a client sends its JWT in its CONNECT line: a service's, with every subject it may use, is up to
        # ~7 KB, past the server's default limit of 4 KB
        "max_control_line: 32768\n"
        f"resolver: {{\n  type: full\n  dir: {json.dumps(resolver_dir)}\n  allow_delete: false\n  interval: \"2m\"\n}}\n"
        f"resolver_preload: {{\n  {system}: {system_account_jwt(auth)}\n  {account}: {account_jwt(auth)}\n}}\n"
    )


def init(root: Path, scopes: Iterable[ServiceScope], *, resolver_dir: str = DEFAULT_RESOLVER_DIR) -> AuthDir:
    """Make the keys and every role's credentials; refuse a folder that already has keys."""
    auth = AuthDir(Path(root))
    if auth.exists():
        raise AuthError(f"{auth.root} already has keys; keep them, or remove the folder to start over")
    auth.root.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name, pair in (("operator", create_operator_pair()), ("account", create_account_pair()),
                       ("system", create_account_pair())):
        write_private(auth.keys / f"{name}.nk", pair.seed.decode() + "\n")
    scopes = list(scopes)
    system_user = create_user_pair()  # the server's own account: no permissions to narrow, it only pushes updates
    system_claims = UserClaims(system_user.public_key.decode(), "system")
    write_private(auth.system, CREDS.format(jwt=system_claims.encode(auth.seed("system")),
                                            seed=system_user.seed.decode()))
    write_role(auth, auth.operator, "operator", operator_grants)
    write_role(auth, auth.readonly, "readonly", lambda key: readonly_grants(key, scopes))
    for scope in scopes:
        grants_for = (partial(observer_grants, scope, scopes=scopes) if scope.observer
                      else partial(service_grants, scope))
        write_role(auth, auth.service(scope.name), f"service:{scope.name}", grants_for)
    write_server_conf(auth, resolver_dir)
    return auth


def write_role(auth: AuthDir, path: Path, name: str, grants_for: Callable[[str], Grants]) -> str:
    """Issue a user for a role (its grants depend on its key: the inbox) and write its creds file."""
    key, text = _issue(auth.seed("account"), name, grants_for)
    write_private(path, text)
    return key


def _issue(account: nkeys.KeyPair, name: str, grants_for: Callable[[str], Grants]) -> tuple[str, str]:
    user = create_user_pair()
    key = user.public_key.decode()
    claims = UserClaims(key, name)
    grants: Grants = grants_for(key)
    return key, _signed_creds(account, user, claims, grants)


def _signed_creds(account: nkeys.KeyPair, user: nkeys.KeyPair, claims: UserClaims, grants: Grants) -> str:
    if not grants.publish or not grants.subscribe:  # NATS reads an empty allow list as "allow everything"
        raise AuthError(f"{claims.name}: refusing an empty allow list")
    claims.tags = [claims.name.split(":")[0]]
    claims.nats.pub.allow = list(grants.publish)
    claims.nats.pub.deny = list(grants.deny_publish)
    claims.nats.sub.allow = list(grants.subscribe)
    if grants.responses:
        claims.nats.resp.max_msgs = 1  # answer each request once (the server's own default)
    else:
        claims.nats.resp = None
    return CREDS.format(jwt=claims.encode(account), seed=user.seed.decode())


def write_server_conf(auth: AuthDir, resolver_dir: str = DEFAULT_RESOLVER_DIR) -> None:
    write_private(auth.server_conf, server_fragment(auth, resolver_dir))
    (auth.keys / "resolver_dir").write_text(resolver_dir)


def operator_only(scopes: Iterable[ServiceScope]) -> list[tuple[str, str]]:
    return [(s.name, verb) for s in scopes for verb in s.operator_only]


def issue_seller(auth: AuthDir, seller: str, scopes: Iterable[ServiceScope], *, rotate: bool = False) -> Path:
    """Write DIR/sellers/<seller>.creds; with `rotate`, replace an existing one and revoke its key."""
    path = auth.seller(seller)
    if path.exists() and not rotate:
        raise AuthError(f"{path} exists: use --rotate to replace it (the old one is revoked) or --revoke")
    old = _seller_key(path) if path.exists() else None
    blocked = operator_only(scopes)
    _, text = _issue(auth.seed("account"), f"seller:{seller}", lambda key: seller_grants(seller, key, blocked))
    if old:
        _add_revocation(auth, old, seller)
    write_private(path, text)
    return path


def revoke_seller(auth: AuthDir, seller: str) -> str:
    """Revoke the seller's current credentials (the file is removed); the public key revoked."""
    path = auth.seller(seller)
    if not path.exists():
        raise AuthError(f"no credentials issued for seller {seller!r} in {auth.root}")
    key = _seller_key(path)
    _add_revocation(auth, key, seller)
    path.unlink()
    return key


def _seller_key(path: Path) -> str:
    from sellerops.auth.connect import user_key

    return user_key(path)


def _add_revocation(auth: AuthDir, key: str, seller: str) -> None:
    entries = auth.revocations()
    entries[key] = {"seller": seller, "at": int(time.time())}
    write_private(auth.keys / "revocations.json", json.dumps(entries, indent=1, sort_keys=True) + "\n")
    write_server_conf(auth, (auth.keys / "resolver_dir").read_text().strip())


def account_public_key(auth: AuthDir) -> str:
    return auth.seed("account").public_key.decode()


def service_creds(auth: AuthDir, names: Iterable[str]) -> Mapping[str, Path]:
    missing = [n for n in names if not auth.service(n).exists()]
    if missing:
        raise AuthError(f"{auth.root} has no credentials for {', '.join(missing)} (installed after `auth init`?): "
                        "run `sellerops auth init` in a new folder")
    return {n: auth.service(n) for n in names}
