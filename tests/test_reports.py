"""Registers (rows, order, Vietnamese intact in PDF/CSV/XLSX), monthly statistics on a fixed data set
with a moved clock, and the monthly report mailed through a real SMTP server."""
from __future__ import annotations

import io
import subprocess
from datetime import date, datetime
from email import message_from_bytes, policy

import pytest
from openpyxl import load_workbook

from engine import clock
from engine.db import db
from engine.models import OutboxMessage
from engine.notifications import mailer
from engine.records import monthly_report
from reports import statistics as statistics_report
from tests.test_lifecycle_api import complete, registered, route
from tests.test_mailer import Server, use_smtp

NOV_3 = datetime(2026, 11, 3, 9, 0, tzinfo=clock.VN_TZ)  # Tuesday


@pytest.fixture
def november(app, api):
    """Three incoming documents in November 2026: one done on time, one done late, one overdue."""
    clock.set_time(NOV_3)
    docs = {"on_time": registered(api, subject="V/v chi trả trợ cấp ưu đãi người có công", number="101"),
            "late": registered(api, subject="V/v đào tạo nghề cho đồng bào Cơ Tu", number="102", source="paper"),
            "overdue": registered(api, subject="V/v rà soát hộ nghèo năm 2026", number="103")}
    for name in docs:
        assert route(api, docs[name], {"lead": ["user:cv.ldvl"] if name != "overdue" else ["unit:ncc"],
                                       "deadline": 2}).status_code == 200
    move_clock(api, datetime(2026, 11, 4, 10, 0, tzinfo=clock.VN_TZ))
    complete(api, "cv.ldvl", docs["on_time"], "process", {"action": "file"})
    move_clock(api, datetime(2026, 11, 10, 10, 0, tzinfo=clock.VN_TZ))
    complete(api, "cv.ldvl", docs["late"], "process", {"action": "report", "note": "Đã báo cáo."})
    return docs


def move_clock(api, moment: datetime) -> None:
    clock.set_time(moment)
    api.tokens.clear()  # sessions end after 30 idle minutes


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def pdf_text_raw(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def test_incoming_register_in_every_format(november, api):
    move_clock(api, datetime(2026, 12, 1, 9, 0, tzinfo=clock.VN_TZ))
    reg = api.get("vanthu", "/reports/registers/incoming?year=2026")
    assert reg.status_code == 200, reg.json
    items = reg.json["items"]
    assert [i["incoming_number"] for i in items] == [1, 2, 3]
    assert items[1]["author"] == "Ủy ban nhân dân tỉnh Quảng Nam" and items[1]["received_on"] == "2026-11-03"
    assert items[1]["type_subject"] == "Công văn V/v đào tạo nghề cho đồng bào Cơ Tu"
    assert items[1]["notes"] == "Bản giấy" and items[0]["recipient"] == "Hoàng Thị Lan"
    assert items[2]["recipient"] == "Phòng Người có công" and items[2]["routed_on"] == "2026-11-03"
    assert [c["label"] for c in reg.json["columns"]][:3] == ["Ngày đến", "Số đến", "Tác giả"]

    unit = api.get("tp.ncc", "/reports/registers/incoming?year=2026").json
    assert unit["unit"] == "ncc" and [i["incoming_number"] for i in unit["items"]] == [3]
    assert api.get("tp.ncc", "/reports/registers/incoming?unit=ldvl").status_code == 403
    assert api.get("cv.ldvl", "/reports/registers/incoming").status_code == 403
    bad = api.get("vanthu", "/reports/registers/incoming?year=20x6&from=2025-01-01&format=doc")
    assert bad.status_code == 422 and bad.json["details"] == {"format": "json, pdf, csv, xlsx"}
    bad = api.get("vanthu", "/reports/registers/incoming?year=2026&from=2025-01-01&unit=nowhere")
    assert bad.status_code == 422 and set(bad.json["details"]) == {"from", "unit"}
    assert api.get("vanthu", "/reports/registers/sideways").status_code == 422

    pdf = api.get("vanthu", "/reports/registers/incoming?year=2026&format=pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text and "Từ số 1 đến số 3" in text
    rows = [line for line in text.splitlines() if "03/11/2026" in line and "Ủy ban" in line]
    assert len(rows) == 3 and "Trang 2/2" in text
    flat = " ".join(pdf_text_raw(pdf.data).split())
    assert flat.index("chi trả trợ cấp ưu đãi") < flat.index("đào tạo nghề cho đồng bào Cơ Tu") < flat.index("rà soát hộ nghèo")

    csv = api.get("vanthu", "/reports/registers/incoming?year=2026&format=csv")
    assert csv.data.startswith("\ufeff".encode())
    lines = csv.data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Ngày đến,Số đến,Tác giả") and lines[2].startswith("03/11/2026,2,Ủy ban nhân dân")

    xlsx = api.get("vanthu", "/reports/registers/incoming?year=2026&format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet.freeze_panes == "A2" and sheet["A1"].value == "Ngày đến"
    assert sheet["A2"].value.date() == date(2026, 11, 3) and sheet["A2"].number_format == "DD/MM/YYYY"
    assert sheet["B4"].value == 3 and sheet["F3"].value == "Công văn V/v đào tạo nghề cho đồng bào Cơ Tu"
    assert sheet.column_dimensions["F"].width > sheet.column_dimensions["B"].width


def test_statistics_of_a_month(november, api):
    move_clock(api, datetime(2026, 11, 30, 16, 0, tzinfo=clock.VN_TZ))
    stats = api.get("giamdoc", "/reports/statistics?month=2026-11")
    assert stats.status_code == 200, stats.json
    units = {u["unit"]: u for u in stats.json["units"]}
    assert {k: units["ldvl"][k] for k in ("received", "on_time", "late", "overdue", "in_progress")} == {
        "received": 2, "on_time": 1, "late": 1, "overdue": 0, "in_progress": 0}
    assert units["ldvl"]["average_working_days"] == pytest.approx(3.5, abs=0.6)
    assert units["ncc"]["overdue"] == 1 and units["ncc"]["received"] == 1
    total = stats.json["total"]
    assert total["received_electronic"] == 2 and total["received_paper"] == 1
    assert total["electronic_received_share"] == pytest.approx(66.7)
    assert stats.json["trend"][-1] == {"month": "2026-11", "received": 3, "completed": 2}
    assert len(stats.json["trend"]) == 12 and stats.json["trend"][0]["month"] == "2025-12"
    assert api.get("cv.ldvl", "/reports/statistics").status_code == 403
    assert api.get("giamdoc", "/reports/statistics?month=2026-13").status_code == 422
    assert api.get("giamdoc", "/reports/statistics?month=2027-01").status_code == 422
    pdf = api.get("giamdoc", "/reports/statistics?month=2026-11&format=pdf")
    text = pdf_text(pdf.data)
    assert "THÁNG 11/2026" in text and "Phòng Lao động - Việc làm" in text and "Xu hướng 12 tháng" in text
    assert "Trang 1/" in text


def test_monthly_report_mailed_on_the_first_working_day(november, app):
    app.config["QOFFICE_REPORT_EMAIL"] = "stttt@quangnam.gov.vn"
    # Tuesday 1 December 2026 is a working day: Monday 30 November is still last month.
    assert monthly_report.send_monthly_report(statistics_report.to_pdf,
                                              datetime(2026, 11, 30, 7, 45, tzinfo=clock.VN_TZ)) == 0
    assert monthly_report.send_monthly_report(statistics_report.to_pdf,
                                              datetime(2026, 12, 1, 7, 45, tzinfo=clock.VN_TZ)) == 4
    assert monthly_report.send_monthly_report(statistics_report.to_pdf,
                                              datetime(2026, 12, 2, 7, 45, tzinfo=clock.VN_TZ)) == 0
    rows = db.session.query(OutboxMessage).filter(OutboxMessage.key.like("monthly-report:2026-11:%")).all()
    assert sorted(r.key.rsplit(":", 1)[1] for r in rows) == ["giamdoc", "phogiamdoc", "stttt@quangnam.gov.vn",
                                                              "tp.vp"]
    server = Server().start()
    try:
        use_smtp(app, server.port)
        clock.set_time(datetime(2026, 12, 1, 7, 46, tzinfo=clock.VN_TZ))
        mailer.deliver_pending()  # the month's other notifications (assignments …) go out too
    finally:
        server.stop()
    db.session.expire_all()
    assert {db.session.get(OutboxMessage, r.id).status for r in rows} == {"sent"}
    external = next(e for e in server.envelopes if e.rcpt_tos == ["stttt@quangnam.gov.vn"])
    message = message_from_bytes(external.content, policy=policy.default)
    assert message["Subject"].startswith("Báo cáo văn bản điện tử tháng 11/2026")
    assert "Hoàn thành đúng hạn: 1; trễ hạn: 1" in message.get_body(("plain",)).get_content()
    (pdf,) = [part for part in message.iter_attachments()]
    assert pdf.get_filename() == "bao-cao-van-ban-dien-tu-2026-11.pdf"
    assert "BÁO CÁO TÌNH HÌNH XỬ LÝ VĂN BẢN ĐIỆN TỬ THÁNG 11/2026" in pdf_text(pdf.get_content())


def test_the_register_page_shows_one_page_of_rows_at_a_time(november, api, client, monkeypatch):
    from engine.records import registers
    from tests.test_case_files import login

    monkeypatch.setattr(registers, "PAGE_ROWS", 2)
    move_clock(api, datetime(2026, 12, 1, 9, 0, tzinfo=clock.VN_TZ))
    login(client, "vanthu")
    first = client.get("/reports/registers/incoming?year=2026").get_data(as_text=True)
    assert "3 văn bản" in first and "Trang 1/2" in first and "page=2" in first
    assert "đào tạo nghề cho đồng bào Cơ Tu" in first and "rà soát hộ nghèo" not in first
    second = client.get("/reports/registers/incoming?year=2026&page=2").get_data(as_text=True)
    assert "Trang 2/2" in second and "rà soát hộ nghèo" in second and "Cơ Tu" not in second
    bad = client.get("/reports/registers/incoming?year=2026&page=abc")  # a bad page number shows the first page
    assert bad.status_code == 200 and "Trang 1/2" in bad.get_data(as_text=True)
    whole = pdf_text_raw(client.get("/reports/registers/incoming?year=2026&page=2&format=pdf").data)
    assert "Cơ Tu" in whole and "rà soát hộ nghèo" in whole  # the files hold every row


def test_exports_never_carry_a_formula_and_odd_numbers_are_refused(api):
    from tests.conftest import incoming_meta

    formula = '=HYPERLINK("http://evil.example","Bấm vào đây")'
    received = api.receive(meta=incoming_meta(sender_org_name=formula))
    assert received.status_code == 201, received.json
    assert api.accept(received.json["id"]).status_code == 200
    year = clock.today().year
    csv = api.get("vanthu", f"/reports/registers/incoming?year={year}&format=csv").data.decode("utf-8-sig")
    assert "'" + formula.replace('"', '""') in csv  # shown as text, as written
    xlsx = api.get("vanthu", f"/reports/registers/incoming?year={year}&format=xlsx")
    cells = [c for row in load_workbook(io.BytesIO(xlsx.data)).active.iter_rows() for c in row if c.value == formula]
    assert cells and all(c.data_type == "s" for c in cells)
    for path in ("/reports/statistics?month=99999999999999999999-01",
                 "/reports/statistics?month=2026-99999999999999999999", "/case-files?year=99999999999999999999",
                 "/case-files?year=abc", "/case-files?status=bogus"):
        assert api.get("vanthu", path).status_code == 422, path
