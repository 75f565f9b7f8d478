"""PDF signing adapter: leader approval + clerk number/date/seal, verified with pyHanko and poppler."""
from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pikepdf
import pytest
from pdf_support import *  # noqa: F401,F403  (fixtures)
from pdf_support import (
    CLERK,
    DATE_BOX,
    LEADER,
    LEADER_BOX,
    NUMBER_BOX,
    ORG_NAME,
    ORG_PIN,
    ORG_SHORT,
)
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from integrations.pdf import keys, pki, signing, verify

NUMBER = "182/QĐ-SLĐTBXH"
DATE = "Quảng Nam, ngày 26 tháng 11 năm 2026"
REASON_TAMPERED = "Tài liệu đã bị thay đổi sau khi ký (mã băm không khớp)"
REASON_MODIFIED = "Nội dung tài liệu bị sửa đổi sau khi ký"
REASON_UNTRUSTED = "Chứng thư số không chuỗi được tới CA tin cậy"
REASON_EXPIRED = "Chứng thư số đã hết hạn hoặc chưa có hiệu lực"
REASON_UNREADABLE = "Không đọc được tệp / tệp hỏng"


# --------------------------------------------------------------------------- helpers / fixtures

@pytest.fixture(scope="session")
def store(pki_paths):
    return keys.Pkcs12KeyStore(pki_paths.directory)


@pytest.fixture(scope="session")
def tsa(pki_paths):
    return signing.make_local_timestamper(pki_paths.tsa_cert, pki_paths.tsa_key, pki_paths.intermediate_cert)


def _leader_sign(pdf, signer, font_cache, png=None):
    return signing.sign_as_leader(pdf, signer, page=0, box=LEADER_BOX, name=LEADER.full_name,
                                  position=LEADER.position, location="Quảng Nam", image_png=png,
                                  font_cache_dir=font_cache)


def _issue(pdf, org_signer, tsa, font_cache, png=None):
    return signing.issue_with_seal(pdf, org_signer, number_text=NUMBER, date_text=DATE,
                                   seal_box=signing.seal_box_over(LEADER_BOX), page=0, timestamper=tsa,
                                   org_name=ORG_SHORT, seal_png=png, font_cache_dir=font_cache)


@pytest.fixture(scope="session")
def leader_signed(pdf_with_fields, store, font_cache, signature_png):
    return _leader_sign(pdf_with_fields, store.open_signer(LEADER.username, LEADER.pin), font_cache,
                        signature_png)


@pytest.fixture(scope="session")
def issued(leader_signed, store, tsa, font_cache, seal_png, tmp_path_factory):
    out = _issue(leader_signed, store.open_signer("org-seal", ORG_PIN), tsa, font_cache, seal_png)
    (tmp_path_factory.mktemp("out") / "issued.pdf").write_bytes(out)
    return out


def _verify(pdf, pki_paths, **kw):
    return verify.verify_pdf(pdf, trust_roots=pki_paths.trust_roots(), **kw)


def _by_field(checks):
    return {c.field: c for c in checks}


def replace_page_contents(pdf: bytes, text: bytes = b"BT /F1 30 Tf 100 400 Td (SUA DOI) Tj ET") -> bytes:
    """Incremental update that swaps page 0's /Contents for a new stream (notes §4 case b)."""
    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = w.root["/Pages"]["/Kids"][0].get_object()
    stream = generic.StreamObject(stream_data=text)
    page[generic.NameObject("/Contents")] = w.add_object(stream)
    w.update_container(page)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


# --------------------------------------------------------------------------- PKI

def test_pki_files_and_extensions(pki_paths):
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import pkcs12

    d = pki_paths.directory
    for name in ("root-ca.cert.pem", "root-ca.key.pem", "intermediate-ca.cert.pem", "intermediate-ca.key.pem",
                 "tsa.cert.pem", "tsa.key.pem", "org-seal.p12", "anh.nv.p12", "bich.tt.p12"):
        assert (d / name).is_file(), name
    assert oct((d / "anh.nv.p12").stat().st_mode & 0o777) == "0o600"
    key, cert, chain = pkcs12.load_key_and_certificates((d / "anh.nv.p12").read_bytes(), b"1111")
    assert cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == "Nguyễn Văn Ánh"
    ku = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert ku.critical and ku.value.content_commitment and ku.value.digital_signature
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert pki.DOCUMENT_SIGNING_EKU in list(eku)
    assert len(chain) == 2
    tsa = x509.load_pem_x509_certificate((d / "tsa.cert.pem").read_bytes())
    ext = tsa.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert ext.critical and x509.ExtendedKeyUsageOID.TIME_STAMPING in list(ext.value)
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates((d / "org-seal.p12").read_bytes(), b"wrong")


def test_ensure_pki_is_idempotent(tmp_path):
    p1 = pki.ensure_pki(tmp_path, ORG_NAME, [LEADER], ORG_PIN)
    assert set(p1.created) == {"root-ca", "intermediate-ca", "tsa", "org-seal", "anh.nv"}
    before = {f.name: f.read_bytes() for f in tmp_path.iterdir()}
    p2 = pki.ensure_pki(tmp_path, ORG_NAME, [LEADER, CLERK], ORG_PIN)
    assert p2.created == ["bich.tt"]
    for name, data in before.items():
        assert (tmp_path / name).read_bytes() == data, f"{name} was rewritten"
    assert set(pki.load_pki(tmp_path).people) == {"anh.nv", "bich.tt"}
    with pytest.raises(ValueError):
        pki.ensure_pki(tmp_path, ORG_NAME, [pki.Person("../evil", "X", "Y", "1")], ORG_PIN)


# --------------------------------------------------------------------------- key stores

def test_wrong_pin_raises_badpin_and_produces_nothing(pdf_with_fields, store, pki_paths):
    before = sorted(p.name for p in pki_paths.directory.iterdir())
    with pytest.raises(keys.BadPin):
        store.open_signer(LEADER.username, "0000")
    with pytest.raises(keys.BadPin):
        store.open_signer("org-seal", "")
    with pytest.raises(keys.KeyNotFound):
        store.open_signer("nobody", "1111")
    with pytest.raises(keys.KeyNotFound):
        store.open_signer("../anh.nv", "1111")
    assert sorted(p.name for p in pki_paths.directory.iterdir()) == before
    assert isinstance(store, keys.KeyStore)


# --------------------------------------------------------------------------- the happy path

def test_add_issue_fields(pdf_with_fields, unsigned_pdf):
    assert len(pdf_with_fields) < len(unsigned_pdf) + 5000  # plain widgets, no embedded font
    with pikepdf.open(io.BytesIO(pdf_with_fields)) as pdf:
        flds = {str(f.T): f for f in pdf.Root.AcroForm.Fields}
        assert set(flds) == {"so_ky_hieu", "ngay_ban_hanh"}
        assert flds["so_ky_hieu"].FT == "/Tx" and "/V" not in flds["so_ky_hieu"]
        assert [round(float(v)) for v in flds["so_ky_hieu"].Rect] == list(NUMBER_BOX)
        assert len(pdf.pages[0].Annots) == 2
    with pytest.raises(signing.IssueError):  # twice
        signing.add_issue_fields(pdf_with_fields, number_box=NUMBER_BOX, date_box=DATE_BOX)
    with pytest.raises(signing.IssueError):  # bad page
        signing.add_issue_fields(unsigned_pdf, number_box=NUMBER_BOX, date_box=DATE_BOX, page=3)


def test_leader_then_issue_both_valid(issued, leader_signed, pki_paths):
    checks = _verify(issued, pki_paths, other_certs=pki_paths.other_certs())
    assert [c.field for c in checks] == ["LanhDao", "CoQuan"]
    lead, seal = checks
    for c in checks:
        assert c.intact and c.valid and c.trusted and c.ok, c
        assert c.reason_code == "ok" and c.reason_vi == "Chữ ký hợp lệ"
        assert c.signed_at is not None and c.signed_at.tzinfo is not None
    assert lead.signer == "Nguyễn Văn Ánh" and "Giám đốc" in lead.signer_subject
    assert lead.issuer == "Q-Office Demo Signing CA"
    assert lead.modification == "form_filling" and lead.coverage == "entire_revision"
    assert lead.time_source == "claimed" and not lead.timestamped
    assert seal.signer == ORG_NAME
    assert seal.coverage == "entire_file" and seal.modification == "none"
    assert seal.timestamped and seal.time_source == "timestamp"
    assert abs(seal.signed_at - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=10)

    # the number and date are form-field values (not page content), read-only
    with pikepdf.open(io.BytesIO(issued)) as pdf:
        flds = {str(f.T): f for f in pdf.Root.AcroForm.Fields}
        assert str(flds["so_ky_hieu"].V) == NUMBER and str(flds["ngay_ban_hanh"].V) == DATE
        assert int(flds["so_ky_hieu"].Ff) & 1
    # issuing only appended: the leader-signed bytes are a prefix of the issued file
    assert issued.startswith(leader_signed)
    # the leader-signed file alone is valid too and fully covered
    (only,) = _verify(leader_signed, pki_paths)
    assert only.ok and only.coverage == "entire_file" and only.modification == "none"


def test_stamp_text_uses_vietnamese_font(issued):
    with pikepdf.open(io.BytesIO(issued)) as pdf:
        fonts = set()
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font" and "/BaseFont" in obj:
                fonts.add(str(obj.BaseFont))
    assert any("LiberationSerif" in f or "FreeSerif" in f or "NotoSerif" in f for f in fonts), fonts


def test_stamp_font_rescaled_and_cached(font_cache):
    from fontTools.ttLib import TTFont

    p1 = signing.stamp_font("regular", cache_dir=font_cache)
    p2 = signing.stamp_font("regular", cache_dir=font_cache)
    assert p1 == p2
    f = TTFont(p1)
    assert f["head"].unitsPerEm == 1000
    cmap = f.getBestCmap()
    assert all(ord(ch) in cmap for ch in "ơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđĐ₫")


def _pdfsig(args, f):
    r = subprocess.run(["pdfsig", *args, str(f)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    sig1, sig2 = r.stdout.split("Signature #2:")
    assert r.stdout.count("Signature Validation: Signature is Valid.") == 2, r.stdout
    assert "Signature Field Name: LanhDao" in sig1 and "Nguyễn Văn Ánh" in sig1
    assert "Not total document signed" in sig1
    assert "Signature Field Name: CoQuan" in sig2 and "Total document signed" in sig2
    assert "ETSI.CAdES.detached" in sig2
    return sig1, sig2


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils (pdfsig) not installed")
def test_pdfsig_accepts_both_signatures(issued, tmp_path):
    f = tmp_path / "issued.pdf"
    f.write_bytes(issued)
    _pdfsig(["-nocert"], f)


@pytest.mark.skipif(shutil.which("pdfsig") is None or shutil.which("certutil") is None,
                    reason="needs poppler-utils and certutil (libnss3-tools)")
def test_pdfsig_trusts_chain_via_nss_db(issued, pki_paths, tmp_path):
    """poppler/NSS as an independent validator: trust only our test root in a private NSS db."""
    db = tmp_path / "nss"
    db.mkdir()
    run = lambda *a: subprocess.run(["certutil", *a], check=True, capture_output=True, timeout=60)  # noqa: E731
    run("-N", "-d", f"sql:{db}", "--empty-password")
    run("-A", "-d", f"sql:{db}", "-n", "qoffice-test-root", "-t", "CT,C,C", "-i", str(pki_paths.root_cert))
    f = tmp_path / "issued.pdf"
    f.write_bytes(issued)
    sig1, sig2 = _pdfsig(["-nssdir", f"sql:{db}"], f)
    assert "Certificate Validation: Certificate is Trusted." in sig1, sig1
    assert "Certificate Validation: Certificate is Trusted." in sig2, sig2


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_issued_pdf_renders(issued, tmp_path):
    f = tmp_path / "issued.pdf"
    f.write_bytes(issued)
    text = subprocess.run(["pdftotext", str(f), "-"], capture_output=True, text=True, timeout=60).stdout
    assert "QUYẾT ĐỊNH" in text and "Nguyễn Văn Ánh" in text


# --------------------------------------------------------------------------- failures

def test_tampered_bytes_not_intact(issued, pki_paths):
    # flip characters inside the first revision (covered by both signatures), same length
    idx = issued.index(b"/Producer")
    bad = issued[:idx + 12] + b"X" * 6 + issued[idx + 18:]
    assert len(bad) == len(issued)
    checks = _verify(bad, pki_paths)
    assert len(checks) == 2
    for c in checks:
        assert not c.intact and not c.ok and not c.trusted
        assert c.reason_code == "tampered" and c.reason_vi == REASON_TAMPERED
        assert c.reason_en == "Document bytes changed after signing"


def test_content_change_after_signing_breaks_leader(issued, pki_paths):
    bad = replace_page_contents(issued)
    checks = _by_field(_verify(bad, pki_paths))
    lead = checks["LanhDao"]
    assert lead.intact and lead.valid and lead.trusted  # the bytes it signed are untouched...
    assert lead.modification == "other" and lead.docmdp_ok is False and not lead.ok  # ...but not allowed
    assert lead.reason_code == "modified" and lead.reason_vi == REASON_MODIFIED
    assert lead.detail  # technical diff message for the logs
    assert checks["CoQuan"].reason_vi == REASON_MODIFIED


def test_content_change_before_seal_only_leader_broken(leader_signed, store, tsa, font_cache, pki_paths):
    """Notes §4 d2: the org signature stays valid; only validating EVERY signature shows the problem."""
    bad = replace_page_contents(leader_signed)
    out = _issue(bad, store.open_signer("org-seal", ORG_PIN), tsa, font_cache)
    checks = _by_field(_verify(out, pki_paths))
    assert checks["CoQuan"].ok
    assert not checks["LanhDao"].ok and checks["LanhDao"].reason_vi == REASON_MODIFIED


def test_rogue_root_same_subject_untrusted(pdf_with_fields, pki_paths, font_cache, tmp_path):
    rogue = pki.issue_rogue_cert(LEADER, ORG_NAME)
    rogue.write_p12(tmp_path, "rogue")
    signer = keys.Pkcs12KeyStore(tmp_path).open_signer("rogue", LEADER.pin)
    out = _leader_sign(pdf_with_fields, signer, font_cache)
    (c,) = _verify(out, pki_paths)
    assert c.signer == LEADER.full_name  # same identity...
    assert c.intact and c.valid and not c.trusted and not c.ok  # ...but no trust
    assert c.reason_code == "untrusted" and c.reason_vi == REASON_UNTRUSTED
    # and trusting the rogue root instead makes it trusted: trust decides, not the name
    (c2,) = verify.verify_pdf(out, trust_roots=[rogue.root_cert_pem])
    assert c2.trusted and c2.ok


def test_expired_cert(pdf_with_fields, pki_paths, font_cache, tmp_path):
    expired = pki.issue_expired_cert(pki_paths, LEADER, ORG_NAME)
    expired.write_p12(tmp_path, "expired")
    signer = keys.Pkcs12KeyStore(tmp_path).open_signer("expired", LEADER.pin)
    out = _leader_sign(pdf_with_fields, signer, font_cache)
    (c,) = _verify(out, pki_paths)
    assert c.intact and c.valid and not c.trusted and not c.ok
    assert c.reason_code == "expired" and c.reason_vi == REASON_EXPIRED


def test_valid_signature_judged_at_later_moment_is_expired(leader_signed, pki_paths):
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=365 * 4)
    (c,) = _verify(leader_signed, pki_paths, moment=later)
    assert not c.ok and c.reason_vi == REASON_EXPIRED


def test_issue_requires_leader_signature_and_empty_fields(pdf_with_fields, issued, store, tsa, font_cache):
    org = store.open_signer("org-seal", ORG_PIN)
    with pytest.raises(signing.IssueError):
        _issue(pdf_with_fields, org, tsa, font_cache)  # nobody signed yet
    with pytest.raises(signing.IssueError):
        _issue(issued, org, tsa, font_cache)  # already issued: fields are filled
    with pytest.raises(signing.IssueError):
        signing.add_issue_fields(issued, number_box=NUMBER_BOX, date_box=DATE_BOX)


def test_unsigned_and_unreadable(unsigned_pdf, pki_paths):
    assert _verify(unsigned_pdf, pki_paths) == []
    for junk in (b"not a pdf at all", unsigned_pdf[: len(unsigned_pdf) // 2], b""):
        with pytest.raises(verify.PdfUnreadable) as ei:
            _verify(junk, pki_paths)
        assert ei.value.reason_vi == REASON_UNREADABLE
    with pytest.raises(ValueError):
        verify.verify_pdf(unsigned_pdf, trust_roots=[])


def test_verify_from_worker_thread(issued, pki_paths):
    """validate_pdf_signature wraps asyncio.run: must work from a plain (non-async) thread."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as ex:
        results = list(ex.map(lambda _: _verify(issued, pki_paths), range(2)))
    assert all(len(r) == 2 and all(c.ok for c in r) for r in results)


def test_seal_box_overlaps_left_third():
    x1, y1, x2, y2 = LEADER_BOX
    sx1, sy1, sx2, sy2 = signing.seal_box_over(LEADER_BOX, size=100)
    assert sx2 == pytest.approx(x1 + (x2 - x1) / 3, abs=0.01) and sx2 - sx1 == pytest.approx(100)
    assert (sy1 + sy2) / 2 == pytest.approx((y1 + y2) / 2)


def test_image_only_stamps(pdf_with_fields, store, tsa, font_cache, signature_png, seal_png, pki_paths):
    signed = signing.sign_as_leader(pdf_with_fields, store.open_signer(LEADER.username, LEADER.pin), page=0,
                                    box=LEADER_BOX, name=LEADER.full_name, position=LEADER.position,
                                    image_png=signature_png, show_text=False, font_cache_dir=font_cache)
    out = signing.issue_with_seal(signed, store.open_signer("org-seal", ORG_PIN), number_text=NUMBER,
                                  date_text=DATE, seal_box=signing.seal_box_over(LEADER_BOX), page=0,
                                  timestamper=tsa, org_name=ORG_SHORT, seal_png=seal_png, show_text=False,
                                  font_cache_dir=font_cache)
    assert all(c.ok for c in _verify(out, pki_paths))


def test_http_timestamper_against_local_tsa(leader_signed, store, font_cache, pki_paths):
    """make_http_timestamper speaks RFC 3161 over HTTP: serve pyHanko's DummyTimeStamper on 127.0.0.1."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from asn1crypto import tsp

    backend = signing.make_local_timestamper(pki_paths.tsa_cert, pki_paths.tsa_key, pki_paths.intermediate_cert)
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            hits.append(self.headers.get("Content-Type"))
            resp = backend.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(resp)))
            self.end_headers()
            self.wfile.write(resp)

        def log_message(self, *a):
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        url = f"http://127.0.0.1:{srv.server_address[1]}/tsa"
        out = _issue(leader_signed, store.open_signer("org-seal", ORG_PIN), signing.make_http_timestamper(url),
                     font_cache)
    finally:
        srv.shutdown()
        srv.server_close()
    assert hits and hits[0] == "application/timestamp-query"
    seal = _by_field(_verify(out, pki_paths))["CoQuan"]
    assert seal.ok and seal.timestamped and seal.time_source == "timestamp"


def test_the_signature_size_is_estimated_once_per_signer_and_a_signature_outgrowing_it_is_signed_again(
        pdf_with_fields, store, tsa, font_cache, pki_paths, monkeypatch):
    monkeypatch.setattr(signing, "_RESERVED", {})
    seal = store.open_signer("org-seal", ORG_PIN)
    leader = store.open_signer(LEADER.username, LEADER.pin)
    first = _issue(_leader_sign(pdf_with_fields, leader, font_cache), seal, tsa, font_cache)
    assert len(signing._RESERVED) == 2  # the leader's size, the seal's (with its timestamp)
    sizes = dict(signing._RESERVED)
    second = _issue(_leader_sign(pdf_with_fields, leader, font_cache), seal, tsa, font_cache)
    assert signing._RESERVED == sizes  # the second document was signed in the sizes found for the first
    for issued in (first, second):
        assert [c.ok for c in _verify(issued, pki_paths, other_certs=pki_paths.other_certs())] == [True, True]
    # A size found too small (a TSA whose answers grew, a token embedding more certificates) is found
    # out while signing: that document is signed again in a size estimated anew.
    key = next(k for k in signing._RESERVED if k[2] != "NoneType")
    signing._RESERVED[key] = 2048
    again = _issue(_leader_sign(pdf_with_fields, leader, font_cache), seal, tsa, font_cache)
    assert signing._RESERVED[key] == sizes[key]
    assert [c.ok for c in _verify(again, pki_paths, other_certs=pki_paths.other_certs())] == [True, True]
