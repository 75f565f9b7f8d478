"""schemathesis against ``/api/v1/openapi.json`` as every role (and as nobody): whatever the generated
request, valid or not, the answer is never a server error and always what the OpenAPI document says
(status code, content type, headers, body schema).

Each role gets a fresh database. The examples per operation are bounded so that ``make test`` stays
short; ``make soak`` runs more (QOFFICE_SCHEMATHESIS_EXAMPLES).
"""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from engine.db import db
from engine.models import User
from engine.people import sessions

EXAMPLES = int(os.environ.get("QOFFICE_SCHEMATHESIS_EXAMPLES") or 6)
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


def contract_failures(operation, caller: Caller, mode: GenerationMode) -> list[str]:
    """Up to EXAMPLES generated requests to ``operation``: what broke the contract, shrunk by hypothesis."""
    found = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def run(case):
        case.call_and_validate(headers=caller.headers(), checks=CHECKS)

    try:
        run()
    except (Exception, FailureGroup) as failure:  # what the checks found, or an error of the app itself
        found.append(f"{operation.label} ({mode.value}): {failure}")
    return found


def test_every_answer_keeps_the_contract(app, caller):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            import time; t=time.monotonic()
            failures += contract_failures(operation, caller, mode)
            print(f"TIMING {time.monotonic()-t:6.2f} {operation.label} {mode.value}")
    assert not failures, "\n\n".join(failures)
