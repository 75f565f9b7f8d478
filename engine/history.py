"""Writing a document's history (every change is recorded, R-INTEGRITY-1)."""
from __future__ import annotations

from engine import clock
from engine.db import db
from engine.errors import N_
from engine.interconnection.outbound import queue_status_reply
from engine.models import Document, HistoryEvent

# What each history action means, for people (the API returns the code).
ACTION_LABELS = {
    "arrived": N_("Văn bản đến"),
    "registered": N_("Tiếp nhận, vào sổ văn bản đến"),
    "refused": N_("Từ chối nhận (trả lại)"),
    "duplicate": N_("Đánh dấu trùng với văn bản đã vào sổ"),
    "duplicate_linked": N_("Gắn bản trùng"),
    "routed": N_("Phân công xử lý"),
    "in_progress": N_("Bắt đầu xử lý"),
    "assigned": N_("Giao chuyên viên xử lý"),
    "forwarded": N_("Chuyển cán bộ khác xử lý"),
    "line_reply": N_("Xử lý: đã trả lời bằng văn bản đi"),
    "line_file": N_("Xử lý: lưu hồ sơ"),
    "line_report": N_("Xử lý: báo cáo kết quả"),
    "line_contributed": N_("Góp ý kiến phối hợp"),
    "line_acknowledged": N_("Đã xem (nhận để biết)"),
    "completed": N_("Hoàn thành xử lý"),
    "reply_drafted": N_("Tạo dự thảo trả lời"),
    "reply_abandoned": N_("Dự thảo trả lời không được ban hành, văn bản trở lại người xử lý"),
    "abandoned": N_("Hủy dự thảo, không ban hành"),
    "draft_created": N_("Tạo dự thảo"),
    "urged": N_("Đôn đốc xử lý"),
    "escalated": N_("Báo quá hạn"),
    "handover": N_("Bàn giao công việc"),
    # outgoing documents (engine/outgoing/)
    "draft_updated": N_("Sửa dự thảo"),
    "draft_file_added": N_("Tải lên tệp dự thảo"),
    "submitted": N_("Trình dự thảo"),
    "returned": N_("Trả lại dự thảo"),
    "returned_review": N_("Lãnh đạo phòng trả lại dự thảo"),
    "returned_sign": N_("Lãnh đạo Sở trả lại dự thảo"),
    "approved": N_("Duyệt dự thảo"),
    "signed": N_("Ký số (lãnh đạo)"),
    "issued": N_("Ban hành: cấp số, ngày, ký số cơ quan"),
    "sent": N_("Gửi văn bản"),
    "received_internal": N_("Nhận văn bản nội bộ"),
    # interconnection with other agencies (engine/interconnection/)
    "arrived_axis": N_("Văn bản điện tử đến qua trục liên thông"),
    "axis_sent": N_("Đã gửi lên trục liên thông"),
    "refused_by_receiver": N_("Nơi nhận từ chối tiếp nhận"),
    "recall_requested": N_("Thu hồi văn bản đã gửi"),
    "recall_received": N_("Nơi gửi yêu cầu thu hồi văn bản"),
    "recalled": N_("Văn bản bị thu hồi"),
    "recall_accepted": N_("Nơi nhận đồng ý thu hồi"),
    "recall_rejected": N_("Nơi nhận từ chối thu hồi"),
    "recall_refused": N_("Từ chối yêu cầu thu hồi"),
    "updated_by_sender": N_("Nơi gửi cập nhật văn bản"),
    "replaced_by_sender": N_("Nơi gửi thay thế văn bản"),
    # process owners (engine/processes/)
    "process_migrated": N_("Chuyển sang phiên bản quy trình mới"),
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


_INSERT = HistoryEvent.__table__.insert()


def record(document: Document, action: str, ctx=None, *, status: str | None = None, note: str | None = None,
           details: dict | None = None, actor=None) -> None:
    """Add one history line; ``ctx`` (a RunContext) supplies actor, delegation and effective time.

    The line is written at once, in the caller's transaction, without the unit of work: history only
    grows, and a step records two or three lines that each cost a row in its next flush otherwise.
    """
    now = clock.now()
    actor = actor or (ctx.actor if ctx else None)
    if document.id is None:  # a document made in this transaction gets its id first
        db.session.flush()
    with db.session.no_autoflush:  # nothing pending changes this row: flush the rest later, at once
        db.session.execute(_INSERT, {
            "document_id": document.id, "at": ctx.at if ctx and ctx.at else now, "recorded_at": now,
            "actor_id": actor.id if actor else None,
            "on_behalf_of_id": ctx.on_behalf_of.id if ctx and ctx.on_behalf_of else None,
            "action": action, "status": status, "note": note, "entered_late": bool(ctx and ctx.entered_late),
            "details": {**(details or {}), "late_entry": ctx.late_entry} if ctx and ctx.late_entry else details})


def set_status(document: Document, status: str, ctx=None, *, action: str | None = None,
               note: str | None = None, details: dict | None = None) -> None:
    """Change the status, record it, and queue the status reply to the sending agency — all in
    the caller's transaction (R-STATUS-1: status changes are fed back to the sender)."""
    document.status = status
    record(document, action or status, ctx, status=status, note=note, details=details)
    queue_status_reply(document, status, ctx, note=note)
