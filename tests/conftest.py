"""Shared fixtures: a fresh database per test (copied from one prepared template), API helpers, PDFs.

SQLite by default. With QOFFICE_TEST_DATABASE_URL (a PostgreSQL URL whose user may create databases)
every test gets its own PostgreSQL database cloned from a template database instead.
"""
from __future__ import annotations

import io
import itertools
import json
import os
import shutil
import uuid
from pathlib import Path

import pikepdf
import pytest

from engine import clock

DEMO_PASSWORD = "Mat-khau-demo-2026"


POSTGRES_URL = os.environ.get("QOFFICE_TEST_DATABASE_URL")
TEMPLATE_DB = "qoffice_test_template"


def _pg_admin(statement: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(make_url(POSTGRES_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(statement))
    engine.dispose()


def _database_url(folder: Path, name: str | None = None) -> str:
    if POSTGRES_URL:
        from sqlalchemy.engine import make_url

        return make_url(POSTGRES_URL).set(database=name or TEMPLATE_DB).render_as_string(hide_password=False)
    return f"sqlite:///{folder / 'qoffice.db'}"


def _config(folder: Path, database: str | None = None) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-" + uuid.uuid4().hex,
        "SQLALCHEMY_DATABASE_URI": _database_url(folder, database),
        "QOFFICE_DATA": str(folder),
        "QOFFICE_FILES_DIR": str(folder / "files"),
        "QOFFICE_BASE_URL": "http://127.0.0.1:5000",
        "WTF_CSRF_ENABLED": False,
    }


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory):
    """One database with the organisation, diagrams and demo users, prepared once per run."""
    from engine.db import db
    from web import create_app
    from web.cli import initialise

    folder = tmp_path_factory.mktemp("template")
    if POSTGRES_URL:
        _pg_admin(f"DROP DATABASE IF EXISTS {TEMPLATE_DB} WITH (FORCE)")
        _pg_admin(f"CREATE DATABASE {TEMPLATE_DB}")
    app = create_app(_config(folder))
    with app.app_context():
        initialise(DEMO_PASSWORD)
        db.engine.dispose()
    return folder


@pytest.fixture
def app_config(template_dir, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    database = None
    if POSTGRES_URL:
        database = "qoffice_test_" + uuid.uuid4().hex[:10]
        _pg_admin(f"CREATE DATABASE {database} TEMPLATE {TEMPLATE_DB}")
    else:
        shutil.copy(template_dir / "qoffice.db", folder / "qoffice.db")
    yield {**_config(folder, database), "QOFFICE_PKI_DIR": str(template_dir / "pki")}  # demo PKI made once
    if database:
        _pg_admin(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


@pytest.fixture
def app(app_config):
    from engine.db import db
    from web import create_app

    application = create_app(app_config)
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()
    clock.set_time(None)


@pytest.fixture
def client(app):
    return app.test_client()


def login(client, username: str = "vanthu", password: str = DEMO_PASSWORD, *, next_url: str | None = None):
    """Sign in through the web form; the response (a 302 when it worked)."""
    query = {"next": next_url} if next_url is not None else {}
    return client.post("/login", query_string=query, data={"username": username, "password": password})


def make_pdf(text: str | None = None) -> bytes:
    """A small valid PDF, unique unless ``text`` is given (so sha256 duplicates are deliberate)."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Title"] = text or ("Văn bản " + uuid.uuid4().hex)
    out = io.BytesIO()
    pdf.save(out, static_id=True)
    return out.getvalue()


# Distinct numbers: two documents of one sender with one number and date are duplicates (a random
# number from a small range made one test in fifty see its twentieth document refused as such).
_NUMBERS = itertools.count(100 + uuid.uuid4().int % 5000)


def next_number() -> str:
    """A document number not used before in this test run."""
    return str(next(_NUMBERS))


def incoming_meta(**overrides) -> dict:
    meta = {
        "sender_org_id": "000.00.00.H47",
        "sender_org_name": "Ủy ban nhân dân tỉnh Quảng Nam",
        "number": next_number(),
        "notation": "UBND-KGVX",
        "issued_on": clock.today().isoformat(),
        "doc_type": "CV",
        "subject": f"V/v {uuid.uuid4().hex[:8]} về chính sách xã hội",
        "signer_name": "Trần Văn Tân",
        "signer_position": "Phó Chủ tịch",
        "urgency": "normal",
        "secrecy": "none",
        "source": "electronic",
    }
    meta.update(overrides)
    return meta


class Api:
    """Drives the JSON API as the named users."""

    def __init__(self, client):
        self.client = client
        self.tokens: dict[str, str] = {}

    def headers(self, username: str) -> dict:
        if username not in self.tokens:
            response = self.client.post("/api/v1/session", json={"username": username, "password": DEMO_PASSWORD})
            assert response.status_code == 200, response.json
            self.tokens[username] = response.json["token"]
        return {"Authorization": "Bearer " + self.tokens[username]}

    def get(self, username, path, **kw):
        return self.client.get("/api/v1" + path, headers=self.headers(username), **kw)

    def post(self, username, path, json_body=None, **kw):
        return self.client.post("/api/v1" + path, headers=self.headers(username), json=json_body, **kw)

    def receive(self, username="vanthu", meta=None, files=None):
        files = files if files is not None else [("van-ban.pdf", make_pdf())]
        data = {"metadata": json.dumps(meta if meta is not None else incoming_meta(), ensure_ascii=False),
                "files": [(io.BytesIO(content), name) for name, content in files]}
        return self.client.post("/api/v1/documents/incoming", headers=self.headers(username), data=data,
                                content_type="multipart/form-data")

    def task(self, username, document_id, name):
        items = self.get(username, "/tasks").json["items"]
        return next((t for t in items if t["document_id"] == document_id and t["name"] == name), None)

    def complete(self, username, task_id, form=None):
        return self.post(username, f"/tasks/{task_id}/complete", form or {})

    def accept(self, document_id, **form):
        task = self.task("vanthu", document_id, "verify")
        assert task is not None
        return self.complete("vanthu", task["id"], {"decision": "accept", **form})


@pytest.fixture
def api(client):
    return Api(client)
