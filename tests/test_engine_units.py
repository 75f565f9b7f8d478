"""Engine building blocks: text folding, restricted diagram code, numbering, storage, optimistic locking."""
from __future__ import annotations

import threading

import pytest

from engine.storage import FileStore
from engine.text import fold, similarity
from engine.workflow.scripting import (
    DiagramCodeError,
    RestrictedEnvironment,
    compile_code,
    validate,
)


def test_fold_ignores_vietnamese_diacritics_case_and_d_bar():
    assert fold("ĐÀ NẴNG") == "da nang"
    assert fold("Quyết  định\u00a0số 12") == "quyet dinh so 12"
    # Decomposed tone marks (NFD input from some keyboards) fold the same way.
    assert fold("Hoa\u0300ng") == fold("Hoàng") == "hoang"
    assert similarity("Về việc tăng cường phòng chống dịch", "ve viec tang cuong phong chong dich") == 1.0


@pytest.mark.parametrize("attack", [
    "().__class__.__base__.__subclasses__()",
    "'{0.__class__.__mro__}'.format(1)",
    "__import__('os').getcwd()",
    "open('/etc/passwd').read()",
])
def test_diagram_code_cannot_escape(attack):
    env = RestrictedEnvironment({})
    with pytest.raises(Exception):
        env.evaluate(attack, {})


def test_diagram_code_that_does_not_compile_is_reported():
    assert validate("import os", "exec")
    assert validate("x.__class__", "eval")
    assert validate("urgency == 'khan'", "eval") == []
    with pytest.raises(DiagramCodeError):
        compile_code("def f(: pass", "exec")


def test_scripts_see_task_data_and_functions_but_keep_no_functions():
    env = RestrictedEnvironment({"double": lambda x: x * 2})
    data = {"n": 21}
    env.execute("answer = double(n)\nitems = [i for i in range(3)]", data)
    assert data == {"n": 21, "answer": 42, "items": [0, 1, 2]}
    assert env.evaluate("answer > 40 and n in (21, 22)", data) is True


def test_file_store_is_content_addressed_and_never_overwrites(tmp_path):
    store = FileStore(tmp_path)
    digest, created = store.put(b"noi dung")
    assert created and store.get(digest) == b"noi dung"
    again, created_again = store.put(b"noi dung")
    assert again == digest and not created_again
    path = store.path_for(digest)
    assert oct(path.stat().st_mode & 0o777) == "0o444"
    with pytest.raises(ValueError):
        store.path_for("../../etc/passwd")


def test_register_numbers_are_unique_and_gap_free_under_concurrency(app):
    from engine.db import db
    from engine.records.numbering import next_number

    taken, errors = [], []
    barrier = threading.Barrier(4)

    def clerk():
        with app.app_context():
            barrier.wait()
            for _ in range(10):
                try:
                    number = next_number("incoming", 2031)
                    db.session.commit()
                    taken.append(number)
                except Exception as exc:  # noqa: BLE001 - reported below
                    db.session.rollback()
                    errors.append(exc)
            db.session.remove()

    threads = [threading.Thread(target=clerk) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert sorted(taken) == list(range(1, 41))


def test_a_rolled_back_registration_gives_its_number_back(app):
    from engine.db import db
    from engine.records.numbering import next_number

    assert next_number("incoming", 2032) == 1
    db.session.rollback()
    assert next_number("incoming", 2032) == 1
    db.session.commit()
    assert next_number("incoming", 2032) == 2


def test_a_stale_workflow_save_is_a_conflict_not_an_overwrite(app, api):
    from engine.db import db
    from engine.errors import TaskClosed
    from engine.models import WorkflowInstance
    from engine.tx import transaction

    doc = api.receive().json
    instance = db.session.query(WorkflowInstance).filter_by(document_id=doc["id"]).one()
    db.session.commit()
    assert instance.state  # loaded: this session now holds a copy at the current version
    # Someone else saves the same workflow meanwhile, on another connection.
    with db.engine.begin() as other:
        other.execute(db.text("UPDATE workflow_instances SET lock_version = lock_version + 1 WHERE id = :i"),
                      {"i": instance.id})
    with pytest.raises(TaskClosed):
        with transaction():
            instance.state = "{}"
    db.session.expire_all()
    assert db.session.get(WorkflowInstance, instance.id).state != "{}"


def test_unknown_operator_in_a_diagram_is_refused_and_rolls_back(app, api):
    from engine.db import db
    from engine.models import Document
    from engine.workflow import specs

    latest = specs.latest("receive")
    xml = latest.bpmn_xml.replace('id="document/register_incoming"', 'id="os/system"')
    specs.deploy(xml)
    db.session.commit()
    doc = api.receive().json
    response = api.accept(doc["id"])
    assert response.status_code == 422 and response.json["error"] == "workflow_error"
    db.session.expire_all()
    assert db.session.get(Document, doc["id"]).status == "arrived"
    assert api.task("vanthu", doc["id"], "verify") is not None


def test_a_deadlock_is_answered_as_a_conflict_to_try_again(app):
    from sqlalchemy.exc import OperationalError

    from engine.errors import Conflict
    from engine.tx import transaction

    class Deadlock(Exception):
        pgcode = "40P01"

    class DiskFull(Exception):
        pgcode = "53100"

    with app.app_context():
        with pytest.raises(Conflict) as caught:
            with transaction():
                raise OperationalError("UPDATE processing_lines …", {}, Deadlock("deadlock detected"))
        assert caught.value.status == 409 and "thử lại" in caught.value.text()
        with pytest.raises(OperationalError):  # any other database failure stays an error
            with transaction():
                raise OperationalError("INSERT …", {}, DiskFull("could not extend file"))
