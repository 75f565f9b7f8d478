"""A clerk receives a document in the browser; the director finds it in the inbox."""
from __future__ import annotations

import re

from tests.browser.conftest import login, logout
from tests.conftest import DEMO_PASSWORD, make_pdf


def test_clerk_registers_incoming_document_and_director_sees_it(live_server, page):
    login(page, live_server, "vanthu", DEMO_PASSWORD)
    page.click("text=Tiếp nhận văn bản đến")
    page.fill("input[name=sender_org_name]", "Ủy ban nhân dân tỉnh Quảng Nam")
    page.fill("input[name=sender_org_id]", "000.00.00.H47")
    page.fill("input[name=number]", "345")
    page.fill("input[name=notation]", "UBND-KGVX")
    page.fill("input[name=issued_on]", "2026-11-20")
    page.select_option("select[name=doc_type]", "CV")
    page.fill("textarea[name=subject]", "V/v hỗ trợ người lao động mất việc làm")
    page.fill("input[name=signer_name]", "Trần Văn Tân")
    page.select_option("select[name=urgency]", "khan")
    page.set_input_files("input[name=files]", files=[
        {"name": "cong-van-345.pdf", "mimeType": "application/pdf", "buffer": make_pdf()}])
    page.click("text=Ghi nhận văn bản đến")

    # The verify task opens with the document's metadata and attachment.
    page.wait_for_selector("[data-testid=verify-form]")
    assert "cong-van-345.pdf" in page.inner_text("[data-testid=document-meta]")
    page.check("input[name=decision][value=accept]")
    page.click("[data-testid=verify-form] button[type=submit]")

    page.wait_for_selector("[data-testid=incoming-number]")
    assert re.fullmatch(r"1/\d{4}", page.inner_text("[data-testid=incoming-number]").strip())
    assert page.inner_text("[data-testid=doc-status]").strip() == "Đã tiếp nhận"
    assert "Tiếp nhận, vào sổ văn bản đến" in page.inner_text("[data-testid=history]")
    logout(page)

    login(page, live_server, "giamdoc", DEMO_PASSWORD)
    inbox = page.inner_text("[data-testid=inbox]")
    assert "V/v hỗ trợ người lao động mất việc làm" in inbox
    assert "Phân công xử lý văn bản đến" in inbox
    assert "Khẩn" in inbox


def test_bad_upload_is_explained_in_vietnamese(live_server, page):
    login(page, live_server, "vanthu", DEMO_PASSWORD)
    page.goto(live_server + "/documents/incoming/new")
    page.fill("input[name=sender_org_name]", "Sở Tài chính")
    page.fill("input[name=number]", "7")
    page.fill("input[name=notation]", "STC-NS")
    page.fill("input[name=issued_on]", "2026-11-20")
    page.select_option("select[name=doc_type]", "CV")
    page.fill("textarea[name=subject]", "Về kinh phí")
    page.set_input_files("input[name=files]", files=[
        {"name": "ghi-chu.pdf", "mimeType": "application/pdf", "buffer": b"khong phai pdf"}])
    page.click("text=Ghi nhận văn bản đến")
    alert = page.inner_text("[role=alert]")
    assert "phải là PDF" in alert
    # What was typed is kept, so the clerk only fixes the file.
    assert page.input_value("input[name=notation]") == "STC-NS"
