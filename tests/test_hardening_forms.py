"""What a probe of every form and page found: values that passed one check and broke the next step."""
from __future__ import annotations

import pytest

from engine.errors import InvalidInput
from tests.conftest import DEMO_PASSWORD, login
from tests.processes_support import at_route


def test_the_notifications_page_lists_a_person_s_notices(api, client):
    login(client, "cv.ldvl")
    reported = client.post("/incidents/new", data={"kind": "security", "title": "Thư lừa đảo giả danh Sở",
                                                   "description": "Nhận thư yêu cầu nhập mật khẩu.", "page": "/inbox"})
    assert reported.status_code == 302
    client.post("/logout")
    login(client, "quantri")  # administrators are told of every incident
    page = client.get("/notifications")
    assert page.status_code == 200 and "Thư lừa đảo giả danh Sở" in page.get_data(as_text=True)


def test_a_pin_with_a_nul_byte_is_a_wrong_pin(api):
    from tests.test_outgoing_api import to_signing

    doc_id = to_signing(api)
    task = api.task("giamdoc", doc_id, "sign")
    response = api.complete("giamdoc", task["id"], {"decision": "sign", "pin": "a\x00b"})
    assert response.status_code == 422 and "Mã PIN không đúng" in response.json["message"]
    assert api.complete("giamdoc", task["id"], {"decision": "sign", "pin": DEMO_PASSWORD}).status_code == 200


def test_a_box_of_nan_is_no_box(api):
    from tests.test_outgoing_api import create, outgoing_meta

    created = create(api, meta=outgoing_meta(layout={"leader_box": ["nan", "nan", "nan", "nan"]}))
    assert created.status_code == 422 and "layout.leader_box" in created.json["details"]


@pytest.mark.parametrize("path", ["/documents?page=²", "/documents?page=" + "9" * 5000, "/tasks?page=²"])
def test_digits_that_are_not_ascii_or_too_many_are_no_number(api, path):
    assert api.get("vanthu", path).status_code == 422


def test_a_deadline_years_away_is_refused(api):
    doc_id = at_route(api)
    route = api.task("giamdoc", doc_id, "route")
    for deadline in ("9999-12-30", "2200-01-01"):
        refused = api.complete("giamdoc", route["id"], {"lead": ["unit:ldvl"], "deadline": deadline})
        assert refused.status_code == 422 and "deadline" in refused.json["details"], refused.json


def test_a_csv_cell_over_the_csv_module_s_limit_is_refused_with_its_line(app):
    from engine.interconnection.agencies import parse_csv

    with app.app_context(), pytest.raises(InvalidInput) as refused:
        parse_csv(b"code,name\n000.00.99.H47," + b"x" * 200_000 + b"\n")
    assert "dòng 2" in refused.value.text()


def test_a_document_id_beyond_the_database_s_integers_is_not_found(api):
    created = api.post("cv.ldvl", "/case-files", {"title": "Hồ sơ thử", "code": "01", "retention": "10"})
    assert created.status_code == 201, created.json
    filed = api.post("cv.ldvl", f"/case-files/{created.json['id']}/documents", {"document_id": 2**70})
    assert filed.status_code == 422


def test_a_document_is_routed_only_to_people_who_handle_documents(api):
    doc_id = at_route(api)
    route = api.task("giamdoc", doc_id, "route")
    for target in ("user:quantri", "user:quytrinh"):  # the administrator, the process owner
        refused = api.complete("giamdoc", route["id"], {"lead": [target], "deadline": 5})
        assert refused.status_code == 422 and "không phải người xử lý văn bản" in str(refused.json), refused.json
    assert api.complete("giamdoc", route["id"], {"lead": ["user:cv.ldvl"], "deadline": 5}).status_code == 200
