"""Validate every signature embedded in a PDF and explain the result (pdf-signing-notes §3.5–3.7).

:func:`verify_pdf` returns one :class:`SignatureCheck` per filled signature field, in file order
(empty list when the PDF has no signature). A PDF that cannot be parsed at all raises
:class:`PdfUnreadable` (reason "Không đọc được tệp / tệp hỏng"); a single signature that cannot be
processed yields a SignatureCheck with ``reason_code="unreadable"`` and ``ok=False``.

``ok`` is pyHanko's ``bottom_line``: intact, valid, trusted (chain to one of ``trust_roots``),
timestamp (if any) OK, and no illegal modification after signing. Signer identity alone proves
nothing — a rogue CA can copy any subject DN — so callers must look at ``ok``/``trusted``.

Synchronous entry point, safe inside or outside an event loop (see _sync.py), e.g. a Flask
request thread or a worker. From async code use :func:`async_verify_pdf`.
"""
from __future__ import annotations

import datetime as _dt
import io
import logging
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Sequence

from asn1crypto import pem
from asn1crypto import x509 as ax509
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from integrations.pdf._sync import run_blocking

__all__ = ["SignatureCheck", "PdfUnreadable", "REASONS", "verify_pdf", "async_verify_pdf", "load_certs"]

log = logging.getLogger(__name__)

# code -> (Vietnamese, English). Vietnamese texts exactly as in pdf-signing-notes §3.6.
REASONS: dict[str, tuple[str, str]] = {
    "ok": ("Chữ ký hợp lệ", "Signature valid"),
    "tampered": ("Tài liệu đã bị thay đổi sau khi ký (mã băm không khớp)",
                 "Document bytes changed after signing"),
    "invalid_signature": ("Giá trị chữ ký không hợp lệ", "Cryptographic signature invalid"),
    "revoked": ("Chứng thư số đã bị thu hồi", "Certificate revoked"),
    "expired": ("Chứng thư số đã hết hạn hoặc chưa có hiệu lực", "Certificate expired or not yet valid"),
    "chain_unverifiable": ("Không kiểm tra được chuỗi chứng thư hoặc trạng thái thu hồi",
                           "Could not check the certificate chain or revocation status"),
    "usage_not_allowed": ("Chứng thư số không được phép dùng để ký văn bản",
                          "Certificate not allowed for document signing"),
    "untrusted": ("Chứng thư số không chuỗi được tới CA tin cậy",
                  "Certificate does not chain to a trusted CA"),
    "partial_coverage": ("Chữ ký không bao phủ toàn bộ phiên bản tài liệu",
                         "Signature does not cover the entire document revision"),
    "modified": ("Nội dung tài liệu bị sửa đổi sau khi ký", "Document content modified after signing"),
    # not in the notes: bottom_line False only because of the timestamp / seed values
    "timestamp_invalid": ("Dấu thời gian không hợp lệ hoặc không tin cậy",
                          "Signature timestamp invalid or untrusted"),
    "invalid": ("Chữ ký không hợp lệ", "Signature not valid"),
    "unreadable": ("Không đọc được tệp / tệp hỏng", "File unreadable or corrupt"),
}

_EXPIRED = {"EXPIRED", "OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED", "NOT_YET_VALID"}
_UNVERIFIABLE = {"CERTIFICATE_CHAIN_GENERAL_FAILURE", "TRY_LATER", "REVOCATION_OUT_OF_BOUNDS_NO_POE"}
_REVOKED = {"REVOKED", "REVOKED_NO_POE", "REVOKED_CA_NO_POE"}


class PdfUnreadable(ValueError):
    """The file is not a readable PDF (truncated, corrupt xref, not a PDF...)."""

    reason_code = "unreadable"
    reason_vi, reason_en = REASONS["unreadable"]

    def __init__(self, detail: str):
        super().__init__(f"{self.reason_en}: {detail}")
        self.detail = detail


@dataclass
class SignatureCheck:
    field: str | None
    signer: str | None  # CN of the signer certificate
    signer_subject: str | None  # human-friendly full subject DN
    issuer: str | None  # CN (or DN) of the issuer
    serial: str | None  # hex serial of the signer cert
    signed_at: _dt.datetime | None  # timestamp token gen_time if any, else self-reported /M
    time_source: str | None  # "timestamp" | "claimed" | None
    intact: bool
    valid: bool
    trusted: bool
    modification: str | None  # "none" | "lta_updates" | "form_filling" | "annotations" | "other" | None
    coverage: str | None  # "entire_file" | "entire_revision" | "contiguous_block_from_start" | "unclear"
    docmdp_ok: bool | None
    timestamped: bool
    reason_code: str
    reason_vi: str
    reason_en: str
    ok: bool
    summary: str | None = None  # pyHanko's one-line summary
    detail: str | None = None  # technical detail for logs (diff message, indic, exception) – not for users
    # The signer certificate's organisation (O): who the signer signs for, to compare with the sender.
    signer_organization: str | None = None
    # Whether revocation was checked against CRLs ("checked") or could not be ("not_checked": no CRLs).
    revocation: str = "not_checked"

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["signed_at"] = self.signed_at.isoformat() if self.signed_at else None
        return d


def load_certs(items: Iterable[Any] | None) -> list[ax509.Certificate]:
    """asn1crypto certificates from PEM/DER bytes (PEM may hold several), asn1crypto or
    ``cryptography`` certificate objects."""
    out: list[ax509.Certificate] = []
    for it in items or ():
        if isinstance(it, ax509.Certificate):
            out.append(it)
        elif isinstance(it, (bytes, bytearray)):
            out.extend(load_certs_from_pemder_data(bytes(it)))
        elif isinstance(it, str):
            out.extend(load_certs_from_pemder_data(it.encode("ascii")))
        elif hasattr(it, "public_bytes"):
            from cryptography.hazmat.primitives.serialization import Encoding

            out.append(ax509.Certificate.load(it.public_bytes(Encoding.DER)))
        else:
            raise TypeError(f"not a certificate: {type(it).__name__}")
    return out


def crl_der(data: bytes) -> bytes:
    """A certificate revocation list as DER, from DER or PEM bytes."""
    if pem.detect(data):
        _type, _headers, data = pem.unarmor(data)
    return data


def _cn(name) -> str | None:
    try:
        n = name.native
        return n.get("common_name") or name.human_friendly
    except Exception:  # pragma: no cover
        return None


def _organization(name) -> str | None:
    try:
        value = name.native.get("organization_name")
    except Exception:  # pragma: no cover
        return None
    return value[0] if isinstance(value, list) else value


def _enum_name(v) -> str | None:
    return v.name.lower() if v is not None else None


def _reason(st) -> str:
    indic = getattr(st, "trust_problem_indic", None)
    indic_name = getattr(indic, "name", None)
    if not st.intact:
        return "tampered"
    if not st.valid:
        return "invalid_signature"
    if getattr(st, "revoked", False) or indic_name in _REVOKED:
        return "revoked"
    if indic_name in _EXPIRED:
        return "expired"
    if indic_name in _UNVERIFIABLE:
        return "chain_unverifiable"
    if indic_name == "CHAIN_CONSTRAINTS_FAILURE":
        return "usage_not_allowed"
    if not st.trusted:
        return "untrusted"
    cov = getattr(st, "coverage", None)
    if cov is None or cov.name not in ("ENTIRE_FILE", "ENTIRE_REVISION"):
        return "partial_coverage"
    lvl = getattr(st, "modification_level", None)
    if st.docmdp_ok is False or (lvl is not None and lvl.name == "OTHER"):
        return "modified"
    if st.bottom_line:
        return "ok"
    ts = st.timestamp_validity
    if ts is not None and not (ts.intact and ts.valid and ts.trusted):
        return "timestamp_invalid"
    return "invalid"


def _token_time(emb) -> _dt.datetime | None:
    try:
        ua = emb.signer_info["unsigned_attrs"]
        if not ua:
            return None
        for attr in ua:
            if attr["type"].native == "signature_time_stamp_token":
                tst = attr["values"][0]
                return tst["content"]["encap_content_info"]["content"].parsed["gen_time"].native
    except Exception:  # pragma: no cover - malformed token
        log.debug("cannot read timestamp token", exc_info=True)
    return None


def _error_check(field: str | None, emb, detail: str) -> SignatureCheck:
    vi, en = REASONS["unreadable"]
    signer = subject = issuer = serial = None
    try:
        cert = emb.signer_cert
        signer, subject, issuer = _cn(cert.subject), cert.subject.human_friendly, _cn(cert.issuer)
        serial = format(cert.serial_number, "x")
    except Exception:
        pass
    return SignatureCheck(field=field, signer=signer, signer_subject=subject, issuer=issuer, serial=serial,
                          signed_at=None, time_source=None, intact=False, valid=False, trusted=False,
                          modification=None, coverage=None, docmdp_ok=None, timestamped=False,
                          reason_code="unreadable", reason_vi=vi, reason_en=en, ok=False, detail=detail)


async def async_verify_pdf(pdf_bytes: bytes, *, trust_roots: Sequence[Any], other_certs: Sequence[Any] = (),
                           moment: _dt.datetime | None = None, skip_diff: bool = False,
                           crls: Sequence[bytes] = (), revocation_mode: str = "soft-fail",
                           key_usage_settings=None) -> list[SignatureCheck]:
    """Async variant of :func:`verify_pdf` (same arguments)."""
    _check_arguments(trust_roots, moment)
    return await _validate_all(_embedded_signatures(pdf_bytes), trust_roots=trust_roots, other_certs=other_certs,
                               moment=moment, skip_diff=skip_diff, crls=crls, revocation_mode=revocation_mode,
                               key_usage_settings=key_usage_settings)


_NO_ROOTS = "trust_roots must not be empty (the OS trust store is never used)"


def _check_arguments(trust_roots, moment) -> None:
    if not trust_roots:
        raise ValueError(_NO_ROOTS)
    if moment is not None and moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")


def _embedded_signatures(pdf_bytes: bytes) -> list:
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes))
        return list(reader.embedded_signatures)
    except Exception as e:
        raise PdfUnreadable(f"{type(e).__name__}: {e}") from e


async def _validate_all(sigs: list, *, trust_roots, other_certs, moment, skip_diff, crls, revocation_mode,
                        key_usage_settings) -> list[SignatureCheck]:
    roots = load_certs(trust_roots)
    if not roots:
        raise ValueError(_NO_ROOTS)
    others = load_certs(other_certs)
    results: list[SignatureCheck] = []
    for emb in sigs:
        field = getattr(emb, "field_name", None)
        vc = ValidationContext(trust_roots=roots, other_certs=others, allow_fetching=False, moment=moment,
                               crls=list(crls), revocation_mode=revocation_mode)
        try:
            st = await async_validate_pdf_signature(emb, vc, skip_diff=skip_diff,
                                                    key_usage_settings=key_usage_settings)
        except Exception as e:  # malformed CMS, unsupported algorithm...
            log.info("signature %s could not be validated: %s", field, e)  # foreign chains: expected, no trace
            results.append(_error_check(field, emb, f"{type(e).__name__}: {e}"))
            continue

        code = _reason(st)
        vi, en = REASONS[code]
        cert = st.signing_cert
        ts = st.timestamp_validity
        if ts is not None and getattr(ts, "timestamp", None) is not None:
            signed_at, source = ts.timestamp, "timestamp"
        else:
            tok = _token_time(emb)
            if tok is not None:
                signed_at, source = tok, "timestamp"
            else:
                signed_at = st.signer_reported_dt or emb.self_reported_timestamp
                source = "claimed" if signed_at else None
        details = []
        if st.trust_problem_indic is not None:
            details.append(f"indic={st.trust_problem_indic.name}")
        if st.diff_result is not None and not hasattr(st.diff_result, "modification_level"):
            details.append(f"diff={st.diff_result}")  # SuspiciousModification message
        try:
            summary = st.summary()
        except Exception:  # pragma: no cover
            summary = None
        results.append(SignatureCheck(
            field=field, signer=_cn(cert.subject), signer_subject=cert.subject.human_friendly,
            issuer=_cn(cert.issuer), serial=format(cert.serial_number, "x"),
            signed_at=signed_at, time_source=source,
            intact=bool(st.intact), valid=bool(st.valid), trusted=bool(st.trusted),
            modification=_enum_name(st.modification_level), coverage=_enum_name(st.coverage),
            docmdp_ok=st.docmdp_ok, timestamped=ts is not None,
            reason_code=code, reason_vi=vi, reason_en=en, ok=bool(st.bottom_line) and code == "ok",
            summary=summary, detail="; ".join(details) or None, signer_organization=_organization(cert.subject),
            revocation="checked" if crls else "not_checked",
        ))
    return results


def verify_pdf(pdf_bytes: bytes, *, trust_roots: Sequence[Any], other_certs: Sequence[Any] = (),
               moment: _dt.datetime | None = None, skip_diff: bool = False, crls: Sequence[bytes] = (),
               revocation_mode: str = "soft-fail", key_usage_settings=None) -> list[SignatureCheck]:
    """Validate every embedded signature; offline (``allow_fetching=False``), trust = ``trust_roots``
    only (PEM/DER bytes or certificate objects); ``other_certs`` = intermediates not embedded in the
    signatures; ``moment`` = validation time (aware; default now). ``crls`` (DER) + ``revocation_mode``
    ("soft-fail" | "hard-fail" | "require") for revocation checks; with hard-fail/require and no
    CRLs, pyHanko raises ValueError when building the context.

    Returns [] for a PDF without signatures; raises :class:`PdfUnreadable` for a corrupt file.
    Safe inside a running event loop too (it then validates on a worker thread).
    """
    _check_arguments(trust_roots, moment)
    sigs = _embedded_signatures(pdf_bytes)
    if not sigs:  # most incoming files: no certificates to parse, no event loop to start
        return []
    return run_blocking(lambda: _validate_all(
        sigs, trust_roots=trust_roots, other_certs=other_certs, moment=moment, skip_diff=skip_diff,
        crls=crls, revocation_mode=revocation_mode, key_usage_settings=key_usage_settings))
