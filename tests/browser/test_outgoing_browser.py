"""An outgoing document in the browser: draft with preview → review → sign with PIN → issue → sent."""
from __future__ import annotations

import shutil
import subprocess

from tests.browser.conftest import ARTIFACTS, login, logout
from tests.conftest import DEMO_PASSWORD

SUBJECT = "V/v tổng hợp nhu cầu đào tạo nghề cho lao động nông thôn năm 2026"
BODY = ("Để có cơ sở xây dựng kế hoạch đào tạo nghề năm 2026, Sở Lao động - Thương binh và Xã hội "
        "đề nghị Phòng Người có công phối hợp rà soát, tổng hợp nhu cầu học nghề của thân nhân người có công.\n\n"
        "Kết quả gửi về Phòng Lao động - Việc làm - GDNN trước ngày 10/12/2026.")


def as_user(page, base, username):
    login(page, base, username, DEMO_PASSWORD)


def open_task(page, base, title):
    page.goto(base + "/inbox")
    page.click(f"tr:has-text('{SUBJECT}') >> text={title}")


def status(page) -> str:
    return page.inner_text("[data-testid=doc-status]").strip()


def test_outgoing_document_from_draft_to_sent(live_server, page, tmp_path):
    base = live_server
    as_user(page, base, "cv.ldvl")
    page.click("text=Soạn văn bản đi")
    page.select_option("select[name=doc_type]", "CV")
    page.fill("textarea[name=subject]", SUBJECT)
    page.check("[data-testid=receivers] input[value='unit:ncc']")
    page.select_option("select[name=signer]", "user:giamdoc")
    page.fill("textarea[name=body]", BODY)
    page.click("[data-testid=draft-form] button[type=submit]")
    page.wait_for_selector("[data-testid=preview]")
    preview = page.context.request.get(base + page.get_attribute("[data-testid=preview]", "data-pdf-src"))
    assert preview.ok and preview.body().startswith(b"%PDF")
    page.click("[data-testid=go-submit]")
    page.click("[data-testid=submit-form] button[type=submit]")
    page.wait_for_selector("[data-testid=doc-status]")
    assert status(page) == "Đang trình duyệt"
    assert page.get_attribute("[data-testid=legal-standing]", "data-standing") == "draft"
    logout(page)

    as_user(page, base, "tp.ldvl")
    open_task(page, base, "Duyệt dự thảo văn bản đi")
    page.wait_for_selector("[data-testid=task-pdf]")
    page.check("[data-testid=review-form] input[value=approve]")
    page.click("[data-testid=review-form] button[type=submit]")
    page.wait_for_selector("[data-testid=doc-status]")
    assert status(page) == "Đã duyệt"
    logout(page)

    as_user(page, base, "giamdoc")
    open_task(page, base, "Ký số văn bản đi")
    page.wait_for_selector("[data-testid=task-pdf]")
    page.fill("[data-testid=sign-form] input[name=pin]", "sai-ma-pin")
    page.click("[data-testid=sign-form] button[type=submit]")
    assert "Mã PIN không đúng" in page.inner_text(".flash.error")
    assert page.input_value("[data-testid=sign-form] input[name=pin]") == ""  # never echoed back
    page.fill("[data-testid=sign-form] input[name=pin]", DEMO_PASSWORD)
    page.click("[data-testid=sign-form] button[type=submit]")
    page.wait_for_selector("[data-testid=doc-status]")
    assert status(page) == "Đã ký"
    assert "Chữ ký hợp lệ" in page.inner_text("[data-testid=signatures]")
    # Signed by the leader but not issued yet: neither "for reference only" nor legal yet.
    assert page.get_attribute("[data-testid=legal-standing]", "data-standing") == "signed"
    assert "chỉ để biết" not in page.inner_text("[data-testid=legal-standing]").lower()
    logout(page)

    as_user(page, base, "vanthu")
    open_task(page, base, "Ban hành và gửi văn bản đi")
    page.wait_for_selector("[data-testid=task-pdf]")
    # The PDF to issue is drawn inline by pdf.js, with its page count.
    page.wait_for_selector("[data-testid=task-pdf][data-state=ready] canvas")
    assert page.inner_text("[data-testid=task-pdf-pages]").strip() == "1 trang"
    page.fill("[data-testid=issue-form] input[name=pin]", DEMO_PASSWORD)
    page.click("[data-testid=issue-form] button[type=submit]")
    page.wait_for_selector("[data-testid=doc-status]")
    assert status(page) == "Đã gửi"
    assert page.inner_text("[data-testid=outgoing-number]").startswith("1/")
    panel = page.inner_text("[data-testid=signatures]")
    assert panel.count("Chữ ký hợp lệ") == 3  # signed copy (leader) + issued copy (leader, seal)
    assert "đã chuyển vào hộp văn bản đến" in page.inner_text("[data-testid=deliveries]")
    assert page.get_attribute("[data-testid=legal-standing]", "data-standing") == "legal"
    link = page.locator("ul.attachments > li > a").last
    assert link.inner_text().startswith("01-SLĐTBXH-LĐVL")
    pdf = page.context.request.get(base + link.get_attribute("href")).body()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "outgoing-sent.png"), full_page=True)
    logout(page)
    if shutil.which("pdfsig"):
        f = tmp_path / "issued.pdf"
        f.write_bytes(pdf)
        out = subprocess.run(["pdfsig", "-nocert", str(f)], capture_output=True, text=True, timeout=60).stdout
        assert out.count("Signature Validation: Signature is Valid.") == 2, out

    as_user(page, base, "tp.ncc")
    page.goto(base + "/inbox?view=queue")
    assert SUBJECT in page.inner_text("[data-testid=inbox]")
    open_task(page, base, "Phân công chuyên viên xử lý")
    assert "Chữ ký hợp lệ" in page.inner_text("[data-testid=signatures]")
    assert "giá trị pháp lý như bản giấy" in page.inner_text("[data-testid=document-meta]")


def test_returned_draft_shows_the_note(live_server, page):
    base = live_server
    as_user(page, base, "cv.ldvl")
    page.goto(base + "/outgoing/new")
    page.fill("textarea[name=subject]", SUBJECT)
    page.check("[data-testid=receivers] input[value='unit:ncc']")
    page.select_option("select[name=signer]", "user:phogiamdoc")
    page.fill("textarea[name=body]", BODY)
    page.click("[data-testid=draft-form] button[type=submit]")
    page.click("[data-testid=go-submit]")
    page.click("[data-testid=submit-form] button[type=submit]")
    page.wait_for_selector("[data-testid=doc-status]")
    logout(page)
    as_user(page, base, "tp.ldvl")
    open_task(page, base, "Duyệt dự thảo văn bản đi")
    page.check("[data-testid=review-form] input[value=return]")
    page.fill("[data-testid=review-form] textarea[name=note]", "Bổ sung thời hạn báo cáo")
    page.click("[data-testid=review-form] button[type=submit]")
    page.wait_for_selector("[data-testid=doc-status]")
    assert status(page) == "Dự thảo"
    logout(page)
    as_user(page, base, "cv.ldvl")
    open_task(page, base, "Hoàn thiện và trình dự thảo")
    assert "Bổ sung thời hạn báo cáo" in page.inner_text("[data-testid=returned-note]")
