"""Routing and processing of an incoming document: one processing line per recipient.

The leader's ``route`` names lead / coordinate / inform recipients (units or
people). Each becomes a processing line with its own ``handle_line`` workflow:
a unit head assigns specialists, the lead specialist processes (reply, file,
report, forward), coordinating specialists contribute an opinion, informed
recipients acknowledge.

A reply keeps the document open: choosing "reply" starts the outgoing draft and the lead line
stays in progress, waiting in its diagram for the reply's fate (engine/processing/replies.py):
issued → the line is done; abandoned or rejected for good → the line is back with its holder.

Closure rule: the document is completed when its lead line is done. Coordination
still open at that moment is closed (its tasks cancelled) — the lead's result no
longer waits for it — and that is recorded on the line and in the history.
Acknowledgements of "inform" recipients stay open: reading is still useful.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from engine import clock, history, settings
from engine.db import db
from engine.deadlines.calendar_service import current_calendar
from engine.errors import N_
from engine.models import (
    Document,
    LineKind,
    LineStatus,
    ProcessingLine,
    Role,
    Unit,
    User,
    WorkflowInstance,
)
from engine.notifications import events
from engine.outgoing import drafting
from engine.people.named import active_user_named, user_named
from engine.validation import Fields, parse_day
from engine.workflow import runtime
from engine.workflow.forms import form
from engine.workflow.operators import DiagramReferenceError, Param, operator

PROCESS_ACTIONS = ("reply", "file", "report", "forward")
ACTION_LABELS = {"reply": N_("Trả lời bằng văn bản đi"), "file": N_("Lưu hồ sơ"),
                 "report": N_("Báo cáo kết quả"), "forward": N_("Chuyển cán bộ khác xử lý"),
                 "contributed": N_("Đã góp ý kiến"), "acknowledged": N_("Đã xem"),
                 "closed": N_("Đóng khi văn bản hoàn thành")}


# --- targets and deadlines --------------------------------------------------------------------

HANDLERS = (Role.SPECIALIST, Role.UNIT_HEAD, Role.LEADER, Role.CLERK)  # who may be given a document to handle


def parse_target(ref) -> tuple[str, Unit | None, User | None]:
    """``unit:<code>`` or ``user:<username>`` → (type, unit, user); ValueError when unknown."""
    if not isinstance(ref, str) or ":" not in ref:
        raise ValueError("phải có dạng unit:<mã> hoặc user:<tên đăng nhập>")
    kind, _, value = ref.partition(":")
    if kind == "unit":
        unit = db.session.get(Unit, value)
        if unit is None or unit.kind == "department" or not unit.active:
            raise ValueError(f"không có phòng, đơn vị {value} đang hoạt động")
        return "unit", unit, None
    if kind == "user":
        user = active_user_named(value)
        if user is None:
            raise ValueError(f"không có người dùng {value}")
        if not user.has_role(*HANDLERS):  # the administrator or a process owner only: not one who handles documents
            raise ValueError(f"{value} không phải người xử lý văn bản")
        return "user", user.unit, user
    raise ValueError("phải có dạng unit:<mã> hoặc user:<tên đăng nhập>")


MAX_DEADLINE_DAYS = 730  # a deadline years away is a typing error (and slows every count of working days)


def deadline_from(value, *, start: datetime) -> datetime | None:
    """A date (end of office hours that day) or a number of working days from ``start``."""
    if value in (None, ""):
        return None
    calendar = current_calendar()
    if (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, str) and value.isdigit()):
        days = int(value)
        if not 1 <= days <= 365:
            raise ValueError("số ngày làm việc phải từ 1 đến 365")
        return calendar.add_working_days(start, days)
    try:
        day = parse_day(value)
    except ValueError:
        raise ValueError("hạn phải là ngày YYYY-MM-DD hoặc số ngày làm việc") from None
    if day < start.date():
        raise ValueError("hạn không được trước hôm nay")
    if day > start.date() + timedelta(days=MAX_DEADLINE_DAYS):
        raise ValueError("hạn không được quá 2 năm kể từ hôm nay")
    return datetime.combine(day, calendar.day_end, tzinfo=clock.VN_TZ)


def _targets(f: Fields, name: str, data: dict) -> list[str]:
    value = data.get(name) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        f.errors[name] = "Phải là danh sách người hoặc đơn vị."
        return []
    for ref in value:
        try:
            parse_target(ref)
        except ValueError as exc:
            f.errors[name] = f"{ref}: {exc}"
    return value


# --- forms ----------------------------------------------------------------------------------

@form("route")
def route_form(ctx, document: Document, data: dict) -> dict:
    f = Fields(data)
    lead = _targets(f, "lead", data)
    coordinate = _targets(f, "coordinate", data)
    inform = _targets(f, "inform", data)
    instruction = f.text("instruction", max_len=4000)
    if not f.errors.get("lead") and len(lead) != 1:
        f.errors["lead"] = "Phải có đúng một đơn vị hoặc người chủ trì."
    everyone = lead + coordinate + inform
    if len(set(everyone)) != len(everyone):
        f.errors["coordinate"] = "Một người hoặc đơn vị chỉ được chọn một lần."
    now = ctx.when
    deadline = None
    try:
        deadline = deadline_from(data.get("deadline"), start=now)
    except ValueError as exc:
        f.errors["deadline"] = str(exc)
    f.raise_if_errors()
    if deadline is None:
        deadline = current_calendar().add_working_days(now, settings.get("DEFAULT_PROCESS_DAYS"))
    lines = ([{"kind": LineKind.LEAD, "target": t} for t in lead]
             + [{"kind": LineKind.COORDINATE, "target": t} for t in coordinate]
             + [{"kind": LineKind.INFORM, "target": t} for t in inform])
    return {"lines": lines, "instruction": instruction, "deadline_at": deadline.isoformat()}


def line_of(ctx) -> ProcessingLine:
    """The processing line of the task's flow, kept on ``ctx``: the session forgets objects nobody
    holds, and the step's operators would read it again by its id."""
    if ctx.line is None:
        ctx.line = db.session.scalars(_LINE_OF, {"instance_id": ctx.task.instance_id}).one()
    return ctx.line


_LINE_OF = select(ProcessingLine).where(ProcessingLine.instance_id == bindparam("instance_id"))


@form("assign")
def assign_form(ctx, document: Document, data: dict) -> dict:
    line = line_of(ctx)
    f = Fields(data)
    refs = data.get("assignees")
    users: list[User] = []
    if isinstance(refs, str):
        refs = [r.strip() for r in refs.split(",") if r.strip()]
    if not isinstance(refs, list) or not refs:
        f.errors["assignees"] = "Chọn ít nhất một chuyên viên."
    else:
        for ref in refs:
            user = active_user_named(ref)
            if user is None or user.unit_code != line.unit_code:
                f.errors["assignees"] = f"{ref}: không thuộc {line.unit_code}."
            elif user not in users:
                users.append(user)
    note = f.text("note", max_len=4000)
    due = line.due_at
    try:
        chosen = deadline_from(data.get("deadline"), start=ctx.when)
    except ValueError as exc:
        f.errors["deadline"] = str(exc)
        chosen = None
    if chosen is not None:
        if line.due_at and chosen > line.due_at:
            f.errors["deadline"] = "Không được sau hạn lãnh đạo giao."
        due = chosen
    f.raise_if_errors()
    return {"assignees": [u.username for u in users], "holder": users[0].username, "note": note,
            "due": due.isoformat() if due else None}


@form("process")
def process_form(ctx, document: Document, data: dict) -> dict:
    line = line_of(ctx)
    f = Fields(data)
    action = f.choice("action", PROCESS_ACTIONS, required=True)
    note = f.text("note", max_len=4000)
    result = {"action": action, "note": note}
    if action == "forward":
        ref = data.get("forward_to")
        target = db.session.query(User).filter_by(username=str(ref or "").removeprefix("user:"),
                                                  active=True).one_or_none()
        if target is None:
            f.errors["forward_to"] = "Chọn người nhận chuyển xử lý."
        elif target.id == ctx.actor.id or target.id == line.holder_id:
            f.errors["forward_to"] = "Không thể chuyển cho chính mình."
        elif target.unit_code != line.unit_code:
            f.errors["forward_to"] = "Chỉ chuyển trong phạm vi phòng, đơn vị của mình."
        else:
            result["holder"] = target.username
    f.raise_if_errors()
    return result


@form("contribute")
def contribute_form(ctx, document: Document, data: dict) -> dict:
    f = Fields(data)
    opinion = f.text("opinion", required=True, max_len=8000)
    f.raise_if_errors()
    return {"opinion": opinion}


@form("acknowledge")
def acknowledge_form(ctx, document: Document, data: dict) -> dict:
    return {}


# --- operators --------------------------------------------------------------------------------

_LINE = Param("line_id", N_("Mã dòng xử lý của luồng này"), required=True, example="line_id")
_NOTE = Param("note", N_("Ghi chú, ý kiến"), example="note")


def start_line(ctx, document: Document, line: ProcessingLine) -> None:
    """Start the ``handle_line`` flow of a new processing line (in the caller's transaction)."""
    # The data is read once the flow's instance is flushed: the line gets its id in that same flush.
    instance = runtime.start("handle_line", document, lambda: {
        "document_id": document.id, "line_id": line.id, "kind": line.kind, "target_type": line.target_type,
        "unit": line.unit_code, "holder": line.holder.username if line.holder else None,
        "due": line.due_at.isoformat() if line.due_at else None, "urgency": document.urgency,
    }, ctx)
    line.instance_id = instance.id


def _describe(line: ProcessingLine) -> str:
    who = line.holder.full_name if line.target_type == "user" and line.holder else (
        db.session.get(Unit, line.unit_code).name if line.unit_code else "")
    return f"{LineKind.LABELS[line.kind]}: {who}"


@operator("lines/open", "Mở các dòng xử lý theo phân công của lãnh đạo", params=(
    Param("lines", N_("Các dòng xử lý lãnh đạo đã chọn (chủ trì, phối hợp, để biết)"), required=True, example="lines"),
    Param("instruction", N_("Ý kiến chỉ đạo"), example="instruction"),
    Param("deadline_at", N_("Hạn xử lý (ISO, +07:00)"), example="deadline_at")))
def open_lines(ctx, lines=(), instruction=None, deadline_at=None, **_params) -> dict:
    document = ctx.document
    now = ctx.when
    due = datetime.fromisoformat(deadline_at) if deadline_at else None
    created = []
    for spec in lines:
        target_type, unit, user = parse_target(spec["target"])
        kind = spec["kind"]
        line = ProcessingLine(
            document_id=document.id, kind=kind, target_type=target_type, unit_code=unit.code if unit else None,
            holder_id=user.id if user else None, instruction=instruction, started_at=now,
            held_since=now if user else None,
            status=LineStatus.IN_PROGRESS if user else LineStatus.WAITING,
            due_at=None if kind == LineKind.INFORM else due,
            created_by_id=ctx.actor.id if ctx.actor else None)
        line.holder = user
        db.session.add(line)
        created.append(line)
    if due and document.due_on is None:
        document.due_on = due.date()
    history.set_status(document, "routed", ctx, action="routed",
                       note="; ".join(_describe(line) for line in created)
                       + (f". Ý kiến chỉ đạo: {instruction}" if instruction else ""))
    for line in created:
        start_line(ctx, document, line)
    if any(line.kind == LineKind.LEAD and line.target_type == "user" for line in created):
        history.set_status(document, "in_progress", ctx, action="in_progress")
    return {"line_ids": [line.id for line in created]}


def _line(line_id) -> ProcessingLine:
    try:
        line = db.session.get(ProcessingLine, int(line_id))
    except (TypeError, ValueError):  # the diagram passed something that is no line id
        line = None
    if line is None:
        raise DiagramReferenceError(f"processing line {line_id} does not exist")
    return line


def _user(username) -> User:
    user = user_named(username)
    if user is None:
        raise DiagramReferenceError(f"user {username} does not exist")
    return user


@operator("line/assign", "Ghi nhận phân công chuyên viên của lãnh đạo phòng", params=(
    _LINE, Param("assignees", N_("Chuyên viên được giao (người đầu tiên chủ trì)"), required=True, example="assignees"),
    _NOTE))
def assign_line(ctx, line_id=None, assignees=(), note=None, **_params) -> dict:
    line = _line(line_id)
    document = ctx.document
    people = [_user(name) for name in assignees]
    line.holder, line.holder_id = people[0], people[0].id
    line.status, line.held_since = LineStatus.IN_PROGRESS, ctx.when
    history.record(document, "assigned", ctx,
                   note=f"{LineKind.LABELS[line.kind]} — giao {', '.join(p.full_name for p in people)}"
                   + (f": {note}" if note else ""))
    for extra in people[1:]:
        child = ProcessingLine(document_id=document.id, parent_id=line.id, kind=LineKind.COORDINATE,
                               target_type="user", unit_code=extra.unit_code, holder_id=extra.id,
                               status=LineStatus.IN_PROGRESS, instruction=note, started_at=ctx.when,
                               held_since=ctx.when, due_at=line.due_at,
                               created_by_id=ctx.actor.id if ctx.actor else None)
        child.holder = extra
        db.session.add(child)
        start_line(ctx, document, child)
    if line.kind == LineKind.LEAD and line.parent_id is None and document.status == "routed":
        history.set_status(document, "in_progress", ctx, action="in_progress")
    return {"holder": people[0].username}


@operator("line/forward", "Chuyển dòng xử lý cho cán bộ khác", params=(
    _LINE, Param("to", N_("Tên đăng nhập của người nhận"), required=True, example="forward_to"), _NOTE))
def forward_line(ctx, line_id=None, to=None, note=None, **_params) -> dict:
    line = _line(line_id)
    target = _user(to)
    previous = line.holder.full_name if line.holder else ""
    line.holder, line.holder_id, line.held_since = target, target.id, ctx.when
    history.record(ctx.document, "forwarded", ctx,
                   note=f"{previous} → {target.full_name}" + (f": {note}" if note else ""))
    return {"holder": target.username}


@operator("document/start_reply", "Tạo dự thảo văn bản đi trả lời, gắn với văn bản đến", params=(_LINE, _NOTE))
def start_reply(ctx, line_id=None, note=None, **_params) -> dict:
    line = _line(line_id)
    reply = drafting.start_reply(ctx, ctx.document, note=note, due=line.due_at)
    line.reply_document_id = reply.id
    return {"reply_document_id": reply.id}


@operator("line/reply_abandoned", "Dự thảo trả lời không được ban hành: văn bản trở lại người xử lý", params=(
    _LINE, Param("reason", N_("Lý do không ban hành"), example="reason")))
def reply_abandoned(ctx, line_id=None, reason=None, **_params) -> dict:
    line = _line(line_id)
    reply = db.session.get(Document, line.reply_document_id) if line.reply_document_id else None
    line.reply_document_id = None
    history.record(ctx.document, "reply_abandoned", ctx,
                   note="; ".join(filter(None, [f"Dự thảo mã {reply.id}" if reply else None, reason])) or None)
    if reply is not None and line.holder is not None:
        events.reply_abandoned(ctx, line, reply, reason)
    return {"reply_document_id": None}


@operator("line/finish", "Kết thúc dòng xử lý; dòng chủ trì xong thì văn bản hoàn thành", params=(
    _LINE, Param("result", N_("Kết quả: reply, file, report, contributed, acknowledged"), example="'report'"), _NOTE))
def finish_line(ctx, line_id=None, result=None, note=None, **_params) -> dict:
    line = _line(line_id)
    document = ctx.document
    if result == "reply" and line.reply_document_id:
        reply = db.session.get(Document, line.reply_document_id)
        note = "; ".join(filter(None, [f"Đã ban hành văn bản trả lời số {reply.number_notation}", note]))
    line.status, line.finished_at, line.result, line.note = LineStatus.DONE, ctx.when, result, note
    history.record(document, f"line_{result}", ctx, note=note or None,
                   details={"line_id": line.id, "kind": line.kind})
    if result == "contributed":
        events.opinion_arrived(ctx, line)
    if line.kind == LineKind.LEAD and line.parent_id is None:
        closed = close_open_coordination(ctx, document, exclude=line.id)
        history.set_status(document, "completed", ctx, action="completed",
                           note=(f"Đóng {closed} dòng phối hợp chưa hoàn thành." if closed else None))
        events.routed_completed(ctx, document, note)
    return {"status": line.status}


_OPEN_COORDINATION = select(ProcessingLine).where(
    ProcessingLine.document_id == bindparam("document_id"), ProcessingLine.id != bindparam("exclude"),
    ProcessingLine.kind == LineKind.COORDINATE, ProcessingLine.status.in_(LineStatus.OPEN))


def close_open_coordination(ctx, document: Document, *, exclude: int) -> int:
    """Close the coordination lines still open when the lead line is done (see module doc)."""
    lines = db.session.scalars(_OPEN_COORDINATION, {"document_id": document.id, "exclude": exclude}).all()
    for line in lines:
        line.status, line.finished_at, line.result = LineStatus.CLOSED, ctx.when, "closed"
        if line.instance_id:
            instance = db.session.get(WorkflowInstance, line.instance_id)
            if instance.status == "running":
                runtime.cancel(instance, runtime.RunContext(actor=ctx.actor, on_behalf_of=ctx.on_behalf_of,
                                                            at=ctx.at, document=document))
    return len(lines)


def lines_of(document: Document) -> list[ProcessingLine]:
    return db.session.scalars(_LINES_OF, {"document_id": document.id}).all()


_LINES_OF = (select(ProcessingLine).where(ProcessingLine.document_id == bindparam("document_id"))
             .options(joinedload(ProcessingLine.holder).lazyload(User.role_rows))
             .order_by(ProcessingLine.parent_id.isnot(None), ProcessingLine.id))

