"""The whole life of an incoming document in the browser, with the demo users."""
from __future__ import annotations

from tests.browser.conftest import ARTIFACTS, login, logout
from tests.conftest import DEMO_PASSWORD, make_pdf

SUBJECT = "V/v rà soát chế độ người có công năm 2026"


def as_user(page, base, username):
    login(page, base, username, DEMO_PASSWORD)


def open_task(page, base, title, view=None):
    page.goto(base + "/inbox" + (f"?view={view}" if view else ""))
    page.click(f"tr:has-text('{SUBJECT}') >> text={title}")


def register(page, base):
    as_user(page, base, "vanthu")
    page.goto(base + "/documents/incoming/new")
    page.fill("input[name=sender_org_name]", "Bộ Lao động - Thương binh và Xã hội")
    page.fill("input[name=sender_org_id]", "000.00.00.G18")
    page.fill("input[name=number]", "4021")
    page.fill("input[name=notation]", "LĐTBXH-NCC")
    page.fill("input[name=issued_on]", "2026-11-19")
    page.select_option("select[name=doc_type]", "CV")
    page.fill("textarea[name=subject]", SUBJECT)
    page.set_input_files("input[name=files]", files=[
        {"name": "4021.pdf", "mimeType": "application/pdf", "buffer": make_pdf()}])
    page.click("text=Ghi nhận văn bản đến")
    page.click("[data-testid=verify-form] button[type=submit]")
    page.wait_for_selector("[data-testid=incoming-number]")
    logout(page)


def test_document_goes_from_clerk_to_completion(live_server, page):
    base = live_server
    register(page, base)

    as_user(page, base, "giamdoc")
    open_task(page, base, "Phân công xử lý văn bản đến")
    page.fill("[data-testid=lead] .picker-filter", "lao dong viec lam")  # searchable, diacritics ignored
    assert page.locator("[data-testid=lead] input[value='unit:ncc']").is_hidden()
    page.check("[data-testid=lead] input[value='unit:ldvl']")
    page.check("[data-testid=coordinate] input[value='unit:ncc']")
    page.check("[data-testid=inform] input[value='user:phogiamdoc']")
    page.fill("input[name=deadline_days]", "5")
    page.fill("textarea[name=instruction]", "Phòng LĐVL chủ trì, phòng NCC phối hợp.")
    page.click("[data-testid=route-form] button[type=submit]")
    page.wait_for_selector("[data-testid=lines]")
    assert page.inner_text("[data-testid=doc-status]").strip() == "Đã chuyển xử lý"
    lines = page.inner_text("[data-testid=lines]")
    assert "Chủ trì" in lines and "Phối hợp" in lines and "Nhận để biết" in lines
    logout(page)

    for head, specialist in (("tp.ldvl", "cv.ldvl"), ("tp.ncc", "cv.ncc")):
        as_user(page, base, head)
        page.goto(base + "/inbox?view=queue")
        assert SUBJECT in page.inner_text("[data-testid=inbox]")
        open_task(page, base, "Phân công chuyên viên xử lý", view="queue")
        page.check(f"[data-testid=assign-form] input[value='user:{specialist}']")
        page.click("[data-testid=assign-form] button[type=submit]")
        page.wait_for_selector("[data-testid=doc-status]")
        logout(page)

    as_user(page, base, "cv.ncc")
    open_task(page, base, "Góp ý kiến phối hợp")
    page.fill("textarea[name=opinion]", "Phòng NCC đề nghị bổ sung danh sách đối tượng.")
    page.click("[data-testid=contribute-form] button[type=submit]")
    page.wait_for_selector("[data-testid=doc-status]")
    logout(page)

    as_user(page, base, "phogiamdoc")
    open_task(page, base, "Nhận để biết", view="info")
    page.click("[data-testid=acknowledge-form] button[type=submit]")
    page.wait_for_selector("[data-testid=doc-status]")
    logout(page)

    as_user(page, base, "cv.ldvl")
    open_task(page, base, "Xử lý văn bản (chủ trì)")
    assert "Phòng NCC đề nghị bổ sung danh sách đối tượng." in page.inner_text("main")
    page.check("input[name=action][value=report]")
    page.fill("textarea[name=note]", "Đã rà soát, báo cáo lãnh đạo Sở.")
    page.click("[data-testid=process-form] button[type=submit]")
    page.wait_for_selector("[data-testid=doc-status]")
    assert page.inner_text("[data-testid=doc-status]").strip() == "Đã hoàn thành"
    history = page.inner_text("[data-testid=history]")
    for text in ("Phân công xử lý", "Giao chuyên viên xử lý", "Góp ý kiến phối hợp", "Đã xem (nhận để biết)",
                 "Xử lý: báo cáo kết quả", "Hoàn thành xử lý"):
        assert text in history, text
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "completed-document.png"), full_page=True)
    logout(page)

    as_user(page, base, "giamdoc")
    page.goto(base + "/overview")
    assert "Phòng Lao động - Việc làm - Giáo dục nghề nghiệp" in page.inner_text("[data-testid=overview]")
