"""Process owners in the browser: edit in the modeler and deploy, invalid diagrams marked and refused,
migration dry run and apply, and the document page showing where a document stands."""
from __future__ import annotations

from engine.db import db
from engine.models import WorkflowInstance
from tests.browser.conftest import login
from tests.conftest import DEMO_PASSWORD
from tests.processes_support import at_route, deploy, shipped, versions


def open_modeler(page, live_server):
    page.set_viewport_size({"width": 1600, "height": 1000})
    login(page, live_server, "quytrinh", DEMO_PASSWORD)
    # A process owner lands on the processes, not on an empty inbox.
    page.wait_for_selector("[data-testid=processes]")
    page.click("[data-process=receive] >> text=Tiếp nhận văn bản đến")
    page.wait_for_selector(".modeler .canvas[data-ready=true]")


def select(page, element_id: str, group: str):
    """Click an element on the canvas and open a group of the properties panel."""
    # Scrolling through bpmn-js's API keeps the element clear of the palette; the click itself is real.
    page.evaluate("""id => { const m = window.qofficeModeler;
        m.get('canvas').scrollToElement(m.get('elementRegistry').get(id),
                                        {top: 120, bottom: 120, left: 260, right: 120}); }""", element_id)
    page.click(f".djs-element[data-element-id={element_id}]")
    header = page.locator(".bio-properties-panel-group-header", has_text=group)
    if "open" not in (header.get_attribute("class") or ""):
        header.click()


def test_owner_edits_deadline_and_name_in_the_panel_and_deploys(live_server, page, api):
    running = at_route(api)
    open_modeler(page, live_server)

    select(page, "compute_deadlines", "Mã script (Python)")
    script = page.locator("#bio-properties-panel-qo-script")
    assert "add_working_days(received_at, 1)" in script.input_value()
    script.fill(script.input_value().replace("add_working_days(received_at, 1)", "add_working_days(received_at, 2)"))
    select(page, "route", "Chung")
    page.fill("#bio-properties-panel-name", "Phân công xử lý (2 ngày)")
    page.wait_for_selector("[data-testid=dirty]:not([hidden])")

    page.click("[data-action=deploy]")
    page.fill("[data-testid=deploy-dialog] textarea[name=note]", "Lãnh đạo có 2 ngày làm việc để phân công")
    page.click("[data-action=confirm-deploy]")
    page.wait_for_selector("[data-testid=version-info]:has-text('phiên bản 2')")
    assert "Lãnh đạo có 2 ngày làm việc để phân công" in page.inner_text("[data-testid=version-info]")

    later = at_route(api)
    old_task, new_task = api.task("giamdoc", running, "route"), api.task("giamdoc", later, "route")
    assert old_task["title"] == "Phân công xử lý văn bản đến"  # the running document keeps version 1
    assert new_task["title"] == "Phân công xử lý (2 ngày)"
    assert new_task["due_at"] > old_task["due_at"]


def test_invalid_diagram_is_marked_and_not_deployed(live_server, page):
    open_modeler(page, live_server)
    select(page, "route_overdue", "Hẹn giờ")
    page.fill("#bio-properties-panel-qo-timer", "add_working_dayz(route_due)")
    select(page, "register", "Thao tác của hệ thống")
    page.select_option("#bio-properties-panel-qo-operator", "")

    page.click("[data-action=validate]")
    problems = page.locator("[data-testid=problems]")
    problems.wait_for()
    text = problems.inner_text()
    assert "route_overdue" in text and "add_working_dayz" in text
    assert "register" in text and "thao tác" in text
    page.wait_for_selector(".djs-element.qo-problem[data-element-id=route_overdue]")
    page.wait_for_selector(".djs-element.qo-problem[data-element-id=register]")
    assert "lỗi" in page.inner_text("[data-testid=modeler-status]")

    page.click("[data-action=deploy]")
    page.fill("[data-testid=deploy-dialog] textarea[name=note]", "Thử triển khai sơ đồ lỗi")
    page.click("[data-action=confirm-deploy]")
    page.wait_for_selector("[data-testid=modeler-status].error:has-text('chưa được triển khai')")
    assert "phiên bản 1" in page.inner_text("[data-testid=version-info]")
    # Clicking a problem selects its element.
    page.click("[data-testid=problems] li[data-element-id=register] button")
    page.wait_for_selector(".djs-element.selected[data-element-id=register]")


def test_migration_dry_run_and_apply(live_server, page, api):
    doc_id = at_route(api)
    assert deploy(api, shipped("receive").replace("Phân công xử lý văn bản đến", "Phân công xử lý (mới)")).status_code \
        == 201
    login(page, live_server, "quytrinh", DEMO_PASSWORD)
    page.goto(live_server + "/processes/receive/versions")
    page.click("text=Chuyển văn bản đang chạy sang phiên bản khác")
    page.select_option("select[name=from_version]", "1")
    page.select_option("select[name=to_version]", "2")
    page.click("[data-testid=migration-form] button[type=submit]")
    row = page.locator(f"[data-testid=migration-outcomes] tr:has(a[href$='/documents/{doc_id}'])")
    assert row.locator("[data-testid=outcome]").inner_text() == "Chuyển được"
    assert "route → route" in " ".join(row.inner_text().split())
    assert versions(api) == [2, 1]
    instance = db.session.query(WorkflowInstance).filter_by(document_id=doc_id).one()
    assert instance.process_version.version == 1  # the dry run moved nothing

    page.click("[data-action=apply-migration]")
    row = page.locator(f"[data-testid=migration-outcomes] tr:has(a[href$='/documents/{doc_id}'])")
    assert row.locator("[data-testid=outcome]").inner_text() == "Đã chuyển"
    db.session.expire_all()
    assert db.session.get(WorkflowInstance, instance.id).process_version.version == 2
    assert api.task("giamdoc", doc_id, "route")["title"] == "Phân công xử lý (mới)"


def test_document_page_highlights_the_current_task(live_server, page, api):
    doc_id = at_route(api)
    login(page, live_server, "giamdoc", DEMO_PASSWORD)
    page.goto(f"{live_server}/documents/{doc_id}")
    page.wait_for_selector("[data-testid=document-diagram][data-ready=true]")
    page.wait_for_selector(".djs-element.qo-current[data-element-id=route]")
    page.wait_for_selector(".djs-element.qo-completed[data-element-id=verify]")
    holder = page.inner_text("[data-testid=task-holder]")
    assert "Đang giữ" in holder and "từ" in holder and "hạn" in holder
    assert "Tiếp nhận văn bản đến (phiên bản 1, đang chạy)" in page.inner_text("[data-testid=document-diagrams] .tabs")

    # Leaders may look at the processes, read-only.
    page.goto(f"{live_server}/processes/receive")
    page.wait_for_selector(".modeler .canvas[data-ready=true]")
    assert page.locator("[data-action=deploy]").count() == 0
