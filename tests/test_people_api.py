"""People administration and one's own account through the API (API.md "People", "Session")."""
from __future__ import annotations

from datetime import timedelta

from engine import clock
from engine.db import db
from engine.models import AuditEvent, Unit, User
from engine.people import passwords

NEW = {"username": "cv2.ldvl", "full_name": "Nguyễn Thị Thảo", "email": "thao@qoffice.local",
       "unit": "ldvl", "roles": ["specialist"], "position": "Chuyên viên", "phone": "0235 3812 345"}
OWN_PASSWORD = "Hai con mèo ngồi trên mái nhà"


def sign_in(client, username, password):
    return client.post("/api/v1/session", json={"username": username, "password": password})


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_new_user_one_time_password_forced_change_then_work(api, client):
    assert api.post("tp.ldvl", "/users", NEW).status_code == 403
    created = api.post("quantri", "/users", NEW)
    assert created.status_code == 201, created.json
    otp = created.json["one_time_password"]
    assert created.json["must_change_password"] and len(otp) >= 12
    assert "one_time_password" not in api.get("quantri", "/users/cv2.ldvl").json
    assert api.post("quantri", "/users", NEW).json["details"]["username"] == "Tên đăng nhập đã có."

    first = sign_in(client, "cv2.ldvl", otp)
    assert first.status_code == 200 and first.json["must_change_password"] is True
    token = first.json["token"]
    blocked = client.get("/api/v1/tasks", headers=bearer(token))
    assert blocked.status_code == 403 and blocked.json["error"] == "password_change_required"
    for weak, why in (("ngan", "10 ký tự"), ("cv2.ldvl-2026", "tên đăng nhập"), ("password123", "phổ biến"),
                      ("1234567890", "phổ biến"), ("Matkhau@2026", "phổ biến")):
        refused = client.post("/api/v1/session/password", json={"current": otp, "new": weak}, headers=bearer(token))
        assert refused.status_code == 422 and why in refused.json["details"]["new"], (weak, refused.json)
    wrong = client.post("/api/v1/session/password", json={"current": "sai", "new": OWN_PASSWORD},
                        headers=bearer(token))
    assert wrong.status_code == 422 and "current" in wrong.json["details"]
    assert client.post("/api/v1/session/password", json={"current": otp, "new": OWN_PASSWORD},
                       headers=bearer(token)).status_code == 204
    assert client.get("/api/v1/tasks", headers=bearer(token)).status_code == 200
    assert sign_in(client, "cv2.ldvl", otp).status_code == 401
    assert sign_in(client, "cv2.ldvl", OWN_PASSWORD).json["must_change_password"] is False
    actions = [e.action for e in db.session.query(AuditEvent).filter_by(target="user:cv2.ldvl").order_by(AuditEvent.id)]
    assert actions == ["user_created", "password_changed"]


def test_edit_deactivate_reset_never_delete(api, client):
    assert api.post("quantri", "/users", NEW).status_code == 201
    patched = api.client.patch("/api/v1/users/cv2.ldvl", json={"roles": ["specialist", "unit_head"], "unit": "ncc"},
                               headers=api.headers("quantri"))
    assert patched.status_code == 200 and patched.json["roles"] == ["specialist", "unit_head"]
    bad = api.client.patch("/api/v1/users/cv2.ldvl", json={"roles": ["boss"], "email": "x"},
                           headers=api.headers("quantri"))
    assert bad.status_code == 422 and set(bad.json["details"]) == {"roles", "email"}
    # cv.ldvl holds work once a document reaches her: deactivating is refused, handover is the way.
    from tests.test_lifecycle_api import registered, route
    doc_id = registered(api)
    route(api, doc_id, {"lead": ["user:cv.ldvl"]})
    busy = api.client.patch("/api/v1/users/cv.ldvl", json={"active": False}, headers=api.headers("quantri"))
    assert busy.status_code == 409 and busy.json["error"] == "open_work" and busy.json["details"]["tasks"] == 1
    # Deactivated: cannot sign in, sessions end, kept in the list.
    token = sign_in(client, "tp.ncc", "Mat-khau-demo-2026").json["token"]
    off = api.client.patch("/api/v1/users/tp.ncc", json={"active": False}, headers=api.headers("quantri"))
    assert off.status_code == 200 and off.json["active"] is False
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert sign_in(client, "tp.ncc", "Mat-khau-demo-2026").status_code == 401
    assert db.session.query(User).filter_by(username="tp.ncc").one() is not None
    assert db.session.get(Unit, "ncc").head_id is None  # no longer named head
    # The last administrator cannot lose the role.
    last = api.client.patch("/api/v1/users/quantri", json={"roles": ["specialist"]}, headers=api.headers("quantri"))
    assert last.status_code == 422
    # Reset: a new one-time password, every session ends, the lockout is lifted.
    victim = sign_in(client, "cv.ncc", "Mat-khau-demo-2026").json["token"]
    reset = api.post("quantri", "/users/cv.ncc/password")
    assert reset.status_code == 200 and reset.json["must_change_password"]
    assert client.get("/api/v1/me", headers=bearer(victim)).status_code == 401
    again = sign_in(client, "cv.ncc", reset.json["one_time_password"])
    assert again.json["must_change_password"] is True


CSV = ("username;full_name;email;unit;roles;position;phone\n"
       "cv3.ncc;Trần Văn Bình;binh@qoffice.local;ncc;specialist;Chuyên viên;0905123456\n"
       "tp.btxh;Lê Thị Thu Hà;ha@qoffice.local;btxh;unit_head;Trưởng phòng Bảo trợ xã hội;\n"
       "vanthu;Trần Thị Thu;;vp;clerk;Văn thư;\n"
       "Bad Name;;not-an-email;xyz;boss;;\n")


def test_csv_import_dry_run_then_import(api, client):
    headers = {**api.headers("quantri"), "Content-Type": "text/csv"}
    checked = client.post("/api/v1/users/import?dry_run=1", data=CSV.encode("utf-8"), headers=headers)
    assert checked.status_code == 200 and checked.json["dry_run"] and checked.json["failed"] == 1
    rows = {r["row"]: r for r in checked.json["rows"]}
    assert [rows[n]["status"] for n in (2, 3, 4, 5)] == ["ok", "ok", "skipped", "error"]
    assert set(rows[5]["errors"]) == {"username", "full_name", "email", "unit", "roles"}
    refused = client.post("/api/v1/users/import", data=CSV.encode("utf-8"), headers=headers)
    assert refused.status_code == 422 and refused.json["details"]["failed"] == 1
    assert db.session.query(User).filter_by(username="cv3.ncc").count() == 0  # nothing half-imported

    good = "\n".join(CSV.splitlines()[:4]).encode("utf-8-sig")  # Excel's UTF-8 with BOM
    done = client.post("/api/v1/users/import", data=good, headers=headers)
    assert done.status_code == 201 and done.json["created"] == 2
    created = {r["username"]: r for r in done.json["rows"] if r["status"] == "created"}
    otp = created["tp.btxh"]["one_time_password"]
    assert sign_in(client, "tp.btxh", otp).json["must_change_password"] is True
    user = db.session.query(User).filter_by(username="tp.btxh").one()
    assert user.roles == ["unit_head"] and user.unit_code == "btxh" and user.must_change_password
    assert db.session.query(AuditEvent).filter_by(action="user_imported").count() == 2
    missing = client.post("/api/v1/users/import", data=b"username,full_name\nx,y\n", headers=headers)
    assert missing.status_code == 422 and "email" in missing.json["details"]["columns"]


def test_units_create_rename_head_deactivate(api):
    bad = api.post("quantri", "/units", {"code": "Pháp Chế", "name": "Phòng Pháp chế", "kind": "division"})
    assert bad.status_code == 422 and "code" in bad.json["details"]
    made = api.post("quantri", "/units", {"code": "phapche", "name": "Phòng Pháp chế", "kind": "division",
                                          "abbreviation": "PC"})
    assert made.status_code == 201 and made.json["active"]
    affiliated = api.post("quantri", "/units", {"code": "000.11.15.h47", "name": "Trung tâm mới",
                                                "kind": "affiliated"})
    assert affiliated.status_code == 201 and affiliated.json["code"] == "000.11.15.H47"
    assert api.post("quantri", "/users", {**NEW, "unit": "phapche"}).status_code == 201
    renamed = api.client.patch("/api/v1/units/phapche", json={"name": "Phòng Pháp chế - Thanh tra",
                                                              "head": "user:cv2.ldvl"}, headers=api.headers("quantri"))
    assert renamed.status_code == 200 and renamed.json["head"] == "cv2.ldvl"
    assert "unit_head" in db.session.query(User).filter_by(username="cv2.ldvl").one().roles
    outsider = api.client.patch("/api/v1/units/phapche", json={"head": "user:cv.ldvl"}, headers=api.headers("quantri"))
    assert outsider.status_code == 422 and "head" in outsider.json["details"]
    in_use = api.client.patch("/api/v1/units/phapche", json={"active": False}, headers=api.headers("quantri"))
    assert in_use.status_code == 409 and in_use.json["details"]["people"] == 1
    closed = api.client.patch(f"/api/v1/units/{affiliated.json['code']}", json={"active": False},
                              headers=api.headers("quantri"))
    assert closed.status_code == 200 and closed.json["active"] is False
    # A closed unit is no longer offered to others and cannot be routed to.
    assert affiliated.json["code"] not in {u["code"] for u in api.get("giamdoc", "/units").json["items"]}
    from tests.test_lifecycle_api import registered, route
    routed = route(api, registered(api), {"lead": ["unit:000.11.15.H47"]})
    assert routed.status_code == 422 and "đang hoạt động" in routed.json["details"]["lead"]
    trail = api.get("quantri", "/audit?target=unit:phapche").json["items"]
    assert [e["action"] for e in trail] == ["unit_updated", "unit_created"]


def test_sessions_list_sign_out_one_and_everywhere(api, client):
    tokens = [sign_in(client, "cv.ldvl", "Mat-khau-demo-2026").json["token"] for _ in range(2)]
    listed = client.get("/api/v1/sessions", headers=bearer(tokens[0])).json["items"]
    assert len(listed) == 2 and sum(s["current"] for s in listed) == 1
    other = next(s for s in listed if not s["current"])
    assert client.delete(f"/api/v1/sessions/{other['id']}", headers=bearer(tokens[0])).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(tokens[1])).status_code == 401
    assert client.delete("/api/v1/session", headers=bearer(tokens[0])).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(tokens[0])).status_code == 401
    more = [sign_in(client, "cv.ldvl", "Mat-khau-demo-2026").json["token"] for _ in range(3)]
    assert client.delete("/api/v1/sessions", headers=bearer(more[0])).status_code == 204
    assert all(client.get("/api/v1/me", headers=bearer(t)).status_code == 401 for t in more)
    # Idle for 30 minutes on the app clock: the token ends.
    idle = sign_in(client, "cv.ldvl", "Mat-khau-demo-2026").json["token"]
    clock.set_time(clock.now() + timedelta(minutes=31))
    assert client.get("/api/v1/me", headers=bearer(idle)).status_code == 401


def test_old_hashes_are_upgraded_at_sign_in(app, client):
    from argon2 import PasswordHasher

    user = db.session.query(User).filter_by(username="cv.ncc").one()
    user.password_hash = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4).hash("Mat-khau-demo-2026")
    db.session.commit()
    assert sign_in(client, "cv.ncc", "Mat-khau-demo-2026").status_code == 200
    db.session.refresh(user)
    assert "m=19456,t=2,p=1" in user.password_hash and not passwords.needs_rehash(user.password_hash)
