"""Shared fixtures for the PDF signing adapter tests: a throw-away PKI (generated into tmp dirs,
never committed), a rendered one-page official document with issue fields, and stamp images.

Test modules do ``from pdf_support import *`` so pytest sees the fixtures; kept out of conftest.py
so that other adapters' tests in this folder are not coupled to it."""
from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

__all__ = ["pki_paths", "font_cache", "unsigned_pdf", "pdf_with_fields", "signature_png", "seal_png"]

_REPO = str(Path(__file__).resolve().parents[2])
if _REPO not in sys.path:  # plain `pytest` (not `python -m pytest`) without a pythonpath setting
    sys.path.insert(0, _REPO)

from integrations.pdf import pki  # noqa: E402

ORG_NAME = "Sở Lao động - Thương binh và Xã hội tỉnh Quảng Nam"
ORG_SHORT = "Sở LĐTBXH Quảng Nam"
ORG_PIN = "seal-9999"
LEADER = pki.Person("anh.nv", "Nguyễn Văn Ánh", "Giám đốc", "1111", id_number="049012345678")
CLERK = pki.Person("bich.tt", "Trần Thị Bích", "Văn thư", "2222")

MM = 72 / 25.4
PAGE_H = 297 * MM


def mm_box(left: float, top: float, width: float, height: float) -> tuple[int, int, int, int]:
    """CSS box in mm from the page's top-left -> PDF points (x1, y1, x2, y2) from bottom-left."""
    x1, x2 = left * MM, (left + width) * MM
    y2 = PAGE_H - top * MM
    y1 = y2 - height * MM
    return round(x1), round(y1), round(x2), round(y2)


# boxes of the absolutely positioned placeholders in DOC_HTML
NUMBER_BOX = mm_box(40, 38, 55, 8)
DATE_BOX = mm_box(105, 38, 85, 8)
LEADER_BOX = mm_box(115, 175, 70, 28)

DOC_HTML = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 0 }
body { font-family: "Liberation Serif", "DejaVu Serif", serif; font-size: 13pt; margin: 0 }
.abs { position: absolute }
</style></head><body>
<div class="abs" style="left:20mm; top:15mm; width:80mm; text-align:center">
  UBND TỈNH QUẢNG NAM<br><b>SỞ LAO ĐỘNG - THƯƠNG BINH<br>VÀ XÃ HỘI</b></div>
<div class="abs" style="left:100mm; top:15mm; width:95mm; text-align:center">
  <b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br><b>Độc lập - Tự do - Hạnh phúc</b></div>
<div class="abs" style="left:30mm; top:39mm">Số:</div>
<div class="abs" style="left:30mm; top:70mm; width:160mm; text-align:center"><b>QUYẾT ĐỊNH</b><br>
  Về việc phê duyệt kế hoạch đào tạo nghề năm 2026</div>
<div class="abs" style="left:30mm; top:95mm; width:160mm; text-align:justify">
  Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;
  xét đề nghị của Trưởng phòng Giáo dục nghề nghiệp, Giám đốc Sở quyết định phê duyệt kế hoạch
  đào tạo nghề cho lao động nông thôn, người khuyết tật và bộ đội xuất ngũ.</div>
<div class="abs" style="left:115mm; top:165mm; width:70mm; text-align:center"><b>GIÁM ĐỐC</b></div>
<div class="abs" style="left:115mm; top:205mm; width:70mm; text-align:center"><b>Nguyễn Văn Ánh</b></div>
</body></html>"""


@pytest.fixture(scope="session")
def pki_paths(tmp_path_factory):
    d = tmp_path_factory.mktemp("pki")
    return pki.create_pki(d, ORG_NAME, [LEADER, CLERK], ORG_PIN)


@pytest.fixture(scope="session")
def font_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("fonts")


@pytest.fixture(scope="session")
def unsigned_pdf() -> bytes:
    weasyprint = pytest.importorskip("weasyprint")
    return weasyprint.HTML(string=DOC_HTML).write_pdf()


@pytest.fixture(scope="session")
def pdf_with_fields(unsigned_pdf) -> bytes:
    from integrations.pdf.signing import add_issue_fields

    return add_issue_fields(unsigned_pdf, number_box=NUMBER_BOX, date_box=DATE_BOX, page=0)


def _png(img) -> bytes:
    b = io.BytesIO()
    img.save(b, format="PNG", optimize=True)
    return b.getvalue()


@pytest.fixture(scope="session")
def signature_png() -> bytes:
    """Blue 'handwritten' scribble on a transparent background."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (280, 110), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    pts = [(10, 80), (40, 20), (60, 90), (95, 25), (120, 85), (160, 30), (190, 75), (260, 40)]
    d.line(pts, fill=(20, 40, 200, 255), width=5, joint="curve")
    d.line([(30, 95), (250, 88)], fill=(20, 40, 200, 255), width=3)
    return _png(img)


@pytest.fixture(scope="session")
def seal_png() -> bytes:
    """Red round seal on a transparent background."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.ellipse((4, 4, 236, 236), outline=(220, 20, 20, 255), width=8)
    d.ellipse((34, 34, 206, 206), outline=(220, 20, 20, 255), width=4)
    d.regular_polygon((120, 120, 40), 5, fill=(220, 20, 20, 255))
    return _png(img)
