"""The axis transports: the HTTP adapter against the stand-in axis on a real port, and the folder drop."""
from __future__ import annotations

import pytest

from integrations.axis import AxisError, FolderAxis, HttpAxis
from tests.integrations.axis_support import StandInAxis, free_port

A, B = "000.00.15.H47", "000.00.00.H47"
TOKENS = {"token-a": A, "token-b": B}


@pytest.fixture
def standin(tmp_path):
    axis = StandInAxis(tmp_path / "axis", TOKENS).start()
    yield axis
    axis.stop()


def test_http_axis_moves_packages_between_two_organisations(standin):
    a = HttpAxis(standin.url, "token-a", retries=0)
    b = HttpAxis(standin.url, "token-b", retries=0)
    first = a.send(b"<edXML>1</edXML>", receivers=[B], kind="edoc", key="send:1:B")
    assert a.send(b"<edXML>1</edXML>", receivers=[B], kind="edoc", key="send:1:B") == first  # a resent copy
    a.send(b"<edXML>st</edXML>", receivers=[B], kind="status", key="status:9:01")
    waiting = b.received()
    assert [(m.sender, m.kind) for m in waiting] == [(A, "edoc"), (A, "status")]
    assert a.received() == []
    assert b.fetch(waiting[0].id) == b"<edXML>1</edXML>"
    with pytest.raises(AxisError) as other:
        a.fetch(waiting[0].id)  # not addressed to A
    assert other.value.permanent
    b.acknowledge(waiting[0].id)
    assert [m.id for m in b.received()] == [waiting[1].id]


def test_http_axis_errors_say_whether_to_retry(standin, tmp_path):
    with pytest.raises(AxisError) as wrong_token:
        HttpAxis(standin.url, "sai", retries=0).received()
    assert not wrong_token.value.permanent and "401" in wrong_token.value.message
    with pytest.raises(AxisError) as refused:
        HttpAxis(standin.url, "token-a", retries=0).send(b"x", receivers=[], kind="edoc", key="k")
    assert refused.value.permanent
    with pytest.raises(AxisError) as down:
        HttpAxis(f"http://127.0.0.1:{free_port()}", "token-a", retries=0, timeout=2).send(
            b"x", receivers=[B], kind="edoc", key="k")
    assert not down.value.permanent and "kết nối" in down.value.message
    with pytest.raises(AxisError) as too_big:
        a = HttpAxis(standin.url, "token-a", retries=0)
        a.send(b"y" * 5000, receivers=[B], kind="edoc", key="big")
        b = HttpAxis(standin.url, "token-b", retries=0, max_bytes=1000)
        b.fetch(b.received()[0].id)
    assert too_big.value.permanent


def test_folder_axis(tmp_path):
    axis = FolderAxis(tmp_path)
    name = axis.send(b"<edXML/>", receivers=[B], kind="edoc", key="send:1:B")
    assert axis.send(b"<edXML/>", receivers=[B], kind="edoc", key="send:1:B") == name
    assert [p.name for p in (tmp_path / "outbox").iterdir()] == [name]
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "edoc-1.edxml").write_bytes(b"<one/>")
    (tmp_path / "inbox" / ".writing-x").write_bytes(b"half")
    assert [m.id for m in axis.received()] == ["edoc-1.edxml"]
    assert axis.fetch("edoc-1.edxml") == b"<one/>"
    with pytest.raises(AxisError):
        axis.fetch("../outbox/" + name)
    axis.acknowledge("edoc-1.edxml")
    assert axis.received() == [] and (tmp_path / "inbox" / "processed" / "edoc-1.edxml").exists()
