"""Sending stored files to a browser or an API client: attachments, the outgoing preview, edXML packages."""
from __future__ import annotations

from io import BytesIO

from flask import send_file

from engine.errors import N_, NotFound
from engine.interconnection import packages
from engine.models import Document
from engine.outgoing import preparing
from engine.storage import store


def attachment_response(doc: Document, index: int):
    """The ``index``-th attachment of ``doc`` (the caller has checked that the user may see ``doc``)."""
    if index < 0 or index >= len(doc.attachments):
        raise NotFound(N_("Không tìm thấy tệp đính kèm."))
    att = doc.attachments[index]
    return send_file(BytesIO(store().get(att.sha256)), mimetype=att.content_type, as_attachment=True,
                     download_name=att.name, etag=att.sha256)


def preview_response(doc: Document):
    """The PDF to sign of an outgoing document as it would be built now (nothing stored)."""
    data = preparing.preview(doc)
    return send_file(BytesIO(data), mimetype="application/pdf", as_attachment=False,
                     download_name=f"xem-truoc-{doc.id}.pdf", max_age=0)


def edxml_response(doc: Document, agency_code: str):
    """The edXML package of the issued ``doc`` for the agency ``agency_code``, as the axis got it."""
    delivery = packages.delivery_for(doc, agency_code)
    return send_file(BytesIO(packages.document_package(doc, delivery)), mimetype="application/xml",
                     as_attachment=True, max_age=0, download_name=f"{doc.id}-{delivery.agency_code}.edxml")
