"""The webhook signature scheme, as a receiver sees it."""

import hashlib
import hmac

import pytest

from sellerops.notifications.channels.signing import sign, verify

from .conftest import SECRET

BODY = b'{"kind":"orders","title":"Order 113-0000001 misses its ship-by"}'
T = 1_741_944_413


def test_the_header_is_t_and_v1_the_hex_hmac_sha256_of_timestamp_dot_body():
    expected = hmac.new(SECRET.encode(), f"{T}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, T, BODY) == f"t={T},v1={expected}"


def test_a_signature_verifies_with_the_same_secret_within_the_tolerance():
    header = sign(SECRET, T, BODY)
    assert verify(SECRET, header, BODY, now=T)
    assert verify(SECRET, header, BODY, now=T + 300)
    assert verify(SECRET, header, BODY, now=T - 300)  # a receiver's clock a little behind


def test_a_tampered_body_does_not_verify():
    header = sign(SECRET, T, BODY)
    assert not verify(SECRET, header, BODY.replace(b"113-0000001", b"113-0000002"), now=T)
    assert not verify(SECRET, header, BODY + b" ", now=T)


def test_a_timestamp_older_or_newer_than_the_tolerance_does_not_verify():
    header = sign(SECRET, T, BODY)
    assert not verify(SECRET, header, BODY, now=T + 301)
    assert not verify(SECRET, header, BODY, now=T - 301)
    assert verify(SECRET, header, BODY, now=T + 3000, tolerance_s=3600)


def test_a_replayed_signature_with_a_fresh_timestamp_does_not_verify():
    v1 = sign(SECRET, T, BODY).split(",v1=")[1]
    assert not verify(SECRET, f"t={T + 600},v1={v1}", BODY, now=T + 600)


def test_another_secret_does_not_verify():
    assert not verify("whsec_other", sign(SECRET, T, BODY), BODY, now=T)


def test_any_one_of_several_v1_signatures_is_enough_while_a_secret_rotates():
    old = sign("whsec_old", T, BODY).split(",v1=")[1]
    new = sign(SECRET, T, BODY).split(",v1=")[1]
    assert verify(SECRET, f"t={T},v1={old},v1={new}", BODY, now=T)
    assert verify("whsec_old", f"t={T},v1={old},v1={new}", BODY, now=T)
    assert verify(SECRET, f"t={T}, v0=ignored, v1={new}", BODY, now=T)


@pytest.mark.parametrize("header", [
    None, "", "garbage", f"t={T}", "v1=abc", "t=abc,v1=00", f"t=-{T},v1=00", f"t={T},t={T},v1=00",
    f"t={T},v1=", f"t={T},v1=\u00e9\u00e9", "t=\u0661\u0662,v1=00",
])
def test_a_malformed_header_is_false_and_never_raises(header):
    assert verify(SECRET, header, BODY, now=T) is False


def test_an_empty_secret_never_verifies():
    assert not verify("", sign("", T, BODY), BODY, now=T)


def test_now_may_be_an_aware_datetime():
    from datetime import UTC, datetime

    header = sign(SECRET, T, BODY)
    assert verify(SECRET, header, BODY, now=datetime.fromtimestamp(T + 60, UTC))
    assert not verify(SECRET, header, BODY, now=datetime.fromtimestamp(T + 301, UTC))
