"""The administrator creates a user; the one-time password must be changed at the first sign-in."""
from __future__ import annotations

from tests.browser.conftest import login, logout
from tests.conftest import DEMO_PASSWORD

OWN = "Bốn mùa xuân hạ thu đông 2026"


def test_new_user_changes_the_one_time_password_then_works(live_server, page):
    base = live_server
    login(page, base, "quantri", DEMO_PASSWORD)
    page.click("text=Người dùng")
    page.click("[data-testid=new-user]")
    page.fill("[data-testid=user-form] input[name=username]", "cv.btxh")
    page.fill("[data-testid=user-form] input[name=full_name]", "Phan Thị Bích")
    page.fill("[data-testid=user-form] input[name=position]", "Chuyên viên")
    page.select_option("[data-testid=user-form] select[name=unit]", "btxh")
    page.fill("[data-testid=user-form] input[name=email]", "bich@qoffice.local")
    page.click("[data-testid=user-form] button[type=submit]")
    secret = page.inner_text("[data-testid=one-time-password]").strip()
    assert len(secret) == 14
    logout(page)

    login(page, base, "cv.btxh", secret)
    page.wait_for_selector("[data-testid=forced-change]")
    page.goto(base + "/inbox")  # nothing else opens until the password is changed
    assert page.locator("[data-testid=password-form]").count() == 1
    page.fill("input[name=current]", secret)
    page.fill("input[name=new]", "1234567890")
    page.fill("input[name=confirm]", "1234567890")
    page.click("[data-testid=password-form] button[type=submit]")
    assert "phổ biến" in page.inner_text(".flash.error")
    page.fill("input[name=current]", secret)
    page.fill("input[name=new]", OWN)
    page.fill("input[name=confirm]", OWN)
    page.click("[data-testid=password-form] button[type=submit]")
    page.wait_for_selector("[data-testid=inbox-count]")
    assert "Đã đổi mật khẩu" in page.inner_text(".flash.success")
    page.click("[data-testid=current-user]")
    assert page.locator("[data-testid=sessions] tbody tr").count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=sign-out-everywhere]")
    page.wait_for_selector("input[name=username]")
    assert "Đã đăng xuất khỏi mọi nơi" in page.inner_text(".flash")
