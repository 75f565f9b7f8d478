"""Lifecycles driven over HTTP as the demo users would, through server restarts.

Every step is driven by state, not by memory: before acting, the driver reads the document and does
what its status and open tasks call for. So an answer lost to a killed server (the request may or
may not have committed) is simply followed by a fresh look, and a retried upload carries the same
``Idempotency-Key``. Every 5xx answer is recorded: the tests require none.
"""
from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import requests

from engine import clock
from integrations import edxml
from tests.conftest import DEMO_PASSWORD, incoming_meta, make_pdf

US = "000.00.15.H47"
UBND = "000.00.00.H47"
INCOMING_ORDER = ("arrived", "accepted", "routed", "in_progress", "completed")
OUTGOING_ORDER = ("draft", "in_review", "approved", "signed", "issued", "sent")
STEP_TIMEOUT = 180.0  # seconds one step may take across restarts before the lifecycle counts as stuck


class Stuck(AssertionError):
    """A lifecycle that could not make progress: the test fails with what the server last said."""


@dataclass
class Stats:
    requests: int = 0
    retried: int = 0  # requests that met a dead server and were sent again
    server_errors: list = field(default_factory=list)
    conflicts: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, response=None, retried=False) -> None:
        with self.lock:
            self.requests += 1
            self.retried += retried
            if response is not None and response.status_code >= 500:
                self.server_errors.append(f"{response.request.method} {response.request.path_url} "
                                          f"{response.status_code}: {response.text[:300]}")
            if response is not None and response.status_code == 409:
                self.conflicts[response.json().get("error", "?")] += 1


class Client:
    """The API as the demo users, retrying through connection failures while a server restarts."""

    def __init__(self, base_url: str, stats: Stats):
        self.base = base_url.rstrip("/") + "/api/v1"
        self.stats = stats
        self.http = requests.Session()
        self.tokens: dict[str, str] = {}

    def _send(self, method: str, path: str, **kw) -> requests.Response:
        deadline = time.monotonic() + STEP_TIMEOUT
        retried = False
        while True:
            try:
                response = self.http.request(method, self.base + path, timeout=120, **kw)
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                # The server was killed mid-request, or is not back yet.
                if time.monotonic() > deadline:
                    raise
                retried = True
                time.sleep(0.2)
                self.http.close()
                continue
            self.stats.count(response, retried)
            return response

    def call(self, username: str, method: str, path: str, **kw) -> requests.Response:
        headers = kw.pop("headers", {})
        for _ in range(3):
            response = self._send(method, path, headers={**headers, **self._auth(username)}, **kw)
            if response.status_code != 401:
                return response
            self.tokens.pop(username, None)  # never expected: sessions live in the database
        raise Stuck(f"{username}: 401 three times on {method} {path}")

    def _auth(self, username: str) -> dict:
        if username not in self.tokens:
            response = self._send("POST", "/session", json={"username": username, "password": DEMO_PASSWORD})
            if response.status_code != 200:
                raise Stuck(f"sign-in of {username}: {response.status_code} {response.text[:200]}")
            self.tokens[username] = response.json()["token"]
        return {"Authorization": "Bearer " + self.tokens[username]}

    def document(self, username: str, doc_id: int) -> dict:
        response = self.call(username, "GET", f"/documents/{doc_id}")
        if response.status_code != 200:
            raise Stuck(f"{username} cannot read document {doc_id}: {response.status_code} {response.text[:200]}")
        return response.json()


@dataclass(frozen=True)
class Step:
    user: str
    task: str
    form: dict
    reaches: str  # the status the document has once this step is done


INCOMING_STEPS = (
    Step("vanthu", "verify", {"decision": "accept"}, "accepted"),
    Step("giamdoc", "route", {"lead": ["unit:ldvl"], "instruction": "Phòng LĐVL xử lý."}, "routed"),
    Step("tp.ldvl", "assign", {"assignees": ["user:cv.ldvl"]}, "in_progress"),
    Step("cv.ldvl", "process", {"action": "file", "note": "Lưu hồ sơ."}, "completed"),
)
OUTGOING_STEPS = (
    Step("cv.ldvl", "submit", {}, "in_review"),
    Step("tp.ldvl", "review", {"decision": "approve"}, "approved"),
    Step("giamdoc", "sign", {"decision": "sign", "pin": DEMO_PASSWORD}, "signed"),
    Step("vanthu", "issue", {"pin": DEMO_PASSWORD}, "sent"),
)


def run_steps(client: Client, doc_id: int, steps, order) -> None:
    """Take the document through ``steps``, whatever a crash left done or undone."""
    for step in steps:
        deadline = time.monotonic() + STEP_TIMEOUT
        while True:
            doc = client.document(step.user, doc_id)
            if order.index(doc["status"]) >= order.index(step.reaches):
                break
            task = next((t for t in doc["open_tasks"] if t["name"] == step.task), None)
            if task is not None:
                response = client.call(step.user, "POST", f"/tasks/{task['id']}/complete", json=step.form)
                if response.status_code == 200:
                    continue
                if response.status_code != 409 or response.json().get("error") != "task_closed":
                    raise Stuck(f"{step.task} of {doc_id}: {response.status_code} {response.text[:300]}")
            if time.monotonic() > deadline:
                raise Stuck(f"document {doc_id} stuck at {doc['status']} before {step.task}: {doc['open_tasks']}")
            time.sleep(0.1)


@dataclass
class Lifecycle:
    """One document's way through the department; ``subject`` identifies it in the database."""

    kind: str  # incoming | axis | outgoing
    index: int
    subject: str = ""
    doc_id: int | None = None
    key: str = field(default_factory=lambda: uuid.uuid4().hex)

    def __post_init__(self):
        self.subject = f"V/v kiểm thử độ bền {self.kind} số {self.index} ({self.key[:8]})"

    @property
    def number(self) -> str:
        return str(10000 + self.index)  # unique: equal sender, number and date would be a duplicate


def receive(client: Client, life: Lifecycle) -> int:
    meta = incoming_meta(subject=life.subject, number=life.number)
    files = {"metadata": (None, json.dumps(meta, ensure_ascii=False)),
             "files": ("cong-van.pdf", make_pdf(), "application/pdf")}
    response = client.call("vanthu", "POST", "/documents/incoming", files=files,
                           headers={"Idempotency-Key": life.key})
    if response.status_code not in (200, 201):
        raise Stuck(f"receive {life.index}: {response.status_code} {response.text[:300]}")
    return response.json()["id"]


def draft(client: Client, life: Lifecycle) -> int:
    meta = {"doc_type": "CV", "subject": life.subject, "receivers": ["unit:ncc", f"org:{UBND}"],
            "urgency": "normal", "signer": "user:giamdoc",
            "body": "Sở Lao động - Thương binh và Xã hội đề nghị các đơn vị rà soát số liệu "
                    f"và báo cáo trước ngày 15 (lượt {life.index})."}
    response = client.call("cv.ldvl", "POST", "/documents/outgoing",
                           files={"metadata": (None, json.dumps(meta, ensure_ascii=False))},
                           headers={"Idempotency-Key": life.key})
    if response.status_code not in (200, 201):
        raise Stuck(f"draft {life.index}: {response.status_code} {response.text[:300]}")
    return response.json()["id"]


def axis_package(life: Lifecycle) -> bytes:
    """A document the provincial People's Committee sends us through the axis."""
    today = clock.today()
    document_id = edxml.document_id(UBND, today, life.number, "UBND-KGVX")
    return edxml.build_document(edxml.DocumentPackage(
        sender=edxml.Organ(UBND, "Ủy ban nhân dân tỉnh Quảng Nam"), receivers=[edxml.Organ(US, "Sở LĐTBXH")],
        document_id=document_id, subject=life.subject, code_number=life.number, code_notation="UBND-KGVX",
        promulgation_date=edxml.RawDate(edxml.format_date(today), today), type_name="Công văn",
        signer_name="Trần Văn Tân", signer_position="Phó Chủ tịch",
        business=edxml.Business(edxml.NEW, "", document_id),
        attachments=[edxml.Attachment("1", "cong-van.pdf", make_pdf(), "application/pdf")]))


def arrival(client: Client, life: Lifecycle) -> int:
    """Wait for the scheduler to take the axis package in (it polls the axis)."""
    deadline = time.monotonic() + STEP_TIMEOUT
    while time.monotonic() < deadline:
        response = client.call("vanthu", "GET", "/documents", params={"q": life.key[:8], "direction": "incoming"})
        items = response.json()["items"] if response.status_code == 200 else []
        if items:
            if len(items) != 1:
                raise Stuck(f"axis document {life.index} taken in {len(items)} times")
            return items[0]["id"]
        time.sleep(0.3)
    raise Stuck(f"axis document {life.index} never taken in")


def run_lifecycle(client: Client, life: Lifecycle, post_to_axis) -> None:
    if life.kind == "outgoing":
        life.doc_id = draft(client, life)
        run_steps(client, life.doc_id, OUTGOING_STEPS, OUTGOING_ORDER)
        return
    if life.kind == "axis":
        post_to_axis(axis_package(life))
        life.doc_id = arrival(client, life)
    else:
        life.doc_id = receive(client, life)
    run_steps(client, life.doc_id, INCOMING_STEPS, INCOMING_ORDER)

