"""On a phone (390 × 844): the inbox, the document page and a task form fit the screen — no sideways
scrolling — and the attached PDF is previewed inline with its page count."""
from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS, login
from tests.conftest import DEMO_PASSWORD, incoming_meta

LONG_SUBJECT = ("V/v triển khai thực hiện chính sách hỗ trợ người lao động bị chấm dứt hợp đồng lao động "
                "do doanh nghiệp gặp khó khăn trên địa bàn tỉnh Quảng Nam")


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_leader_routes_on_a_phone(live_server, phone, api):
    response = api.receive(meta=incoming_meta(subject=LONG_SUBJECT, urgency="khan",
                                              sender_org_name="Ủy ban nhân dân tỉnh Quảng Nam"))
    doc_id = response.json["id"]
    assert api.accept(doc_id).status_code == 200

    login(phone, live_server, "giamdoc", DEMO_PASSWORD)
    phone.wait_for_selector("[data-testid=inbox]")
    assert fits(phone), "inbox overflows"
    phone.click(f"a[href='/documents/{doc_id}']")
    phone.wait_for_selector("[data-testid=document-meta]")
    # The arrived PDF is drawn inline with its page count.
    phone.wait_for_selector("[data-testid=pdf-0][data-state=ready] canvas")
    assert phone.inner_text("[data-testid=pdf-0-pages]").strip() == "1 trang"
    assert fits(phone), "document page overflows"

    phone.goto(live_server + "/inbox")
    phone.click("[data-testid=inbox] a:has-text('Phân công xử lý văn bản đến')")
    phone.wait_for_selector("[data-testid=route-form]")
    assert fits(phone), "routing form overflows"
    phone.fill("[data-testid=lead] .picker-filter", "nguoi co cong")
    phone.check("[data-testid=lead] input[value='unit:ncc']")
    assert "Phòng Người có công" in phone.inner_text("[data-testid=lead] .picker-chosen")
    phone.fill("[data-testid=coordinate] .picker-filter", "hoang lan")
    phone.check("[data-testid=coordinate] input[value='user:cv.ldvl']")
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "route-390.png"), full_page=True)
    phone.click("[data-testid=route-form] button[type=submit]")
    phone.wait_for_selector("[data-testid=lines]")
    assert phone.inner_text("[data-testid=doc-status]").strip() == "Đã chuyển xử lý"
    assert fits(phone), "document page with lines overflows"
