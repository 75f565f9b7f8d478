"""Where signing keys live: a small :class:`KeyStore` interface with two backends.

* :class:`Pkcs12KeyStore` – a directory of ``<key_id>.p12`` files, PIN = PKCS#12 password.
* :class:`Pkcs11KeyStore` – a PKCS#11 token (HSM, USB token, SoftHSM2), key_id = key label,
  PIN = user PIN. Needs ``python-pkcs11`` (``pip install 'pyHanko[pkcs11]'``).

``open_signer`` returns a pyHanko :class:`~pyhanko.sign.signers.Signer`. A PKCS#11 signer holds an
open session: call :func:`close_signer` (or use ``with signer_for(store, key_id, pin) as s:``)
when done. Closing a PKCS#12 signer is a no-op, so callers can treat both alike.
"""
from __future__ import annotations

import os
import re
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Protocol, Sequence, runtime_checkable

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.signers import Signer, SimpleSigner

__all__ = [
    "BadPin",
    "KeyNotFound",
    "KeyStoreError",
    "KeyStore",
    "Pkcs12KeyStore",
    "Pkcs11KeyStore",
    "close_signer",
    "signer_for",
    "import_p12_into_pkcs11",
]


class KeyStoreError(Exception):
    """Base class of key store errors."""


class BadPin(KeyStoreError):
    """The PIN / password did not unlock the key. Nothing was signed."""


class KeyNotFound(KeyStoreError, LookupError):
    """No key with that id in the store."""


@runtime_checkable
class KeyStore(Protocol):
    def open_signer(self, key_id: str, pin: str) -> Signer:
        """Unlock ``key_id`` with ``pin``; raise :class:`BadPin` / :class:`KeyNotFound`."""
        ...


def close_signer(signer: Signer) -> None:
    """Release resources held by a signer (PKCS#11 session). Safe for any signer."""
    close = getattr(signer, "close", None)
    if callable(close):
        close()


@contextmanager
def signer_for(store: KeyStore, key_id: str, pin: str) -> Iterator[Signer]:
    signer = store.open_signer(key_id, pin)
    try:
        yield signer
    finally:
        close_signer(signer)


_KEY_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class Pkcs12KeyStore:
    """``<directory>/<key_id>.p12``; the PIN is the PKCS#12 password."""

    def __init__(self, directory: str | os.PathLike):
        self.directory = Path(directory)

    def path_for(self, key_id: str) -> Path:
        if not _KEY_ID_RE.match(key_id) or ".." in key_id:
            raise KeyNotFound(f"invalid key id {key_id!r}")
        return self.directory / f"{key_id}.p12"

    def has_key(self, key_id: str) -> bool:
        try:
            return self.path_for(key_id).is_file()
        except KeyNotFound:
            return False

    def open_signer(self, key_id: str, pin: str) -> Signer:
        path = self.path_for(key_id)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise KeyNotFound(f"no key {key_id!r}") from None
        try:
            # load_pkcs12_data raises ValueError on a bad password (load_pkcs12 returns None!)
            loaded = SimpleSigner.load_pkcs12_data(data, other_certs=(), passphrase=(pin or "").encode("utf-8"))
        except ValueError as e:
            raise BadPin(f"could not unlock key {key_id!r}") from e
        if loaded is None or loaded.signing_cert is None:  # defensive
            raise BadPin(f"could not unlock key {key_id!r}")
        return _UnlockedSigner(signing_key=loaded.signing_key, signing_cert=loaded.signing_cert,
                               cert_registry=loaded.cert_registry, signature_mechanism=loaded.signature_mechanism)


class _UnlockedSigner(SimpleSigner):
    """A PKCS#12 signer that parses its private key once. pyHanko's SimpleSigner parses it again for
    every RSA operation (two per signature: the size estimate and the signature), and OpenSSL 3
    checks an RSA key at every parse — tens of milliseconds each time."""

    _key = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)["algorithm"].native
        if mechanism not in ("sha256_rsa", "sha384_rsa", "sha512_rsa"):  # PSS, ECDSA …: pyHanko's own way
            return super().sign_raw(data, digest_algorithm)
        if self._key is None:
            # The PKCS#12 load that opened this signer has just checked this very key.
            self._key = serialization.load_der_private_key(self.signing_key.dump(), password=None,
                                                           unsafe_skip_rsa_key_validation=True)
        return self._key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))


class Pkcs11KeyStore:
    """A PKCS#11 token selected by label; ``key_id`` is the CKA_LABEL of the private key and of
    its certificate. Other certs on the token (the chain) are pulled too; ``ca_chain`` adds more
    (asn1crypto certs, or PEM/DER bytes).

    Each ``open_signer`` opens (and logs in) a new session; close it with :func:`close_signer`.
    python-pkcs11 loads one PKCS#11 module per process; SoftHSM2 reads ``SOFTHSM2_CONF`` when the
    module is first initialised."""

    def __init__(self, lib_path: str, token_label: str, *, ca_chain: Sequence = ()):
        self.lib_path = lib_path
        self.token_label = token_label
        self.ca_chain = list(_to_asn1_certs(ca_chain))

    def open_signer(self, key_id: str, pin: str) -> Signer:
        if _PKCS11Signer is None:
            raise KeyStoreError("PKCS#11 support needs python-pkcs11 (pip install 'pyHanko[pkcs11]')")
        import pkcs11
        from pkcs11 import exceptions as p11e
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign.pkcs11 import open_pkcs11_session

        try:
            session = open_pkcs11_session(self.lib_path, token_criteria=TokenCriteria(label=self.token_label),
                                          user_pin=pin)
        except (p11e.PinIncorrect, p11e.PinInvalid, p11e.PinLenRange, p11e.PinLocked, p11e.PinExpired) as e:
            raise BadPin(f"PIN rejected by token {self.token_label!r}: {type(e).__name__}") from e
        except pkcs11.PKCS11Error as e:
            raise KeyStoreError(f"cannot open token {self.token_label!r}: {type(e).__name__} {e}") from e

        signer = _ClosingPKCS11Signer(session, cert_label=key_id, key_label=key_id,
                                      ca_chain=self.ca_chain, other_certs_to_pull=None)
        try:
            signer.signing_cert  # forces loading key handle + certs now, so errors surface here
        except pkcs11.PKCS11Error as e:
            session.close()
            raise KeyNotFound(f"no key/cert labelled {key_id!r} on token {self.token_label!r}: {e}") from e
        except Exception:
            session.close()
            raise
        return signer


try:  # PKCS#11 support is optional (python-pkcs11)
    from pyhanko.sign.pkcs11 import PKCS11Signer as _PKCS11Signer
except ImportError:  # pragma: no cover - depends on the environment
    _PKCS11Signer = None


if _PKCS11Signer is not None:

    class _ClosingPKCS11Signer(_PKCS11Signer):
        """PKCS11Signer that owns its session: ``close()`` / context manager."""

        _closed = False

        def close(self) -> None:
            if not self._closed:
                self._closed = True
                try:
                    self.pkcs11_session.close()
                except Exception:  # pragma: no cover - token gone
                    pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.close()


def _to_asn1_certs(items) -> Iterator:
    from asn1crypto import x509 as ax509
    from pyhanko.keys import load_certs_from_pemder_data

    for it in items:
        if isinstance(it, ax509.Certificate):
            yield it
        elif isinstance(it, (bytes, bytearray)):
            yield from load_certs_from_pemder_data(bytes(it))
        elif hasattr(it, "public_bytes"):  # cryptography certificate
            from cryptography.hazmat.primitives.serialization import Encoding
            yield ax509.Certificate.load(it.public_bytes(Encoding.DER))
        else:
            raise TypeError(f"not a certificate: {type(it).__name__}")


def import_p12_into_pkcs11(lib_path: str, token_label: str, user_pin: str, *, p12: bytes, p12_pin: str,
                           label: str, key_id: bytes | None = None) -> None:
    """Provisioning helper (demo/tests): copy an RSA key + its cert (+ chain certs) from a PKCS#12
    into a token, with CKA_LABEL=``label`` on both key and cert. The key is sensitive and
    non-extractable on the token."""
    import pkcs11
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
    from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass

    with warnings.catch_warnings():  # CN > 64 UTF-8 bytes (but <= 64 chars) only warns
        warnings.simplefilter("ignore", UserWarning)
        key, cert, extra = pkcs12.load_key_and_certificates(p12, p12_pin.encode("utf-8"))
    if not isinstance(key, rsa.RSAPrivateKey) or cert is None:
        raise ValueError("only RSA keys with a certificate are supported")
    key_id = key_id or cert.fingerprint(hashes.SHA1())
    n = key.private_numbers()

    def b(i: int) -> bytes:
        return i.to_bytes((i.bit_length() + 7) // 8 or 1, "big")

    lib = pkcs11.lib(lib_path)
    token = lib.get_token(token_label=token_label)
    with token.open(rw=True, user_pin=user_pin) as s:
        s.create_object({
            Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.KEY_TYPE: KeyType.RSA,
            Attribute.TOKEN: True, Attribute.PRIVATE: True, Attribute.SENSITIVE: True,
            Attribute.EXTRACTABLE: False, Attribute.SIGN: True, Attribute.LABEL: label, Attribute.ID: key_id,
            Attribute.MODULUS: b(n.public_numbers.n), Attribute.PUBLIC_EXPONENT: b(n.public_numbers.e),
            Attribute.PRIVATE_EXPONENT: b(n.d), Attribute.PRIME_1: b(n.p), Attribute.PRIME_2: b(n.q),
            Attribute.EXPONENT_1: b(n.dmp1), Attribute.EXPONENT_2: b(n.dmq1), Attribute.COEFFICIENT: b(n.iqmp),
        })
        for i, c in enumerate([cert, *(extra or [])]):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                subj, iss = c.subject.public_bytes(), c.issuer.public_bytes()
            s.create_object({
                Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True, Attribute.PRIVATE: False,
                Attribute.LABEL: label if i == 0 else f"{label}-chain-{i}",
                Attribute.ID: key_id if i == 0 else key_id + bytes([i]),
                Attribute.VALUE: c.public_bytes(Encoding.DER),
                Attribute.SUBJECT: subj, Attribute.ISSUER: iss,
            })
