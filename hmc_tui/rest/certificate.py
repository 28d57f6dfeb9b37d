"""The HTTPS server's certificate: self-signed, generated once in the data dir.

Like the SSH host key: made on first start (an EC P-256 key, 0600, in the 0700 data dir;
the certificate next to it), refused when others may read the key, and its SHA-256
fingerprint printed at every start so a client can pin it (`curl --pinnedpubkey`, or compare
with `openssl x509 -fingerprint -sha256`).
"""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
import stat
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from engine.store import atomic_write_bytes

CERT_FILE = "rest_cert.pem"
KEY_FILE = "rest_key.pem"
VALID_DAYS = 3650


class CertificateError(Exception):
    """The key or certificate is unsafe or unusable; str() is one line naming the file."""


def load_or_create(directory: Path) -> tuple[Path, Path]:
    """(certificate, key) paths in `directory`, generated when either is missing."""
    cert, key = directory / CERT_FILE, directory / KEY_FILE
    if not (cert.exists() and key.exists()):
        _generate(cert, key)
    mode = stat.S_IMODE(key.stat().st_mode)
    if mode & 0o077:
        raise CertificateError(f"{key}: the HTTPS key is accessible by others (mode {mode:04o})"
                               f"; fix it with `chmod 600 {key}`")
    return cert, key


def ssl_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        raise CertificateError(f"{cert}: not a usable HTTPS certificate and key ({exc}); "
                               f"move both away and new ones are generated") from None
    return context


def client_context(cert: Path) -> ssl.SSLContext:
    """A client's TLS context that trusts exactly this certificate (pinning it)."""
    return ssl.create_default_context(cafile=str(cert))


def fingerprint(cert: Path) -> str:
    """SHA256 of the certificate, colon-separated hex as openssl prints it."""
    try:
        loaded = x509.load_pem_x509_certificate(cert.read_bytes())
    except (OSError, ValueError) as exc:
        raise CertificateError(f"{cert}: cannot read the HTTPS certificate ({exc})") from None
    digest = loaded.fingerprint(hashes.SHA256())
    return "SHA256:" + ":".join(f"{b:02X}" for b in digest)


def _generate(cert: Path, key_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    host = socket.gethostname()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host or "localhost"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "hmc-tui")])
    now = datetime.datetime.now(datetime.UTC)
    alt = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
           x509.IPAddress(ipaddress.ip_address("::1"))]
    if host and host != "localhost":
        alt.append(x509.DNSName(host))
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256()))
    directory = cert.parent
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    if stat.S_IMODE(directory.stat().st_mode) & 0o077:
        directory.chmod(0o700)  # the data dir also holds the frame, users and keys
    atomic_write_bytes(key_path, key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()), mode=0o600)
    atomic_write_bytes(cert, certificate.public_bytes(serialization.Encoding.PEM), mode=0o644)
