"""Interconnection in the browser: agencies chosen by name with the filter, annexes on the draft form,
the clerk's axis queue with a document that arrived from another agency."""
from __future__ import annotations

from tests.browser.conftest import login, logout
from tests.conftest import DEMO_PASSWORD, make_pdf
from tests.test_interconnection import package


def test_agency_picker_annexes_and_the_axis_queue(live_server, page, client, api):
    base = live_server
    login(page, base, "cv.ldvl", DEMO_PASSWORD)
    page.goto(base + "/outgoing/new")
    page.fill("input.agency-filter", "so noi vu")
    visible = page.eval_on_selector_all("#agency-picker option", "os => os.filter(o => !o.hidden).map(o => o.text)")
    assert visible == ["Sở Nội vụ tỉnh Quảng Nam"]
    page.select_option("#agency-picker", label="Sở Nội vụ tỉnh Quảng Nam")
    page.fill("textarea[name=subject]", "V/v phối hợp rà soát biên chế năm 2026")
    page.select_option("select[name=signer]", "user:giamdoc")
    page.fill("textarea[name=body]", "Đề nghị Sở Nội vụ phối hợp rà soát.")
    page.set_input_files("[data-testid=annexes]", files=[
        {"name": "phu-luc-bien-che.pdf", "mimeType": "application/pdf", "buffer": make_pdf("Phụ lục")}])
    page.click("[data-testid=draft-form] button[type=submit]")
    page.wait_for_selector("[data-testid=preview]")
    assert "phu-luc-bien-che.pdf" in page.content()
    assert page.locator("#agency-picker option:checked").all_inner_texts() == ["Sở Nội vụ tỉnh Quảng Nam"]
    logout(page)

    taken = api.client.post("/api/v1/interconnection/packages", data=package(subject="V/v khảo sát người có công"),
                            headers={**api.headers("vanthu"), "Content-Type": "application/xml"})
    assert taken.status_code == 201
    login(page, base, "vanthu", DEMO_PASSWORD)
    page.click("text=Liên thông")
    assert page.is_visible("[data-testid=axis-off]")
    page.click("[data-testid=axis-incoming] >> text=V/v khảo sát người có công")
    page.wait_for_selector("[data-testid=verify-form]")
    page.click("[data-testid=verify-form] button[type=submit]")
    page.wait_for_selector("[data-testid=doc-status]")
    assert page.inner_text("[data-testid=doc-status]").strip() == "Đã tiếp nhận"
