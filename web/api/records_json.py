"""JSON shapes of records: search hits, saved searches, registers, statistics, case files."""
from __future__ import annotations

from datetime import date, datetime

from web.api.serializers import iso


def value_json(value):
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def hit_json(hit) -> dict:
    """What a search adds to a document of the list: relevance and the matching excerpt."""
    snippet = hit.snippet
    return {"score": round(float(hit.score), 6) if hit.score is not None else None,
            "snippet": snippet.text if snippet else None,
            "snippet_file": snippet.source if snippet else None}


def saved_search_json(row) -> dict:
    return {"id": row.id, "name": row.name, "params": row.params, "created_at": iso(row.created_at)}


def register_json(reg) -> dict:
    first, last = reg.numbers
    return {"kind": reg.filter.kind, "title": reg.title, **reg.filter.params(), "unit_name": reg.unit_name,
            "from_number": first, "to_number": last,
            "columns": [{"key": c.key, "label": c.label} for c in reg.columns],
            "items": [{k: value_json(v) for k, v in row.items()} for row in reg.rows], "total": len(reg.rows)}


def unit_stats_json(u) -> dict:
    return {"unit": u.unit, "name": u.name, "received": u.received, "on_time": u.on_time, "late": u.late,
            "overdue": u.overdue, "in_progress": u.in_progress, "average_working_days": u.average_days,
            "received_electronic": u.received_electronic, "received_paper": u.received_paper,
            "sent_electronic": u.sent_electronic, "sent_paper": u.sent_paper,
            "electronic_received_share": u.electronic_received_share,
            "electronic_sent_share": u.electronic_sent_share}


def statistics_json(stats) -> dict:
    return {"month": f"{stats.month:%Y-%m}", "as_of": iso(stats.as_of),
            "units": [unit_stats_json(u) for u in stats.units], "total": unit_stats_json(stats.total),
            "trend": [{"month": f"{m:%Y-%m}", "received": r, "completed": c} for m, r, c in stats.trend]}


def case_file_json(row, entries: bool = False) -> dict:
    data = {"id": row.id, "unit": row.unit_code, "year": row.year, "code": row.code, "title": row.title,
            "retention_years": row.retention_years, "status": row.status, "owner": row.owner.username,
            "opened_at": iso(row.opened_at), "closed_at": iso(row.closed_at), "documents": len(row.entries)}
    if entries:
        data["entries"] = [{"position": e.position, "document_id": e.document_id,
                            "number_notation": e.document.number_notation, "subject": e.document.subject,
                            "direction": e.document.direction, "filed_at": iso(e.filed_at),
                            "filed_by": e.filed_by.username} for e in row.entries]
    return data
