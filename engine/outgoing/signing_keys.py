"""Signing keys, trust roots and the timestamp authority, as configured (R-SIGN-1, R-LEGAL-1).

Settings (``QOFFICE_`` environment variables, see README):

- ``SIGNING_BACKEND``: ``pkcs12`` (default) — a directory ``PKI_DIR`` (default ``<DATA>/pki``) of
  ``<key id>.p12`` files, the PIN being the file's password; or ``pkcs11`` — a token
  (``PKCS11_LIB``, ``PKCS11_TOKEN``), key id = the CKA_LABEL of key and certificate, PIN = the
  token's user PIN.
- Key ids: a person's username; the organisation seal: ``ORG_SEAL_KEY`` (``org-seal``).
- ``TRUST_ROOTS``: PEM files of the trusted roots (a list, or one string separated by ``,`` or
  ``:``); by default the demo root of ``PKI_DIR`` when there is one.
- ``TSA_URL``: an RFC 3161 timestamp authority; by default the demo TSA of ``PKI_DIR``.

The PIN is typed by the signer at signing time, used once to open the key and forgotten: it is
never stored, logged or put into workflow data. A wrong PIN raises :class:`BadPinError` (422
``bad_pin``) before anything is signed.

The demo PKI (root, intermediate, TSA, one key per leader, the organisation seal) is generated on
first run by ``web.cli.initialise`` (:func:`ensure_demo_pki`); each person's PIN is their demo
password, the seal's PIN the clerk's (``vanthu``). It is a DEMO PKI: never use it in production.
"""
from __future__ import annotations

import logging
import os
import re
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from engine import clock, settings
from engine.errors import N_, DomainError, InvalidInput, Throttled
from engine.people import throttle

log = logging.getLogger(__name__)

DEMO_SEAL_HOLDER = "vanthu"
PIN_POLICY = throttle.Policy(limit=5, window=timedelta(minutes=15), block=timedelta(minutes=15))


class BadPinError(DomainError):
    """The PIN did not unlock the key; nothing was signed."""

    status = 422
    code = "bad_pin"


class NoSigningKey(DomainError):
    status = 422
    code = "no_signing_key"


def pki_dir() -> Path:
    configured = settings.get("PKI_DIR")
    if configured:
        return Path(configured)
    return Path(settings.get("DATA") or "instance") / "pki"


def backend() -> str:
    return (settings.get("SIGNING_BACKEND") or "pkcs12").lower()


def seal_key_id() -> str:
    return settings.get("ORG_SEAL_KEY") or "org-seal"


def key_store():
    from integrations.pdf import keys

    if backend() == "pkcs11":
        lib, token = settings.get("PKCS11_LIB"), settings.get("PKCS11_TOKEN")
        if not lib or not token:
            raise NoSigningKey(N_("Chưa cấu hình thiết bị ký số (PKCS#11)."))
        return keys.Pkcs11KeyStore(lib, token, ca_chain=other_certs())
    return keys.Pkcs12KeyStore(pki_dir())


def open_signer(key_id: str, pin: str | None, *, typed_by: str, field: str = "pin"):
    """Unlock ``key_id`` with ``pin`` typed by the user ``typed_by``: a pyHanko signer (close it with
    :func:`close`). Wrong PINs are throttled per person and key: in the demo the PIN is the password,
    so guessing PINs must be no easier than guessing passwords."""
    from integrations.pdf import keys

    if not pin:
        raise InvalidInput(N_("Nhập mã PIN của khóa ký số."), details={field: "Bắt buộc nhập mã PIN."})
    guard = f"pin:{typed_by}:{key_id}"
    until = throttle.blocked_until(guard)
    if until:
        raise _pin_blocked(until)
    try:
        if any(ord(ch) < 32 for ch in str(pin)):  # never in a PIN; a NUL made the key library panic
            raise keys.BadPin("control character in the PIN")
        signer = key_store().open_signer(key_id, str(pin))
    except keys.BadPin:
        log.warning("wrong PIN for signing key %s typed by %s", key_id, typed_by)
        until = throttle.record_failure(guard, PIN_POLICY)
        if until:
            raise _pin_blocked(until) from None
        raise BadPinError(N_("Mã PIN không đúng; văn bản chưa được ký."), details={field: "Mã PIN không đúng."}) \
            from None
    except keys.KeyNotFound:
        raise NoSigningKey(N_("Không tìm thấy khóa ký số của %(key)s."), params={"key": key_id}) from None
    except keys.KeyStoreError as exc:
        log.error("key store error for %s: %s", key_id, exc)
        raise NoSigningKey(N_("Không mở được thiết bị ký số: %(detail)s"), params={"detail": str(exc)[:200]}) \
            from None
    throttle.clear(guard)
    return signer


def _pin_blocked(until) -> Throttled:
    minutes = max(1, int((until - clock.now()).total_seconds() // 60) + 1)
    return Throttled(N_("Nhập sai mã PIN quá nhiều lần; khóa ký số tạm khóa. Thử lại sau %(minutes)s phút."),
                     params={"minutes": minutes})


def close(signer) -> None:
    from integrations.pdf.keys import close_signer

    if signer is not None:
        close_signer(signer)


def has_key(key_id: str) -> bool:
    """Whether a key exists (PKCS#12 only; a token is asked when the PIN is typed)."""
    if backend() != "pkcs12":
        return True
    from integrations.pdf.keys import Pkcs12KeyStore

    return Pkcs12KeyStore(pki_dir()).has_key(key_id)


# --- trust and time ---------------------------------------------------------------------------

def _paths(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v]
    return [p for p in re.split(r"[,:]", str(value)) if p.strip()]


def production() -> bool:
    return (settings.get("ENV") or "").lower() == "production"


def _demo_root() -> Path:
    return pki_dir() / "root-ca.cert.pem"


def demo_keys_in_use() -> bool:
    """Whether signatures are made and trusted with the generated demo PKI (shown as a banner)."""
    return not production() and backend() == "pkcs12" and _demo_root().is_file()


def trust_roots() -> list[bytes]:
    """PEM bytes of the configured roots (never the OS trust store). In production the demo root is
    never trusted, configured or not: its private key lies unencrypted beside it."""
    from integrations.pdf.pki import is_demo_root

    configured = _paths(settings.get("TRUST_ROOTS"))
    roots = [Path(p.strip()).read_bytes() for p in configured]
    if not configured and _demo_root().is_file():
        roots = [_demo_root().read_bytes()]
    if production():
        refused = [root for root in roots if is_demo_root(root)]
        if refused:
            log.error("QOFFICE_ENV=production: the demo root CA is not trusted; configure QOFFICE_TRUST_ROOTS")
        roots = [root for root in roots if root not in refused]
    return roots


def revocation_lists() -> list[bytes]:
    """DER bytes of the CRLs in ``CRL_DIR`` (the operators keep them fresh); [] when none is configured."""
    from integrations.pdf.verify import crl_der

    folder = settings.get("CRL_DIR")
    if not folder:
        return []
    files = sorted(p for p in Path(folder).glob("*") if p.suffix.lower() in (".crl", ".der", ".pem"))
    return [crl_der(p.read_bytes()) for p in files]


def other_certs() -> list[bytes]:
    """Intermediates that signatures may not embed (the demo intermediate)."""
    demo = pki_dir() / "intermediate-ca.cert.pem"
    return [demo.read_bytes()] if demo.is_file() else []


def timestamper():
    """The configured RFC 3161 TSA, else the demo TSA, else None (the seal is then PAdES B-B)."""
    url = settings.get("TSA_URL")
    if url:
        return _http_timestamper(url)
    if production():
        log.warning("QOFFICE_ENV=production and no QOFFICE_TSA_URL: organisation seals are PAdES B-B")
        return None
    d = pki_dir()
    cert, key, inter = d / "tsa.cert.pem", d / "tsa.key.pem", d / "intermediate-ca.cert.pem"
    if cert.is_file() and key.is_file():
        files = tuple(p for p in (cert, key, inter) if p.is_file())
        return _local_timestamper(files, tuple(p.stat().st_mtime_ns for p in files))
    log.warning("no timestamp authority configured: organisation seals are PAdES B-B")
    return None


# One timestamper per configuration, kept: pyHanko sizes each signature with a dummy token that it
# asks a timestamper for only once (a round trip to the TSA), and the demo TSA's key is read once.
@lru_cache(maxsize=4)
def _http_timestamper(url: str):
    from integrations.pdf import signing

    return signing.make_http_timestamper(url)


@lru_cache(maxsize=4)
def _local_timestamper(files: tuple[Path, ...], _mtimes: tuple[int, ...]):
    from integrations.pdf import signing

    return signing.make_local_timestamper(files[0], files[1], files[2] if len(files) > 2 else None)


# --- demo PKI ---------------------------------------------------------------------------------

def _opens(path: Path, pin: str) -> bool:
    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        pkcs12.load_key_and_certificates(path.read_bytes(), pin.encode("utf-8"))
        return True
    except (ValueError, OSError):
        return False


def ensure_demo_pki(passwords: dict[str, str | None]) -> list[str]:
    """Create the demo PKI (or what is missing): a key per leader and the organisation seal.

    ``passwords`` maps usernames to the password just set (None when unknown, e.g. a random
    password printed on an earlier run): a key is (re)made only for a known password, and a
    key whose PIN no longer matches the password is replaced. Returns the key ids created.
    """
    if backend() != "pkcs12" or production():
        return []
    from engine.db import db
    from engine.models import Role, User, UserRole
    from integrations.pdf import pki

    directory = pki_dir()
    directory.mkdir(parents=True, exist_ok=True)
    people = []
    leaders = (db.session.query(User).join(UserRole)
               .filter(User.active.is_(True), UserRole.role == Role.LEADER).order_by(User.id).all())
    for user in leaders:
        pin = passwords.get(user.username)
        path = directory / f"{user.username}.p12"
        if not pin:
            continue
        if path.exists() and not _opens(path, pin):
            path.unlink()
            (directory / f"{user.username}.cert.pem").unlink(missing_ok=True)
        people.append(pki.Person(user.username, user.full_name, user.position or "Lãnh đạo", pin,
                                 email=user.email))
    seal_pin = passwords.get(DEMO_SEAL_HOLDER)
    seal = directory / f"{pki.ORG_SEAL_STEM}.p12"
    if seal_pin and seal.exists() and not _opens(seal, seal_pin):
        seal.unlink()
    if not seal_pin and not seal.exists():
        log.warning("demo PKI: the clerk's password is unknown, the organisation seal is not created")
        seal_pin = os.urandom(16).hex()  # unusable placeholder PIN; replaced when a password is known
    paths = pki.ensure_pki(directory, settings.get("ORG_NAME"), people, seal_pin)
    if paths.created:
        log.info("demo PKI in %s: created %s", directory, ", ".join(paths.created))
    return paths.created


@lru_cache(maxsize=1)
def placeholder_root() -> bytes:
    """A throw-away root, for verifying when no trust root is configured (nothing is trusted)."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Q-Office: no trust root configured")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM)
