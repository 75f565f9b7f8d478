"""Tests for integrations.scan: test PDFs are built at test time with pikepdf."""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import time
import zipfile

import pikepdf
import pytest

from integrations.scan import (
    DEFAULT_ALLOWED,
    EICAR,
    ClamdError,
    Finding,
    ScanResult,
    clamd_instream,
    scan_file,
)

# Assembled at run time so this source file is not itself an EICAR hit for a virus scanner.
assert EICAR.startswith(b"X5O!P%@AP") and len(EICAR) == 68


# ---------------------------------------------------------------------------------------------
# builders
# ---------------------------------------------------------------------------------------------

def _save(pdf: pikepdf.Pdf, **kw) -> bytes:
    buf = io.BytesIO()
    pdf.save(buf, **kw)
    return buf.getvalue()


def _base_pdf() -> pikepdf.Pdf:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    page = pdf.pages[0]
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 770 Td (Cong van so 01) Tj ET")
    return pdf


def clean_pdf() -> bytes:
    return _save(_base_pdf())


def openaction_js_pdf() -> bytes:
    pdf = _base_pdf()
    pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Action, S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('x');")))
    return _save(pdf)


def names_js_in_objstm_pdf() -> bytes:
    pdf = _base_pdf()
    action = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript,
                                                  JS=pikepdf.String("this.print({bUI:false});")))
    js_tree = pdf.make_indirect(pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("init"), action])))
    pdf.Root.Names = pdf.make_indirect(pikepdf.Dictionary(JavaScript=js_tree))
    return _save(pdf, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)


def launch_pdf() -> bytes:
    pdf = _base_pdf()
    annot = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[72, 700, 300, 720], Border=[0, 0, 0],
        A=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))))
    pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([annot]))
    return _save(pdf)


def uri_pdf() -> bytes:
    pdf = _base_pdf()
    annot = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[72, 700, 300, 720],
        A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.org/"))))
    pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([annot]))
    return _save(pdf)


def eicar_attachment_pdf() -> bytes:
    pdf = _base_pdf()
    pdf.attachments["readme.txt"] = pikepdf.AttachedFileSpec(pdf, EICAR, mime_type="text/plain")
    data = _save(pdf, compress_streams=True)
    assert EICAR not in data          # only visible after Flate decoding
    return data


def eicar_after_eof_pdf() -> bytes:
    return clean_pdf() + b"\n" + EICAR + b"\n"


def xfa_pdf() -> bytes:
    pdf = _base_pdf()
    xfa = pdf.make_stream(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'></xdp:xdp>")
    pdf.Root.AcroForm = pdf.make_indirect(pikepdf.Dictionary(Fields=pikepdf.Array(), XFA=xfa))
    return _save(pdf)


def encrypted_pdf(user: str = "secret") -> bytes:
    return _save(_base_pdf(), encryption=pikepdf.Encryption(user=user, owner="owner-pw", R=6))


def pe_bytes() -> bytes:
    dos = bytearray(b"MZ" + b"\x90\x00" * 29 + b"\x00\x00")
    dos += b"\x00" * (0x3C - len(dos))
    dos += (0x80).to_bytes(4, "little")
    dos += b"\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21This program cannot be run in DOS mode.\r\r\n$"
    dos += b"\x00" * (0x80 - len(dos))
    dos += b"PE\x00\x00" + b"\x4c\x01" + b"\x00" * 200
    return bytes(dos)


def _codes(r: ScanResult) -> set[str]:
    return {f.code for f in r.findings}


# ---------------------------------------------------------------------------------------------
# PDF cases
# ---------------------------------------------------------------------------------------------

def test_clean_pdf_ok():
    r = scan_file(clean_pdf(), "van-ban.pdf")
    assert r.verdict == "ok", r.findings
    assert r.mime == "application/pdf"
    assert r.findings == []


def test_openaction_javascript_blocked():
    r = scan_file(openaction_js_pdf(), "a.pdf")
    assert r.verdict == "block"
    assert {"pdf_javascript", "pdf_open_action"} <= _codes(r)
    assert "Tệp PDF chứa mã JavaScript" in r.messages_vi()


def test_names_javascript_inside_object_stream_blocked():
    data = names_js_in_objstm_pdf()
    assert b"/ObjStm" in data and b"/JavaScript" not in data     # hidden from raw-byte matching
    r = scan_file(data, "b.pdf")
    assert r.verdict == "block"
    assert "pdf_javascript" in _codes(r)


def test_launch_action_blocked():
    r = scan_file(launch_pdf(), "c.pdf")
    assert r.verdict == "block"
    assert "pdf_dangerous_action" in _codes(r)
    assert any("Launch" in f.message_vi for f in r.findings)


def test_uri_link_only_warns():
    r = scan_file(uri_pdf(), "d.pdf")
    assert r.verdict == "warn"
    assert _codes(r) == {"pdf_uri"}


def test_xfa_blocked():
    r = scan_file(xfa_pdf(), "xfa.pdf")
    assert r.verdict == "block" and "pdf_xfa" in _codes(r)


def test_flate_compressed_eicar_attachment_blocked():
    r = scan_file(eicar_attachment_pdf(), "e.pdf")
    assert r.verdict == "block"
    assert {"eicar", "pdf_embedded_file"} <= _codes(r)
    assert any("EICAR" in f.message_vi for f in r.findings)
    # the nested scan reports which attachment it came from
    assert any("readme.txt" in f.message_vi for f in r.findings if f.code == "eicar")


def test_eicar_after_eof_blocked_and_trailing_warned():
    r = scan_file(eicar_after_eof_pdf(), "f.pdf")
    assert r.verdict == "block"
    assert {"eicar", "pdf_trailing_data"} <= _codes(r)
    levels = {f.code: f.level for f in r.findings}
    assert levels["eicar"] == "block" and levels["pdf_trailing_data"] == "warn"


def test_plain_trailing_garbage_is_warn_only():
    r = scan_file(clean_pdf() + b"\nsome junk appended\n", "g.pdf")
    assert r.verdict == "warn" and _codes(r) == {"pdf_trailing_data"}


@pytest.mark.parametrize("payload,name", [(pe_bytes(), "hoa-don.pdf"), (b"\x00" * 4096, "trong.pdf")])
def test_non_pdf_renamed_pdf_blocked(payload, name):
    r = scan_file(payload, name)
    assert r.verdict == "block"
    assert "type_not_allowed" in _codes(r)
    assert any(f.message_vi.startswith("Loại tệp không được phép") for f in r.findings)
    assert r.mime != "application/pdf"


def test_pe_is_reported_as_executable():
    r = scan_file(pe_bytes(), "setup.pdf")
    assert "executable" in _codes(r)


def test_user_password_encrypted_pdf_blocked():
    r = scan_file(encrypted_pdf(), "mat.pdf")
    assert r.verdict == "block"
    assert "pdf_encrypted" in _codes(r)


def test_owner_only_encryption_is_warn():
    r = scan_file(encrypted_pdf(user=""), "owner.pdf")
    assert r.verdict == "warn"
    assert "pdf_restricted" in _codes(r)


def test_truncated_pdf_unreadable_blocked():
    r = scan_file(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", "h.pdf")
    assert r.verdict == "block"
    assert "pdf_unreadable" in _codes(r)
    assert any("Không đọc được tệp PDF" in f.message_vi for f in r.findings)


def test_damaged_xref_is_recovered_with_warning():
    data = clean_pdf()
    i = data.rfind(b"startxref")
    broken = data[:i] + b"startxref\n999999\n%%EOF\n"
    r = scan_file(broken, "i.pdf")
    assert r.verdict == "warn"
    assert "pdf_damaged" in _codes(r)


# ---------------------------------------------------------------------------------------------
# non-PDF cases
# ---------------------------------------------------------------------------------------------

def test_eicar_text_file_blocked():
    r = scan_file(EICAR, "eicar.txt")
    assert r.verdict == "block" and "eicar" in _codes(r)


def test_plain_text_ok_and_extension_mismatch_warns():
    txt = "Báo cáo tình hình thực hiện chính sách người có công.\n".encode()
    assert scan_file(txt, "bao-cao.txt").verdict == "ok"
    r = scan_file(clean_pdf(), "van-ban.txt")
    assert r.verdict == "warn" and "extension_mismatch" in _codes(r)


def test_disallowed_extension_with_allowed_content_blocked():
    r = scan_file(clean_pdf(), "van-ban.exe")
    assert r.verdict == "block" and "extension_not_allowed" in _codes(r)


def test_allow_list_is_configurable():
    assert "pdf" in DEFAULT_ALLOWED
    r = scan_file(b"hello\n", "a.txt", allowed={"pdf"})
    assert r.verdict == "block" and "type_not_allowed" in _codes(r)


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, d in members.items():
            zf.writestr(n, d)
    return buf.getvalue()


def test_zip_with_eicar_and_executable_blocked():
    r = scan_file(_zip({"a/readme.txt": EICAR, "b/setup.exe": pe_bytes()}), "ho-so.zip")
    assert r.verdict == "block"
    assert {"eicar", "zip_executable"} <= _codes(r)


def test_zip_with_malicious_pdf_member_blocked():
    r = scan_file(_zip({"van-ban.pdf": openaction_js_pdf()}), "ho-so.zip")
    assert r.verdict == "block" and "pdf_javascript" in _codes(r)


def test_clean_zip_ok():
    r = scan_file(_zip({"van-ban.pdf": clean_pdf(), "ghi-chu.txt": b"ok"}), "ho-so.zip")
    assert r.verdict == "ok", r.findings


def test_docx_with_macro_blocked():
    docx = _zip({
        "[Content_Types].xml": b"<?xml version='1.0'?><Types xmlns='http://schemas.openxmlformats.org/package/2006/content-types'/>",
        "word/document.xml": b"<w:document/>",
        "word/vbaProject.bin": b"\xd0\xcf\x11\xe0",
    })
    r = scan_file(docx, "to-trinh.docx")
    assert "office_macro" in _codes(r) and r.verdict == "block"


def test_docx_with_late_content_types_accepted():
    docx = _zip({
        "word/document.xml": b"<w:document/>",
        "docProps/app.xml": b"<Properties/>",
        "[Content_Types].xml": b"<?xml version='1.0'?><Types/>",
    })
    r = scan_file(docx, "bao-cao.docx")
    assert r.verdict == "ok", (r.mime, r.findings)


def test_empty_file_blocked():
    r = scan_file(b"", "x.pdf")
    assert r.verdict == "block" and "empty" in _codes(r)


def test_embedded_pe_in_pdf_blocked():
    pdf = _base_pdf()
    pdf.attachments["setup.exe"] = pikepdf.AttachedFileSpec(pdf, pe_bytes(), filename="setup.exe")
    r = scan_file(_save(pdf), "j.pdf")
    assert r.verdict == "block"
    assert "pdf_embedded_file" in _codes(r)
    assert {"executable", "type_not_allowed"} & _codes(r)


def test_finding_is_plain_dataclass():
    f = Finding("warn", "x", "y")
    assert f.detail == ""


# ---------------------------------------------------------------------------------------------
# ClamAV (clamd INSTREAM)
# ---------------------------------------------------------------------------------------------

def test_configured_but_unreachable_clamd_warns(tmp_path):
    r = scan_file(clean_pdf(), "k.pdf", clamd_socket=str(tmp_path / "nope.sock"))
    assert r.verdict == "warn"
    assert "clamav_unavailable" in _codes(r)
    with pytest.raises(ClamdError):
        clamd_instream(b"x", str(tmp_path / "nope.sock"), timeout=1)


def _fake_clamd(path: str, reply: bytes):
    """A one-shot in-process fake clamd that checks the INSTREAM framing."""
    import threading

    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    received = {}

    def run():
        conn, _ = srv.accept()
        with conn:
            f = conn.makefile("rb")
            cmd = b""
            while not cmd.endswith(b"\0"):
                cmd += f.read(1)
            data = b""
            while True:
                n = int.from_bytes(f.read(4), "big")
                if n == 0:
                    break
                data += f.read(n)
            received["cmd"], received["data"] = cmd, data
            conn.sendall(reply)
        srv.close()

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, received


def test_instream_protocol_with_fake_clamd(tmp_path):
    path = str(tmp_path / "fake.sock")
    payload = os.urandom(200_000)                   # > 1 chunk
    t, got = _fake_clamd(path, b"stream: Win.Test.Fake-1 FOUND\0")
    r = scan_file(payload + b"", "x.zip", clamd_socket=path, allowed={"zip"})
    t.join(5)
    assert got["cmd"] == b"zINSTREAM\0" and got["data"] == payload
    assert "clamav" in _codes(r) and r.verdict == "block"
    assert any("Win.Test.Fake-1" in f.message_vi for f in r.findings)


def test_fake_clamd_ok_and_error(tmp_path):
    path = str(tmp_path / "ok.sock")
    t, _ = _fake_clamd(path, b"stream: OK\0")
    r = scan_file(clean_pdf(), "ok.pdf", clamd_socket=path)
    t.join(5)
    assert r.verdict == "ok", r.findings
    path2 = str(tmp_path / "err.sock")
    t, _ = _fake_clamd(path2, b"INSTREAM size limit exceeded. ERROR\0")
    r = scan_file(clean_pdf(), "ok.pdf", clamd_socket=path2)
    t.join(5)
    assert r.verdict == "warn" and "clamav_error" in _codes(r)


@pytest.fixture(scope="module")
def real_clamd(tmp_path_factory):
    clamd = shutil.which("clamd") or ("/usr/sbin/clamd" if os.path.exists("/usr/sbin/clamd") else None)
    if not clamd:
        pytest.skip("clamd not installed")
    d = tmp_path_factory.mktemp("clamd")
    db = d / "db"
    db.mkdir()
    (db / "local-eicar.ndb").write_text(f"Local.Test.EICAR:0:*:{EICAR.hex()}\n")
    sock = d / "clamd.sock"
    conf = d / "clamd.conf"
    conf.write_text(f"LocalSocket {sock}\nDatabaseDirectory {db}\nForeground yes\nLogFile {d / 'clamd.log'}\n"
                    f"PidFile {d / 'clamd.pid'}\nTemporaryDirectory {d}\n")
    try:
        proc = subprocess.Popen([clamd, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError as exc:
        pytest.skip(f"cannot start clamd: {exc}")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if sock.exists():
            try:
                clamd_instream(b"ping", str(sock), timeout=2)
                break
            except ClamdError:
                pass
        if proc.poll() is not None:
            pytest.skip("clamd exited at start-up")
        time.sleep(0.2)
    else:
        proc.terminate()
        pytest.skip("clamd did not come up")
    yield str(sock)
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_real_clamd_eicar_and_clean(real_clamd):
    assert clamd_instream(clean_pdf(), real_clamd) == "stream: OK"
    r = scan_file(EICAR, "eicar.txt", clamd_socket=real_clamd)
    assert {"eicar", "clamav"} <= _codes(r)
    assert any("Local.Test.EICAR" in f.message_vi for f in r.findings if f.code == "clamav")
    r = scan_file(clean_pdf(), "clean.pdf", clamd_socket=real_clamd)
    assert r.verdict == "ok", r.findings


# ---------------------------------------------------------------------------------------------
# policy: what cannot be checked, or runs code, does not enter
# ---------------------------------------------------------------------------------------------

def _ole_with_macro() -> bytes:
    header = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
    return header + b"\0" * (512 - len(header)) + "_VBA_PROJECT".encode("utf-16-le") + b"\0" * 2000


def test_macros_in_legacy_office_files_are_refused():
    for name in ("to-trinh.doc", "bang-luong.xls"):
        r = scan_file(_ole_with_macro(), name)
        assert r.verdict == "block" and "office_macro" in _codes(r), name


def test_a_macro_enabled_document_inside_a_zip_is_refused():
    r = scan_file(_zip({"to-trinh.docx/word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}), "ho-so.zip")
    assert r.verdict == "block" and "office_macro" in _codes(r)


def test_a_password_protected_zip_member_is_refused():
    data = bytearray(_zip({"bi-mat.pdf": b"ciphertext " * 100}))
    # Set the "encrypted" bit in the local and the central header (zipfile cannot write encryption).
    data[6] |= 0x1
    data[data.find(b"PK\x01\x02") + 8] |= 0x1
    r = scan_file(bytes(data), "ho-so.zip")
    assert r.verdict == "block" and "zip_encrypted" in _codes(r)


def test_a_zip_of_zips_counts_their_expansion():
    inner = _zip({"du-lieu.txt": b"\0" * (50 * 2**20)})
    outer = _zip({f"phan-{i}.zip": inner for i in range(4)})
    assert len(outer) < 2**20
    r = scan_file(outer, "ho-so.zip")
    assert r.verdict == "block" and "zip_bomb" in _codes(r)


def test_a_zip_nested_too_deep_is_refused():
    data = _zip({"van-ban.pdf": clean_pdf()})
    for level in range(4):
        data = _zip({f"lop-{level}.zip": data})
    r = scan_file(data, "ho-so.zip")
    assert r.verdict == "block" and "nesting_too_deep" in _codes(r)


def test_a_clean_zip_of_zips_is_accepted():
    r = scan_file(_zip({"ho-so-con.zip": _zip({"van-ban.pdf": clean_pdf()})}), "ho-so.zip")
    assert r.verdict == "ok", r.findings


def test_a_pdf_stream_inflating_beyond_the_budget_is_refused_without_inflating_it():
    import tracemalloc
    import zlib

    deflater = zlib.compressobj(9)
    chunk = b"\0" * 2**20
    bomb = b"".join(deflater.compress(chunk) for _ in range(300)) + deflater.flush()  # 300 MiB of zeros
    pdf = _base_pdf()
    pdf.Root.Bomb = pdf.make_stream(b"")
    pdf.Root.Bomb.write(bomb, filter=pikepdf.Name.FlateDecode)
    data = _save(pdf)
    tracemalloc.start()
    r = scan_file(data, "bom.pdf")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert r.verdict == "block" and "pdf_bomb" in _codes(r)
    assert peak < 100 * 2**20  # never the whole stream in memory


# ---------------------------------------------------------------------------------------------
# work budgets
# ---------------------------------------------------------------------------------------------

def _scanned_page_pdf(jpeg: bytes) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    image = pikepdf.Stream(pdf, jpeg)
    image.Type, image.Subtype, image.Filter = pikepdf.Name.XObject, pikepdf.Name.Image, pikepdf.Name.DCTDecode
    image.Width, image.Height, image.BitsPerComponent = 1600, 2200, 8
    image.ColorSpace = pikepdf.Name.DeviceRGB
    pdf.pages[0].Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    return _save(pdf)


def test_a_scanned_page_is_not_reported_as_not_fully_scanned():
    # A page photographed at 300 dpi: megabytes of JPEG, which the scanner checks as stored.
    jpeg = b"\xff\xd8\xff\xe0" + os.urandom(3 * 2**20) + b"\xff\xd9"
    result = scan_file(_scanned_page_pdf(jpeg), "cong-van-scan.pdf")
    assert result.verdict == "ok", result.findings


def test_beyond_the_budgets_a_pdf_is_reported_as_not_fully_scanned():
    pdf = _base_pdf()
    pdf.Root.Junk = pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(N=i)) for i in range(300)])
    many = _save(pdf)
    assert scan_file(many, "a.pdf").verdict == "ok"
    walked = scan_file(many, "a.pdf", objects_budget=100)
    assert walked.verdict == "warn" and walked.codes == {"pdf_not_fully_scanned"} and walked.objects == 100
    streams = _base_pdf()
    streams.Root.Data = pikepdf.Array([pikepdf.Stream(streams, os.urandom(20_000)) for _ in range(3)])
    data = _save(streams, compress_streams=True)
    assert scan_file(data, "b.pdf").verdict == "ok"
    spent = scan_file(data, "b.pdf", decoded_budget=30_000)
    assert spent.verdict == "warn" and "pdf_not_fully_scanned" in spent.codes
