"""Tests for integrations.pdf.compose (Decree 30/2020 layout rendering with weasyprint)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import time
import unicodedata

import pikepdf
import pytest

from integrations.pdf.compose import (
    DraftLayout,
    RenderedDraft,
    build_draft_html,
    render_draft,
    render_html_to_pdf,
)
from integrations.scan import scan_file

needs_poppler = pytest.mark.skipif(not (shutil.which("pdftotext") and shutil.which("pdffonts")),
                                   reason="poppler-utils not installed")

A4_W, A4_H = 595.28, 841.89

QD_BODY = """Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;

Căn cứ Quyết định số 12/2021/QĐ-UBND của Ủy ban nhân dân tỉnh Quảng Nam quy định chức năng, nhiệm vụ của Sở;

Xét đề nghị của Chánh Văn phòng Sở.

QUYẾT ĐỊNH:

Điều 1. Ban hành kèm theo Quyết định này Quy chế quản lý văn bản điện tử của Sở.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
Điều 3. Chánh Văn phòng, Trưởng các phòng, đơn vị thuộc Sở chịu trách nhiệm thi hành Quyết định này."""


def qd_layout(**kw) -> DraftLayout:
    base = dict(
        parent_name="UBND TỈNH QUẢNG NAM",
        agency_name="SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
        place="Quảng Nam",
        doc_type="QĐ",
        type_name="Quyết định",
        subject="Về việc ban hành Quy chế quản lý văn bản điện tử",
        body=QD_BODY,
        receivers=["Như Điều 3", "UBND tỉnh (b/c)", "Giám đốc, các PGĐ Sở"],
        archive_unit="VP",
        signer_competence="KT. GIÁM ĐỐC",
        signer_position="PHÓ GIÁM ĐỐC",
        signer_name="Nguyễn Thị Ánh Hường",
        urgency="normal",
    )
    base.update(kw)
    return DraftLayout(**base)


def cv_layout(**kw) -> DraftLayout:
    base = dict(
        parent_name="UBND TỈNH QUẢNG NAM",
        agency_name="SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
        place="Quảng Nam",
        doc_type="CV",
        type_name="",
        subject="hướng dẫn chi trả trợ cấp ưu đãi người có công năm 2026",
        body=("Thực hiện Nghị định số 55/2023/NĐ-CP của Chính phủ, Sở Lao động - Thương binh và Xã hội "
              "hướng dẫn việc chi trả trợ cấp ưu đãi như sau:\n\n"
              "Đề nghị Phòng Lao động - Thương binh và Xã hội các huyện, thị xã, thành phố triển khai "
              "thực hiện, báo cáo kết quả về Sở trước ngày 15 tháng 12 năm 2026."),
        receivers=["Như trên", "Giám đốc Sở (b/c)"],
        archive_unit="NCC",
        signer_competence="GIÁM ĐỐC",
        signer_position="Giám đốc",
        signer_name="Trần Văn Đức",
        urgency="khan",
        addressees=["Phòng Lao động - Thương binh và Xã hội các huyện, thị xã, thành phố"],
    )
    base.update(kw)
    return DraftLayout(**base)


def _text(pdf: bytes, tmp_path) -> str:
    p = tmp_path / "doc.pdf"
    p.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(p), "-"], capture_output=True, check=True).stdout
    return unicodedata.normalize("NFC", out.decode("utf-8"))


def _fonts(pdf: bytes, tmp_path) -> list[list[str]]:
    p = tmp_path / "fonts.pdf"
    p.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(p)], capture_output=True, check=True, text=True).stdout
    return [ln.split() for ln in out.splitlines()[2:] if ln.strip()]


def _inside_page(box):
    x1, y1, x2, y2 = box
    return 0 <= x1 < x2 <= A4_W and 0 <= y1 < y2 <= A4_H


@pytest.fixture(scope="module")
def qd() -> RenderedDraft:
    return render_draft(qd_layout())


@pytest.fixture(scope="module")
def cv() -> RenderedDraft:
    return render_draft(cv_layout())


@needs_poppler
def test_qd_text(qd, tmp_path):
    assert qd.pdf.startswith(b"%PDF-")
    t = _text(qd.pdf, tmp_path)
    flat = re.sub(r"\s+", " ", t)
    for s in ("UBND TỈNH QUẢNG NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
              "QUYẾT ĐỊNH", "Về việc ban hành Quy chế quản lý văn bản điện tử", "Nơi nhận:",
              "- Lưu: VT, VP.", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Thị Ánh Hường", "Số:", "Quảng Nam,",
              "Điều 3. Chánh Văn phòng"):
        assert s in flat, s
    assert "SỞ LAO ĐỘNG - THƯƠNG" in flat and "XÃ HỘI" in flat
    assert "KHẨN" not in flat and "V/v" not in flat


@needs_poppler
def test_cv_text(cv, tmp_path):
    flat = re.sub(r"\s+", " ", _text(cv.pdf, tmp_path))
    for s in ("UBND TỈNH QUẢNG NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
              "V/v hướng dẫn chi trả trợ cấp ưu đãi", "người có công năm 2026", "Kính gửi:", "KHẨN",
              "Nơi nhận:", "- Như trên;", "- Lưu: VT, NCC.", "GIÁM ĐỐC", "Trần Văn Đức"):
        assert s in flat, s
    # the position equal to the competence line is printed only once
    assert flat.count("GIÁM ĐỐC") == 1
    assert "CÔNG VĂN" not in flat


@needs_poppler
def test_fonts_embedded(qd, tmp_path):
    rows = _fonts(qd.pdf, tmp_path)
    assert rows
    for r in rows:
        # name type... encoding emb sub uni id gen
        emb, uni = r[-5], r[-3]
        assert emb == "yes" and uni == "yes", r
    assert any("Serif" in r[0] for r in rows)


def test_boxes_inside_page_and_seal_overlaps_left_third(qd, cv):
    for d in (qd, cv):
        assert d.page_count == 1 and d.page_index == 0
        for b in (d.number_box, d.date_box, d.leader_box, d.seal_box):
            assert _inside_page(b), b
        # number top-left, date top-right, signature bottom-right
        assert d.number_box[1] > A4_H / 2 and d.date_box[1] > A4_H / 2
        assert d.number_box[2] <= d.date_box[0]
        lx1, ly1, lx2, ly2 = d.leader_box
        assert lx1 > A4_W / 2 - 60 and ly2 < d.number_box[1]
        # ~70 x 28 mm
        assert abs((lx2 - lx1) - 70 * 72 / 25.4) < 1.5 and abs((ly2 - ly1) - 28 * 72 / 25.4) < 1.5
        sx1, sy1, sx2, sy2 = d.seal_box
        third = lx1 + (lx2 - lx1) / 3
        assert sx1 < lx1 < sx2 <= third + 0.5          # covers the left third, not more
        assert sy1 < ly2 and sy2 > ly1                 # vertical overlap
        # within the printable area (margins 30 mm left / 15 mm right)
        assert lx2 <= A4_W - 15 * 72 / 25.4 + 0.5
        # the number/date fields are big enough for "182/QĐ-SLĐTBXH" / "ngày 26 tháng 11 năm 2026"
        assert d.number_box[2] - d.number_box[0] > 110 and d.date_box[2] - d.date_box[0] > 150
        assert 15 < d.number_box[3] - d.number_box[1] < 30


def test_no_form_fields_and_no_active_content(qd):
    with pikepdf.open(io.BytesIO(qd.pdf)) as pdf:
        assert "/AcroForm" not in pdf.Root
        assert len(pdf.pages) == qd.page_count
        assert all("/Annots" not in p.obj for p in pdf.pages)
        assert float(pdf.pages[0].mediabox[2]) == pytest.approx(A4_W, abs=0.5)


def test_rendered_drafts_scan_clean(qd, cv):
    for d in (qd, cv):
        r = scan_file(d.pdf, "du-thao.pdf")
        assert r.verdict == "ok", r.findings


@needs_poppler
def test_nfd_input_is_normalised(tmp_path):
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Ánh Hường")
    assert nfd != "Nguyễn Thị Ánh Hường"
    html = build_draft_html(qd_layout(signer_name=nfd))
    assert "Nguyễn Thị Ánh Hường" in html and nfd not in html
    d = render_draft(qd_layout(signer_name=nfd))
    assert "Nguyễn Thị Ánh Hường" in _text(d.pdf, tmp_path)


@needs_poppler
@pytest.mark.parametrize("code,label", [("khan", "KHẨN"), ("thuong_khan", "THƯỢNG KHẨN"), ("hoa_toc", "HỎA TỐC")])
def test_urgency_stamps(code, label, tmp_path):
    d = render_draft(qd_layout(urgency=code))
    assert label in _text(d.pdf, tmp_path)
    html = build_draft_html(qd_layout(urgency=code))
    assert 'class="urgency"' in html


def test_invalid_urgency_rejected():
    with pytest.raises(ValueError):
        build_draft_html(qd_layout(urgency="rat_khan"))


def test_html_is_escaped():
    html = build_draft_html(qd_layout(subject="<script>alert(1)</script> & <b>x</b>",
                                      receivers=["<img src=x onerror=y>"]))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html


def test_long_body_signature_on_last_page():
    body = "\n\n".join(f"Đoạn {i}. " + "Nội dung hướng dẫn thực hiện chính sách an sinh xã hội. " * 8
                       for i in range(20))
    d = render_draft(qd_layout(body=body))
    assert d.page_count >= 2
    assert d.page_index == d.page_count - 1
    assert _inside_page(d.leader_box) and _inside_page(d.seal_box)
    assert d.number_box[1] > A4_H / 2            # number/date stay on page 0


def test_render_html_to_pdf_and_no_remote_fetch(tmp_path):
    (tmp_path / "s.css").write_text("h1 { color: rgb(255, 0, 0) }")
    html = ('<html><head><link rel="stylesheet" href="s.css"></head><body><h1>Báo cáo tổng hợp</h1>'
            '<img src="http://127.0.0.1:9/x.png"><img src="file:///etc/hostname"></body></html>')
    pdf = render_html_to_pdf(html, base_url=tmp_path)
    assert pdf.startswith(b"%PDF-")
    with pikepdf.open(io.BytesIO(pdf)) as p:
        assert len(p.pages) == 1
        assert b"1 0 0 rg" in p.pages[0].Contents.read_bytes()     # local stylesheet was applied


def test_warm_render_is_fast(qd):
    render_draft(qd_layout())                        # warm (fonts cached in the shared FontConfiguration)
    t0 = time.perf_counter()
    render_draft(qd_layout())
    elapsed = time.perf_counter() - t0
    assert elapsed < 2.0, elapsed                    # generous bound for slow CI; ~0.07 s locally
