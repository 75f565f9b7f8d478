"""The processing slip (phiếu giải quyết văn bản đến, Decree 30 Appendix IV) of one document: the
leader's routing, the unit heads' assignments, the handlers' results, and the history."""
from __future__ import annotations

from engine.history import action_label
from engine.models import Document, LineKind, LineStatus
from engine.models.documents import Status
from engine.processing.lines import ACTION_LABELS
from integrations.pdf.compose import render_html_to_pdf
from reports.templating import render


def to_html(document: Document, lines: list) -> str:
    top = [line for line in lines if line.parent_id is None]
    routed = next((e for e in document.history if e.action == "routed"), None)
    return render("slip.html", doc=document, top=top, children=[line for line in lines if line.parent_id],
                  routed=routed, kind_labels=LineKind.LABELS, status_labels=LineStatus.LABELS,
                  result_labels=ACTION_LABELS, doc_status=Status.LABELS, action_label=action_label)


def file_name(document: Document) -> str:
    return f"phieu-xu-ly-{document.id}.pdf"


def to_pdf(document: Document, lines: list) -> bytes:
    return render_html_to_pdf(to_html(document, lines))
