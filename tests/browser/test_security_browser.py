"""Pages keep working under the Content-Security-Policy: confirmations come from web/static/app.js."""
from __future__ import annotations

from tests.browser.conftest import login
from tests.conftest import DEMO_PASSWORD


def test_removing_a_calendar_day_asks_first(live_server, page):
    login(page, live_server, "quantri", DEMO_PASSWORD)
    page.goto(live_server + "/admin/calendar?year=2027")
    page.fill("input[name=date]", "2027-03-05")
    page.select_option("select[name=kind]", "extra_day_off")
    page.fill("input[name=note]", "Nghỉ bù thử nghiệm")
    page.click("[data-testid=calendar-form] button[type=submit]")
    row = page.locator("tr", has_text="Nghỉ bù thử nghiệm")
    assert row.count() == 1

    page.once("dialog", lambda dialog: dialog.dismiss())
    row.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("tr", has_text="Nghỉ bù thử nghiệm").count() == 1  # cancelled: still there

    page.once("dialog", lambda dialog: dialog.accept())
    row.locator("button[type=submit]").click()
    page.wait_for_selector("text=Nghỉ bù thử nghiệm", state="detached")
