"""Demo / test PKI built with ``cryptography`` (pdf-signing-notes §1).

Layout of a PKI directory created by :func:`create_pki` / :func:`ensure_pki`::

    root-ca.cert.pem  root-ca.key.pem            self-signed, CA pathlen 1, 20 years
    intermediate-ca.cert.pem  intermediate-ca.key.pem   CA pathlen 0, 10 years
    tsa.cert.pem  tsa.key.pem                    critical EKU timeStamping (for DummyTimeStamper)
    org-seal.p12  org-seal.cert.pem              the organisation seal (CN/O = organisation)
    <username>.p12  <username>.cert.pem          one per person, PKCS#12 protected by the person's PIN

Signing certificates (people and org seal) carry KeyUsage digitalSignature + nonRepudiation
(pyHanko requires nonRepudiation by default) and EKU documentSigning (1.3.6.1.5.5.7.3.36) plus
emailProtection: NSS (poppler's pdfsig, Firefox-family viewers) checks signer certs for the
"email signer" usage and reports "Unknown issue with Certificate" without emailProtection.
All certs have SKI/AKI.
Every ``.p12`` holds the key, the end-entity cert and the chain (intermediate + root).

The CA/TSA private keys are written unencrypted: this is a DEMO/TEST PKI only. Never commit
the directory.

All functions take an optional aware ``now`` so tests can control time.
"""
from __future__ import annotations

import datetime as _dt
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

__all__ = [
    "DOCUMENT_SIGNING_EKU",
    "Person",
    "PkiPaths",
    "IssuedKey",
    "create_pki",
    "ensure_pki",
    "load_pki",
    "issue_rogue_cert",
    "issue_cert",
    "issue_expired_cert",
    "issue_crls",
    "is_demo_root",
    "person_subject",
]

DOCUMENT_SIGNING_EKU = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
KEY_SIZE = 2048
ROOT_YEARS = 20
INTERMEDIATE_YEARS = 10
END_ENTITY_YEARS = 3
BACKDATE = _dt.timedelta(minutes=5)

ROOT_STEM = "root-ca"
INTERMEDIATE_STEM = "intermediate-ca"
TSA_STEM = "tsa"
ORG_SEAL_STEM = "org-seal"

_USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_RESERVED_STEMS = {ROOT_STEM, INTERMEDIATE_STEM, TSA_STEM, ORG_SEAL_STEM}


@dataclass(frozen=True)
class Person:
    """A person who gets a signing key. ``username`` becomes the key id / file stem."""

    username: str
    full_name: str
    position: str
    pin: str
    id_number: str | None = None  # CMND/CCCD; goes into UID as "CMND:<id>"
    email: str | None = None


@dataclass
class PkiPaths:
    directory: Path
    root_cert: Path
    root_key: Path
    intermediate_cert: Path
    intermediate_key: Path
    tsa_cert: Path
    tsa_key: Path
    org_seal_p12: Path
    org_seal_cert: Path
    people: dict[str, Path] = field(default_factory=dict)  # username -> .p12
    created: list[str] = field(default_factory=list)  # stems created by the last call

    def trust_roots(self) -> list[bytes]:
        """PEM bytes of the root CA, for ``verify_pdf(trust_roots=...)``."""
        return [self.root_cert.read_bytes()]

    def other_certs(self) -> list[bytes]:
        return [self.intermediate_cert.read_bytes()]


@dataclass(frozen=True)
class IssuedKey:
    """Result of the test helpers: a PKCS#12 plus PEMs of the cert (and its issuing root)."""

    p12: bytes
    pin: str
    cert_pem: bytes
    key_pem: bytes
    root_cert_pem: bytes | None = None  # the rogue root for issue_rogue_cert

    def write_p12(self, directory: str | os.PathLike, stem: str) -> Path:
        p = Path(directory) / f"{stem}.p12"
        _write_private(p, self.p12)
        return p


# --------------------------------------------------------------------------- helpers

def _now(now: _dt.datetime | None) -> _dt.datetime:
    if now is None:
        return _dt.datetime.now(_dt.timezone.utc)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(_dt.timezone.utc)


def _years(t: _dt.datetime, years: int) -> _dt.datetime:
    return t + _dt.timedelta(days=365 * years + years // 4)


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def _write_public(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _key_pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _ku(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                         encipher_only=False, decipher_only=False)


def _builder(subject: x509.Name, issuer: x509.Name, pub, issuer_key, t0, t1) -> x509.CertificateBuilder:
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(pub)
            .serial_number(x509.random_serial_number()).not_valid_before(t0).not_valid_after(t1)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(pub), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                           critical=False))


def _ca_cert(subject: x509.Name, key, issuer: x509.Name, issuer_key, *, pathlen: int, t0, t1) -> x509.Certificate:
    b = (_builder(subject, issuer, key.public_key(), issuer_key, t0, t1)
         .add_extension(x509.BasicConstraints(ca=True, path_length=pathlen), critical=True)
         .add_extension(_ku(ca=True), critical=True))
    return b.sign(issuer_key, hashes.SHA256())


def _ee_cert(subject: x509.Name, key, issuer_cert: x509.Certificate, issuer_key, *, t0, t1,
             ekus: Sequence[ObjectIdentifier], eku_critical: bool = False) -> x509.Certificate:
    b = (_builder(subject, issuer_cert.subject, key.public_key(), issuer_key, t0, t1)
         .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
         .add_extension(_ku(ca=False), critical=True)
         .add_extension(x509.ExtendedKeyUsage(list(ekus)), critical=eku_critical))
    return b.sign(issuer_key, hashes.SHA256())


def _p12(name: str, key, cert, chain: Iterable[x509.Certificate], pin: str) -> bytes:
    if not pin:
        raise ValueError("a PIN is required to protect a PKCS#12 file")
    return pkcs12.serialize_key_and_certificates(
        name.encode("utf-8"), key, cert, list(chain),
        serialization.BestAvailableEncryption(pin.encode("utf-8")))


def _attr(oid: ObjectIdentifier, v: str) -> x509.NameAttribute:
    if oid == NameOID.COMMON_NAME and len(v) <= 64 < len(v.encode("utf-8")):
        # RFC 5280's ub-common-name is 64 *characters*; cryptography checks UTF-8 bytes, which a
        # Vietnamese organisation name (e.g. 50 chars / 65 bytes) exceeds. Allow it explicitly.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return x509.NameAttribute(oid, v, _validate=False)
    return x509.NameAttribute(oid, v)


def _name(*attrs: tuple[ObjectIdentifier, str | None]) -> x509.Name:
    return x509.Name([_attr(oid, v) for oid, v in attrs if v])


def person_subject(person: Person, org_name: str) -> x509.Name:
    """Subject DN for a person: CN=full name, T=position, O=organisation, C=VN (+UID, email)."""
    return _name(
        (NameOID.COUNTRY_NAME, "VN"),
        (NameOID.ORGANIZATION_NAME, org_name),
        (NameOID.TITLE, person.position),
        (NameOID.COMMON_NAME, person.full_name),
        (NameOID.USER_ID, f"CMND:{person.id_number}" if person.id_number else None),
        (NameOID.EMAIL_ADDRESS, person.email),
    )


def _org_subject(org_name: str) -> x509.Name:
    return _name((NameOID.COUNTRY_NAME, "VN"), (NameOID.ORGANIZATION_NAME, org_name),
                 (NameOID.ORGANIZATIONAL_UNIT_NAME, "Văn phòng"), (NameOID.COMMON_NAME, org_name))


DEMO_ROOT_CN = "Q-Office Demo Root CA"


def is_demo_root(pem: bytes) -> bool:
    """Whether ``pem`` is a root certificate made by this demo PKI (whatever folder it came from)."""
    try:
        cert = x509.load_pem_x509_certificate(pem)
    except ValueError:
        return False
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return any(n.value == DEMO_ROOT_CN for n in names)


def _root_subject(org_name: str) -> x509.Name:
    return _name((NameOID.COUNTRY_NAME, "VN"), (NameOID.ORGANIZATION_NAME, f"{org_name} (DEMO)"),
                 (NameOID.COMMON_NAME, DEMO_ROOT_CN))


def _intermediate_subject(org_name: str) -> x509.Name:
    return _name((NameOID.COUNTRY_NAME, "VN"), (NameOID.ORGANIZATION_NAME, f"{org_name} (DEMO)"),
                 (NameOID.COMMON_NAME, "Q-Office Demo Signing CA"))


def _check_username(username: str) -> None:
    if not _USERNAME_RE.match(username) or username in _RESERVED_STEMS:
        raise ValueError(f"unusable username for a key file: {username!r}")


def _load_cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def _load_key(path: Path):
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def _paths(directory: Path) -> PkiPaths:
    d = directory
    return PkiPaths(
        directory=d,
        root_cert=d / f"{ROOT_STEM}.cert.pem", root_key=d / f"{ROOT_STEM}.key.pem",
        intermediate_cert=d / f"{INTERMEDIATE_STEM}.cert.pem",
        intermediate_key=d / f"{INTERMEDIATE_STEM}.key.pem",
        tsa_cert=d / f"{TSA_STEM}.cert.pem", tsa_key=d / f"{TSA_STEM}.key.pem",
        org_seal_p12=d / f"{ORG_SEAL_STEM}.p12", org_seal_cert=d / f"{ORG_SEAL_STEM}.cert.pem",
    )


# --------------------------------------------------------------------------- public API

def create_pki(directory: str | os.PathLike, org_name: str, people: Sequence[Person], org_pin: str, *,
               now: _dt.datetime | None = None) -> PkiPaths:
    """Create a fresh PKI in ``directory`` (overwriting files of the same names)."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    for stem in (ROOT_STEM, INTERMEDIATE_STEM, TSA_STEM, ORG_SEAL_STEM):
        for suffix in (".cert.pem", ".key.pem", ".p12"):
            (d / f"{stem}{suffix}").unlink(missing_ok=True)
    for p in people:
        (d / f"{p.username}.p12").unlink(missing_ok=True)
    return ensure_pki(d, org_name, people, org_pin, now=now)


def ensure_pki(directory: str | os.PathLike, org_name: str, people: Sequence[Person], org_pin: str, *,
               now: _dt.datetime | None = None) -> PkiPaths:
    """Idempotent: create whatever is missing, reuse existing CA/TSA/org/people keys.

    Existing ``.p12`` files are kept as they are (a changed PIN in ``people`` is NOT applied to
    an existing file). If the root or intermediate is missing, the whole PKI is rebuilt,
    since existing end-entity certs would no longer chain.
    """
    for p in people:
        _check_username(p.username)
    t = _now(now)
    t0 = t - BACKDATE
    paths = _paths(Path(directory))
    paths.directory.mkdir(parents=True, exist_ok=True)
    created: list[str] = []

    ca_files = (paths.root_cert, paths.root_key, paths.intermediate_cert, paths.intermediate_key)
    if all(f.exists() for f in ca_files):
        root_cert, root_key = _load_cert(paths.root_cert), _load_key(paths.root_key)
        inter_cert, inter_key = _load_cert(paths.intermediate_cert), _load_key(paths.intermediate_key)
    else:
        # new CA: everything issued under an old CA is useless, so drop it
        for f in (paths.tsa_cert, paths.tsa_key, paths.org_seal_p12, paths.org_seal_cert):
            f.unlink(missing_ok=True)
        for p in people:
            (paths.directory / f"{p.username}.p12").unlink(missing_ok=True)
        root_key = _new_key()
        rs = _root_subject(org_name)
        root_cert = _ca_cert(rs, root_key, rs, root_key, pathlen=1, t0=t0, t1=_years(t, ROOT_YEARS))
        inter_key = _new_key()
        inter_cert = _ca_cert(_intermediate_subject(org_name), inter_key, root_cert.subject, root_key,
                              pathlen=0, t0=t0, t1=_years(t, INTERMEDIATE_YEARS))
        _write_private(paths.root_key, _key_pem(root_key))
        _write_public(paths.root_cert, _cert_pem(root_cert))
        _write_private(paths.intermediate_key, _key_pem(inter_key))
        _write_public(paths.intermediate_cert, _cert_pem(inter_cert))
        created += [ROOT_STEM, INTERMEDIATE_STEM]

    chain = [inter_cert, root_cert]
    t1 = _years(t, END_ENTITY_YEARS)

    if not (paths.tsa_cert.exists() and paths.tsa_key.exists()):
        k = _new_key()
        subj = _name((NameOID.COUNTRY_NAME, "VN"), (NameOID.ORGANIZATION_NAME, f"{org_name} (DEMO)"),
                     (NameOID.COMMON_NAME, "Q-Office Demo TSA"))
        c = _ee_cert(subj, k, inter_cert, inter_key, t0=t0, t1=t1,
                     ekus=[ExtendedKeyUsageOID.TIME_STAMPING], eku_critical=True)
        _write_private(paths.tsa_key, _key_pem(k))
        _write_public(paths.tsa_cert, _cert_pem(c))
        created.append(TSA_STEM)

    if not paths.org_seal_p12.exists():
        k = _new_key()
        c = _ee_cert(_org_subject(org_name), k, inter_cert, inter_key, t0=t0, t1=t1,
                     ekus=[DOCUMENT_SIGNING_EKU, ExtendedKeyUsageOID.EMAIL_PROTECTION])
        _write_private(paths.org_seal_p12, _p12(ORG_SEAL_STEM, k, c, chain, org_pin))
        _write_public(paths.org_seal_cert, _cert_pem(c))
        created.append(ORG_SEAL_STEM)

    for p in people:
        p12_path = paths.directory / f"{p.username}.p12"
        paths.people[p.username] = p12_path
        if p12_path.exists():
            continue
        k = _new_key()
        c = _ee_cert(person_subject(p, org_name), k, inter_cert, inter_key, t0=t0, t1=t1,
                     ekus=[DOCUMENT_SIGNING_EKU, ExtendedKeyUsageOID.EMAIL_PROTECTION])
        _write_private(p12_path, _p12(p.username, k, c, chain, p.pin))
        _write_public(paths.directory / f"{p.username}.cert.pem", _cert_pem(c))
        created.append(p.username)

    paths.created = created
    return paths


def load_pki(directory: str | os.PathLike) -> PkiPaths:
    """Paths of an existing PKI directory (people = every other ``*.p12``)."""
    paths = _paths(Path(directory))
    if not paths.root_cert.exists():
        raise FileNotFoundError(f"no PKI in {directory}")
    for f in sorted(paths.directory.glob("*.p12")):
        if f.stem not in _RESERVED_STEMS:
            paths.people[f.stem] = f
    return paths


def issue_cert(pki: PkiPaths, person: Person, org_name: str, *, not_before: _dt.datetime,
               not_after: _dt.datetime) -> IssuedKey:
    """A signing cert for ``person`` of ``org_name`` (any agency) issued by the PKI's intermediate."""
    inter_cert, inter_key = _load_cert(pki.intermediate_cert), _load_key(pki.intermediate_key)
    root_cert = _load_cert(pki.root_cert)
    k = _new_key()
    c = _ee_cert(person_subject(person, org_name), k, inter_cert, inter_key, t0=not_before, t1=not_after,
                 ekus=[DOCUMENT_SIGNING_EKU, ExtendedKeyUsageOID.EMAIL_PROTECTION])
    return IssuedKey(p12=_p12(person.username, k, c, [inter_cert, root_cert], person.pin), pin=person.pin,
                     cert_pem=_cert_pem(c), key_pem=_key_pem(k))


def issue_expired_cert(pki: PkiPaths, person: Person, org_name: str, *, now: _dt.datetime | None = None,
                       expired_for: _dt.timedelta = _dt.timedelta(days=1)) -> IssuedKey:
    """A cert for ``person`` issued by the real intermediate, with not_valid_after = now - expired_for."""
    t = _now(now)
    return issue_cert(pki, person, org_name, not_before=t - _dt.timedelta(days=730), not_after=t - expired_for)


def issue_crls(pki: PkiPaths, revoked_pems: Sequence[bytes] = (), *, now: _dt.datetime | None = None) -> dict[str, bytes]:
    """Revocation lists (DER) of the PKI: the root's (revoking nothing) and the intermediate's,
    revoking the certificates in ``revoked_pems``. Keyed by file name, e.g. for a CRL folder."""
    t = _now(now)
    out = {}
    for name, cert_path, key_path, revoked in (("root-ca.crl", pki.root_cert, pki.root_key, ()),
                                               ("intermediate-ca.crl", pki.intermediate_cert, pki.intermediate_key,
                                                revoked_pems)):
        issuer = _load_cert(cert_path)
        builder = (x509.CertificateRevocationListBuilder().issuer_name(issuer.subject)
                   .last_update(t - _dt.timedelta(hours=1)).next_update(t + _dt.timedelta(days=7)))
        for pem_bytes in revoked:
            cert = x509.load_pem_x509_certificate(pem_bytes)
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(cert.serial_number)
                .revocation_date(t - _dt.timedelta(minutes=30)).build())
        crl = builder.sign(_load_key(key_path), hashes.SHA256())
        out[name] = crl.public_bytes(serialization.Encoding.DER)
    return out


def issue_rogue_cert(person: Person, org_name: str, *, now: _dt.datetime | None = None) -> IssuedKey:
    """A cert with exactly the person's subject DN, issued by a separate self-signed "rogue" root
    that also copies the real root's subject. Signer identity alone must prove nothing."""
    t = _now(now)
    t0 = t - BACKDATE
    rk = _new_key()
    rs = _root_subject(org_name)
    rogue_root = _ca_cert(rs, rk, rs, rk, pathlen=1, t0=t0, t1=_years(t, ROOT_YEARS))
    k = _new_key()
    c = _ee_cert(person_subject(person, org_name), k, rogue_root, rk, t0=t0, t1=_years(t, END_ENTITY_YEARS),
                 ekus=[DOCUMENT_SIGNING_EKU, ExtendedKeyUsageOID.EMAIL_PROTECTION])
    return IssuedKey(p12=_p12(person.username, k, c, [rogue_root], person.pin), pin=person.pin,
                     cert_pem=_cert_pem(c), key_pem=_key_pem(k), root_cert_pem=_cert_pem(rogue_root))
