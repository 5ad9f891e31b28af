"""TLS between clients and NATS, with a throwaway CA made here: the server's certificate, and client
verification when the server asks for it (`verify: true`), through the settings every service and the CLI read."""

import datetime as dt
import ipaddress
import ssl
from pathlib import Path

import nats
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from sellerops.auth.connect import tls_options
from sellerops.runtime.embedded import EmbeddedNats
from sellerops.runtime.settings import NatsSettings

pytestmark = pytest.mark.nats


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _write(folder: Path, stem: str, key: ec.EllipticCurvePrivateKey, cert: x509.Certificate) -> tuple[Path, Path]:
    key_path, cert_path = folder / f"{stem}.key", folder / f"{stem}.crt"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def make_ca(folder: Path, name: str = "sellerops test CA"):
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(_name(name)).issuer_name(_name(name)).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    _, path = _write(folder, name.replace(" ", "-"), key, cert)
    return key, cert, path


def issue(folder: Path, ca, stem: str, usage, sans=()):
    ca_key, ca_cert, _ = ca
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    builder = (x509.CertificateBuilder().subject_name(_name(stem)).issuer_name(ca_cert.subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
               .add_extension(x509.ExtendedKeyUsage([usage]), critical=False))
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(list(sans)), critical=False)
    return _write(folder, stem, key, builder.sign(ca_key, hashes.SHA256()))


@pytest.fixture
def pki(tmp_path):
    ca = make_ca(tmp_path)
    server = issue(tmp_path, ca, "server", ExtendedKeyUsageOID.SERVER_AUTH,
                   [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
    client = issue(tmp_path, ca, "client", ExtendedKeyUsageOID.CLIENT_AUTH)
    return {"ca": ca[2], "server": server, "client": client, "folder": tmp_path}


def tls_block(pki: dict, *, verify: bool) -> str:
    key, cert = pki["server"]
    return (f'tls {{\n  cert_file: "{cert}"\n  key_file: "{key}"\n  ca_file: "{pki["ca"]}"\n'
            f'  verify: {"true" if verify else "false"}\n  timeout: 2\n}}\n')


async def test_a_client_trusting_the_ca_connects_over_tls_and_uses_jetstream(tmp_path, pki):
    with EmbeddedNats(tmp_path / "nats", extra=tls_block(pki, verify=False)) as server:
        options = tls_options(NatsSettings(tls_ca=pki["ca"]))
        nc = await nats.connect(f"tls://127.0.0.1:{server.port}", allow_reconnect=False, **options)
        try:
            assert nc.connected_url.scheme == "tls"
            js = nc.jetstream()
            await js.add_stream(name="T", subjects=["t.>"])
            assert (await js.publish("t.one", b"x")).seq == 1
        finally:
            await nc.close()


async def test_with_client_verification_only_a_client_with_a_certificate_from_the_ca_connects(tmp_path, pki):
    key, cert = pki["client"]
    with EmbeddedNats(tmp_path / "nats", extra=tls_block(pki, verify=True)) as server:
        url = f"tls://127.0.0.1:{server.port}"
        good = await nats.connect(url, allow_reconnect=False,
                                  **tls_options(NatsSettings(tls_ca=pki["ca"], tls_cert=cert, tls_key=key)))
        assert good.is_connected
        await good.close()
        with pytest.raises((ssl.SSLError, OSError, nats.errors.Error, TimeoutError)):
            await nats.connect(url, allow_reconnect=False, max_reconnect_attempts=0, connect_timeout=2,
                               **tls_options(NatsSettings(tls_ca=pki["ca"])))


async def test_a_client_that_does_not_trust_the_servers_ca_refuses_to_connect(tmp_path, pki):
    other_ca = make_ca(pki["folder"], "another CA")
    with EmbeddedNats(tmp_path / "nats", extra=tls_block(pki, verify=False)) as server:
        with pytest.raises((ssl.SSLCertVerificationError, nats.errors.Error, OSError, TimeoutError)):
            await nats.connect(f"tls://127.0.0.1:{server.port}", allow_reconnect=False, max_reconnect_attempts=0,
                               connect_timeout=2, **tls_options(NatsSettings(tls_ca=other_ca[2])))


def test_tls_is_off_until_a_ca_or_client_certificate_is_set():
    assert tls_options(NatsSettings()) == {}
