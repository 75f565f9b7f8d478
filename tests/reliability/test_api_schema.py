"""schemathesis against ``/api/v1/openapi.json`` as every role (and as nobody): whatever the generated
request, valid or not, the answer is never a server error and always what the OpenAPI document says
(status code, content type, headers, body schema).

Each role gets a fresh database. The examples per operation are bounded so that ``make test`` stays
short; ``make soak`` runs more (QOFFICE_SCHEMATHESIS_EXAMPLES).
"""
from __future__ import annotations

import os
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from engine import clock
from engine.db import db
from engine.models import InboxTask, Unit, User, UserSession
from engine.people import sessions
from tests.test_outgoing_api import create

EXAMPLES = int(os.environ.get("QOFFICE_SCHEMATHESIS_EXAMPLES") or 5)
# make test replays the same examples every run (a landing must not depend on luck); make soak explores.
EXPLORE = bool(os.environ.get("QOFFICE_SCHEMATHESIS_EXAMPLES"))
# One account per role of the demo organisation; None signs in as nobody.
ROLES = {"anonymous": None, "clerk": "vanthu", "leader": "giamdoc", "unit_head": "tp.ldvl",
         "specialist": "cv.ldvl", "process_owner": "quytrinh", "administrator": "quantri"}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


class Caller:
    """A bearer token of the role's account, renewed whenever a generated request ended its session
    (``DELETE /session``), so that every example runs signed in."""

    def __init__(self, username: str | None):
        self.user = db.session.query(User).filter_by(username=username).one() if username else None
        self.token = None

    def headers(self) -> dict:
        if self.user is None:
            return {}
        if self.token is None or sessions.find(self.token, "api") is None:
            self.token = sessions.start(self.user, "api")
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture(params=list(ROLES))
def caller(request, app):
    return Caller(ROLES[request.param])


@pytest.fixture
def known(api) -> dict[str, list]:
    """Real rows for path parameters, so that generated requests also reach documents, tasks and
    delegations that exist (random ids alone would mostly meet 404): an incoming document waiting for
    verification, one routed to a unit, an outgoing draft and one in review, a delegation."""
    waiting = api.receive().json["id"]
    routed = api.receive().json["id"]
    api.accept(routed)
    api.complete("giamdoc", api.task("giamdoc", routed, "route")["id"], {"lead": ["unit:ldvl"]})
    drafts = [create(api).json["id"] for _ in range(2)]
    api.complete("cv.ldvl", api.task("cv.ldvl", drafts[1], "submit")["id"])
    today = clock.today()
    delegation = api.post("giamdoc", "/delegations", {
        "delegate": "user:phogiamdoc", "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=3)).isoformat(), "rights": ["route"]}).json["id"]
    return {
        "documents": [waiting, routed, *drafts],
        "tasks": [t.id for t in db.session.query(InboxTask).filter_by(status="open")],
        "delegations": [delegation],
        "sessions": [s.id for s in db.session.query(UserSession)],
        "username": [u.username for u in db.session.query(User)],
        "code": [u.code for u in db.session.query(Unit)],
        "index": [0, 1],
    }


def realistic(case, known: dict, pick: int) -> None:
    """Half of the examples get an existing row in each path parameter."""
    if pick % 2:
        return
    for name in case.path_parameters or {}:
        family = case.operation.path.strip("/").split("/")[0] if name == "id" else name
        values = known.get(family)
        if values:
            case.path_parameters[name] = values[pick // 2 % len(values)]


def contract_failures(operation, caller: Caller, known: dict, mode: GenerationMode) -> list[str]:
    """Up to EXAMPLES generated requests to ``operation``: what broke the contract, shrunk by hypothesis."""
    found = []

    @given(case=operation.as_strategy(generation_mode=mode), pick=st.integers(min_value=0, max_value=1000))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not EXPLORE,
              suppress_health_check=list(HealthCheck))
    def run(case, pick):
        realistic(case, known, pick)
        case.call_and_validate(headers=caller.headers(), checks=CHECKS)

    try:
        run()
    except (Exception, FailureGroup) as failure:  # what the checks found, or an error of the app itself
        found.append(f"{operation.label} ({mode.value}): {failure}")
    return found


def test_every_answer_keeps_the_contract(app, caller, known):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failures += contract_failures(operation, caller, known, mode)
    assert not failures, "\n\n".join(failures)
