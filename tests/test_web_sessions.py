"""Browser sessions live on the server: a stale cookie cannot bring back an ended session, signing out
everywhere ends the other browsers, a one-time password leads every page to the password form."""
from __future__ import annotations

from engine.db import db
from engine.models import User, UserSession
from engine.people import directory
from tests.conftest import DEMO_PASSWORD, login


def test_a_stale_cookie_after_sign_out_is_refused(app):
    browser = app.test_client()
    assert login(browser, "cv.ldvl").status_code == 302
    stale = browser.get_cookie("session").value
    browser.post("/logout")
    # A late response (e.g. a PDF still loading when the person signed out) puts the old cookie back.
    browser.set_cookie("session", stale)
    ended = browser.get("/inbox")
    assert ended.status_code == 302 and "/login" in ended.headers["Location"]
    again = login(browser, "cv.ldvl")
    assert again.headers["Location"].endswith("/inbox")
    assert browser.get("/login").headers["Location"].endswith("/inbox")  # already signed in
    assert login(browser, "cv.ldvl").status_code == 302 and browser.post("/login?next=/login", data={
        "username": "cv.ldvl", "password": DEMO_PASSWORD}).headers["Location"].endswith("/inbox")


def test_sign_out_everywhere_ends_the_other_browsers(app):
    office, phone = app.test_client(), app.test_client()
    login(office, "cv.ldvl"), login(phone, "cv.ldvl")
    assert phone.get("/inbox").status_code == 200
    page = office.get("/account/").get_data(as_text=True)
    assert page.count("<tr><td>Trình duyệt") == 2
    assert office.post("/account/sessions/end-all").status_code == 302
    assert phone.get("/inbox").status_code == 302 and office.get("/inbox").status_code == 302
    user = db.session.query(User).filter_by(username="cv.ldvl").one()
    assert db.session.query(UserSession).filter_by(user_id=user.id, revoked_at=None).count() == 0


def test_one_time_password_leads_every_page_to_the_password_form(app, client):
    admin = db.session.query(User).filter_by(username="quantri").one()
    secret = directory.reset_password(admin, "cv.ncc")
    assert login(client, "cv.ncc", secret).headers["Location"].endswith("/account/password")
    for path in ("/inbox", "/documents", "/notifications"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith("/account/password")
    mismatch = client.post("/account/password", data={"current": secret, "new": "Sông Thu Bồn chảy qua",
                                                      "confirm": "khác"})
    assert mismatch.status_code == 422
    done = client.post("/account/password", data={"current": secret, "new": "Sông Thu Bồn chảy qua",
                                                  "confirm": "Sông Thu Bồn chảy qua"})
    assert done.status_code == 302 and client.get("/inbox").status_code == 200
