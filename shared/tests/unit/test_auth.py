"""sellerops.auth without a server: each role's permissions, and the folder `auth init` / `auth seller` keep."""

import base64
import json
import stat

import pytest

from sellerops.auth.connect import BadCredentials, connect_options, user_key
from sellerops.auth.material import AuthDir, AuthError, account_jwt, init, issue_seller, revoke_seller
from sellerops.auth.roles import operator_grants, readonly_grants, scope_of, seller_grants, service_grants
from sellerops.contracts.subjects import InvalidToken
from sellerops.notifications.app import service_doc as notifications_doc
from sellerops.notifications.app import service_info as notifications_info
from sellerops.orders.app import service_doc as orders_doc
from sellerops.orders.app import service_info as orders_info

ORDERS = scope_of(orders_info(), orders_doc().endpoints)
NOTIFICATIONS = scope_of(notifications_info(), notifications_doc().endpoints)
KEY = "UABC"


def claims(jwt: str) -> dict:
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def creds_jwt(path) -> dict:
    return claims(path.read_text().splitlines()[1])


def test_a_seller_may_publish_only_its_own_facts_and_request_only_its_own_verbs():
    grants = seller_grants("acme", KEY, [("notifications", "get_endpoint_secret")])
    assert grants.publish == ("market.acme.>", "req.*.acme.*")
    assert grants.deny_publish == ("req.notifications.acme.get_endpoint_secret",)
    assert "_INBOX.UABC.>" in grants.subscribe and "orders.acme.>" in grants.subscribe
    assert not any(s.startswith(("$", "_INBOX.>", "deadletter")) or "*" in s.split(".")[1]
                   for s in grants.subscribe if not s.startswith("_INBOX.UABC"))
    assert not grants.responses


def test_a_seller_name_that_could_widen_a_subject_is_refused():
    with pytest.raises(InvalidToken):
        seller_grants("acme.>", KEY, [])
    with pytest.raises(InvalidToken):
        seller_grants("*", KEY, [])


def test_the_secret_reading_verb_is_declared_operator_only_by_its_service():
    assert NOTIFICATIONS.operator_only == ("get_endpoint_secret",)
    assert ORDERS.operator_only == ()


def test_a_service_may_touch_its_own_buckets_and_the_streams_it_consumes_and_nothing_else():
    grants = service_grants(ORDERS, KEY)
    published = set(grants.publish)
    assert "$KV.orders_order.>" in published and "orders.>" in published and "deadletter.orders.>" in published
    assert "$JS.API.CONSUMER.MSG.NEXT.MARKET.>" in published  # it consumes market facts
    assert not any("notifications" in s.lower() or "HEALTH" in s or s in (">", "market.>") for s in published)
    assert not any(s.startswith(("$JS.API.STREAM.DELETE", "$JS.API.STREAM.PURGE")) and "KV_" not in s for s in published)
    assert set(grants.subscribe) >= {"_INBOX.UABC.>", "req.orders.*.*"} and grants.responses


def test_the_read_only_role_reads_events_and_queries_but_changes_nothing():
    grants = readonly_grants(KEY, [ORDERS, NOTIFICATIONS])
    assert "req.orders.*.list_orders" in grants.publish and "req.notifications.*.get_preferences" in grants.publish
    assert not any(verb in s for s in grants.publish
                   for verb in ("get_endpoint_secret", "cancel_order", "set_preferences", "$KV", "market."))
    assert "orders.>" in grants.subscribe


def test_operators_may_do_everything_in_the_account():
    assert operator_grants(KEY).publish == (">",) and operator_grants(KEY).subscribe == (">",)


def test_init_writes_every_roles_credentials_readable_by_the_owner_only(tmp_path):
    auth = init(tmp_path / "auth", [ORDERS, NOTIFICATIONS], resolver_dir="/var/jwt")
    files = [auth.operator, auth.readonly, auth.system, auth.service("orders"), auth.service("notifications"),
             auth.server_conf]
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    orders = creds_jwt(auth.service("orders"))
    assert orders["name"] == "service:orders" and orders["nats"]["resp"]  # it answers requests
    assert "$KV.orders_order.>" in orders["nats"]["pub"]["allow"]
    conf = auth.server_conf.read_text()
    assert 'dir: "/var/jwt"' in conf and "type: full" in conf and "max_control_line" in conf
    with pytest.raises(AuthError, match="already has keys"):
        init(auth.root, [ORDERS])


def test_the_account_enables_jetstream_on_disk(tmp_path):
    auth = init(tmp_path / "auth", [ORDERS])
    limits = claims(account_jwt(auth))["nats"]["limits"]
    assert limits["disk_storage"] == -1 and limits["streams"] == -1 and limits["consumer"] == -1


def test_a_seller_is_issued_rotated_and_revoked_through_the_account_jwt(tmp_path):
    auth = init(tmp_path / "auth", [ORDERS, NOTIFICATIONS])
    first = issue_seller(auth, "acme", [ORDERS, NOTIFICATIONS])
    issued = creds_jwt(first)
    assert issued["name"] == "seller:acme" and "resp" not in issued["nats"]
    assert "req.notifications.acme.get_endpoint_secret" in issued["nats"]["pub"]["deny"]
    first_key = user_key(first)
    with pytest.raises(AuthError, match="--rotate"):
        issue_seller(auth, "acme", [ORDERS])
    issue_seller(auth, "acme", [ORDERS, NOTIFICATIONS], rotate=True)
    second_key = user_key(auth.seller("acme"))
    assert second_key != first_key
    assert set(claims(account_jwt(auth))["nats"]["revocations"]) == {first_key}
    revoke_seller(auth, "acme")
    assert not auth.seller("acme").exists()
    assert set(claims(account_jwt(auth))["nats"]["revocations"]) == {first_key, second_key}
    assert second_key in auth.server_conf.read_text() or "revocations" not in auth.server_conf.read_text()
    with pytest.raises(AuthError, match="no credentials issued"):
        revoke_seller(auth, "acme")


def test_a_credentials_file_gives_the_client_its_own_reply_inbox(tmp_path):
    auth = init(tmp_path / "auth", [ORDERS])
    options = connect_options(auth.operator)
    assert options["user_credentials"] == str(auth.operator)
    assert options["inbox_prefix"] == f"_INBOX.{creds_jwt(auth.operator)['sub']}"
    assert connect_options(None) == {}
    (tmp_path / "bad.creds").write_text("not a creds file")
    with pytest.raises(BadCredentials, match="no valid user seed"):
        connect_options(tmp_path / "bad.creds")


def test_an_authorization_folder_without_keys_says_to_run_init(tmp_path):
    with pytest.raises(AuthError, match="sellerops auth init"):
        issue_seller(AuthDir(tmp_path), "acme", [ORDERS])
