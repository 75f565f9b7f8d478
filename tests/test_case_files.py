"""Case files: open, file documents, close; the yearly archive package (PDFs with signatures intact,
metadata as CSV and XML, a table of contents PDF); the printable pages."""
from __future__ import annotations

import csv
import hashlib
import io
import re
import subprocess
import zipfile

from lxml import etree

from engine.records import extraction
from tests.conftest import incoming_meta, login
from tests.test_lifecycle_api import registered, route
from tests.test_reports import pdf_text_raw


def test_case_file_lifecycle_and_archive_package(app, api):
    doc = registered(api, subject="V/v hỗ trợ đồng bào vùng lũ Tiên Phước")
    route(api, doc, {"lead": ["user:cv.ldvl"]})
    opened = api.post("cv.ldvl", "/case-files", {"title": "Hỗ trợ khắc phục lũ lụt năm 2026", "code": "LĐVL.05",
                                                "retention_years": 10})
    assert opened.status_code == 201, opened.json
    cf = opened.json["id"]
    assert api.post("cv.ldvl", "/case-files", {"title": "Khác", "code": "LĐVL.05"}).status_code == 409
    bad = api.post("cv.ldvl", "/case-files", {"title": "", "code": "có dấu cách", "retention_years": 7})
    assert bad.status_code == 422 and set(bad.json["details"]) == {"title", "code", "retention_years"}
    assert api.post("cv.ldvl", f"/case-files/{cf}/close").status_code == 422  # empty
    assert api.post("cv.ncc", f"/case-files/{cf}/documents", {"document_id": doc}).status_code == 404
    hidden = registered(api, subject="V/v văn bản chưa giao")
    assert api.post("cv.ldvl", f"/case-files/{cf}/documents", {"document_id": hidden}).status_code == 422
    filed = api.post("cv.ldvl", f"/case-files/{cf}/documents", {"document_id": doc})
    assert filed.status_code == 201 and [e["document_id"] for e in filed.json["entries"]] == [doc]
    assert api.post("cv.ldvl", f"/case-files/{cf}/documents", {"document_id": doc}).status_code == 409
    arrived = api.receive(meta=incoming_meta(subject="V/v văn bản chưa vào sổ")).json["id"]
    office = api.post("vanthu", "/case-files", {"title": "Văn bản đến chờ xử lý", "code": "VP.01"}).json["id"]
    unregistered = api.post("vanthu", f"/case-files/{office}/documents", {"document_id": arrived})
    assert unregistered.status_code == 422 and "document_id" in unregistered.json["details"]
    assert api.get("vanthu", "/case-files/export?year=2026").status_code == 200  # nothing closed: empty package
    closed = api.post("cv.ldvl", f"/case-files/{cf}/close")
    assert closed.status_code == 200 and closed.json["status"] == "closed"
    assert api.post("cv.ldvl", f"/case-files/{cf}/documents", {"document_id": hidden}).status_code == 409
    assert api.get("cv.ldvl", "/case-files/export?year=2026").status_code == 403

    package = api.get("vanthu", "/case-files/export?year=2026")
    assert package.status_code == 200 and package.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(package.data))
    names = archive.namelist()
    assert sorted(names) == ["ldvl-2026-LĐVL.05/001-1-van-ban.pdf", "metadata.csv", "metadata.xml", "muc-luc.pdf"]
    stored = api.get("vanthu", f"/documents/{doc}/attachments/0").data
    assert archive.read("ldvl-2026-LĐVL.05/001-1-van-ban.pdf") == stored  # byte for byte: signatures intact
    assert hashlib.sha256(stored).hexdigest() == api.get("vanthu", f"/documents/{doc}").json["attachments"][0]["sha256"]
    rows = list(csv.DictReader(io.StringIO(archive.read("metadata.csv").decode("utf-8-sig"))))
    assert rows[0]["ma_ho_so"] == "LĐVL.05" and rows[0]["thoi_han_bao_quan"] == "10 năm"
    assert rows[0]["trich_yeu"] == "V/v hỗ trợ đồng bào vùng lũ Tiên Phước"
    xml = etree.fromstring(archive.read("metadata.xml"))
    assert xml.find("HoSo/TieuDe").text == "Hỗ trợ khắc phục lũ lụt năm 2026"
    assert xml.find("HoSo/VanBan/Tep").get("SHA256") == rows[0]["sha256"]
    toc = pdf_text_raw(archive.read("muc-luc.pdf"))
    assert "MỤC LỤC HỒ SƠ NỘP LƯU NĂM 2026" in toc and "Hồ sơ số LĐVL.05" in toc


def test_pages_search_registers_statistics_slip(app, api, client):
    doc = registered(api, subject="V/v chi trả trợ cấp ưu đãi tháng 12")
    route(api, doc, {"lead": ["unit:ncc"], "instruction": "Phòng NCC chủ trì, báo cáo trước 15/12."})
    extraction.extract_pending()
    assert login(client, "vanthu").status_code == 302
    page = client.get("/documents?q=tro cap uu dai").get_data(as_text=True)
    assert "V/v chi trả trợ cấp ưu đãi tháng 12" in page and 'data-testid="total">1<' in page
    saved = client.post("/searches", data={"name": "Ưu đãi", "q": "tro cap uu dai"}, follow_redirects=True)
    assert "Ưu đãi" in saved.get_data(as_text=True)
    register = client.get("/reports/registers/incoming").get_data(as_text=True)
    assert "Sổ đăng ký văn bản đến" in register and "Ủy ban nhân dân tỉnh Quảng Nam" in register
    assert client.get("/reports/registers/incoming?format=xlsx").status_code == 200
    assert client.get("/reports/registers/incoming?year=abc").status_code == 422
    stats = client.get("/reports/statistics").get_data(as_text=True)
    assert "<svg" in stats and "Phòng Người có công" in stats
    assert not re.search(r"<script(?![^>]*\bsrc=)", stats)  # pygal's inline tooltip script is stripped
    slip = client.get(f"/documents/{doc}/slip").get_data(as_text=True)
    assert "PHIẾU GIẢI QUYẾT VĂN BẢN ĐẾN" in slip and "Phòng NCC chủ trì, báo cáo trước 15/12." in slip
    pdf = client.get(f"/documents/{doc}/slip?format=pdf")
    assert "PHIẾU GIẢI QUYẾT VĂN BẢN ĐẾN" in pdf_text_raw(pdf.data)
    assert "@media print" in client.get("/static/app.css").get_data(as_text=True)


def test_slip_of_a_document_not_routed_yet_prints_in_the_form_font(api, client):
    doc = registered(api, subject="V/v hồ sơ chưa phân công")
    assert login(client, "vanthu").status_code == 302
    pdf = client.get(f"/documents/{doc}/slip?format=pdf")
    assert pdf.status_code == 200 and "V/v hồ sơ chưa phân công" in pdf_text_raw(pdf.data)
    api_pdf = api.get("vanthu", f"/documents/{doc}/slip")
    assert api_pdf.status_code == 200 and api_pdf.mimetype == "application/pdf"
    # The stylesheet reaches weasyprint unescaped: the register's serif font, not a fallback.
    fonts = subprocess.run(["pdffonts", "-"], input=pdf.data, capture_output=True, check=True).stdout.decode()
    assert "Liberation-Serif" in fonts and "DejaVu" not in fonts
