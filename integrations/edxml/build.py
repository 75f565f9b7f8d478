"""Writing edXML packages with lxml: a document package (new, revoke, update, replace) and a status
package. The output is what :mod:`integrations.edxml.parse` reads back field for field."""
from __future__ import annotations

import base64

from lxml import etree

from integrations.edxml.model import DocumentPackage, Organ, Staff, StatusPackage
from integrations.edxml.names import NS, ORGAN_FIELDS, STAFF_FIELDS

E = f"{{{NS}}}"


def _add(parent, name: str, text=None):
    element = etree.SubElement(parent, E + name)
    if text is not None:
        element.text = str(text)
    return element


def _organ(parent, name: str, organ: Organ) -> None:
    element = _add(parent, name)
    for tag, attr in ORGAN_FIELDS:
        _add(element, tag, getattr(organ, attr) or "")


def _staff(parent, staff: Staff) -> None:
    element = _add(parent, "StaffInfo")
    for tag, attr in STAFF_FIELDS:
        _add(element, tag, getattr(staff, attr) or "")


def _envelope():
    root = etree.Element(E + "edXML", nsmap={None: NS})
    envelope = etree.SubElement(root, E + "edXMLEnvelope", nsmap={"edXML": NS})
    return root, envelope, _add(envelope, "edXMLHeader")


def _serialize(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _message_header(header, pkg: DocumentPackage) -> None:
    message = _add(header, "MessageHeader")
    _organ(message, "From", pkg.sender)
    for receiver in pkg.receivers:
        _organ(message, "To", receiver)
    _add(message, "DocumentId", pkg.document_id)
    code = _add(message, "Code")
    _add(code, "CodeNumber", pkg.code_number)
    _add(code, "CodeNotation", pkg.code_notation)
    info = _add(message, "PromulgationInfo")
    _add(info, "Place", pkg.place)
    _add(info, "PromulgationDate", pkg.promulgation_date.raw)
    doc_type = _add(message, "DocumentType")
    _add(doc_type, "Type", pkg.type_code)
    _add(doc_type, "TypeDetail", pkg.type_detail)
    _add(doc_type, "TypeName", pkg.type_name)
    _add(message, "Subject", pkg.subject)
    _add(message, "Content", pkg.content)
    signer = _add(message, "SignerInfo")
    _add(signer, "Competence", pkg.signer_competence)
    _add(signer, "Position", pkg.signer_position)
    _add(signer, "FullName", pkg.signer_name)
    _add(message, "DueDate", pkg.due_date.raw)
    other = _add(message, "OtherInfo")
    _add(other, "Priority", pkg.priority)
    _add(other, "SphereOfPromulgation", pkg.sphere)
    _add(other, "TyperNotation", pkg.typer_notation)
    _add(other, "PromulgationAmount", "" if pkg.promulgation_amount is None else pkg.promulgation_amount)
    _add(other, "PageAmount", "" if pkg.page_amount is None else pkg.page_amount)
    _add(other, "Direction", "false")
    appendixes = _add(other, "Appendixes")
    for name in pkg.appendixes:
        _add(appendixes, "Appendix", name)
    for ref in pkg.response_for:
        response = _add(message, "ResponseFor")
        _add(response, "OrganId", ref.organ_id)
        _add(response, "Code", ref.code)
        _add(response, "PromulgationDate", ref.promulgation_date)
        _add(response, "DocumentId", ref.document_id)
    _add(message, "SteeringType", pkg.steering_type)
    places = _add(message, "ToPlaces")
    for place in pkg.to_places:
        _add(places, "Place", place)


def _trace(header, pkg: DocumentPackage) -> None:
    traces = _add(header, "TraceHeaderList")
    for organ_id, timestamp in pkg.traces:
        trace = _add(traces, "TraceHeader")
        _add(trace, "OrganId", organ_id)
        _add(trace, "Timestamp", timestamp)
    business = pkg.business
    block = _add(traces, "Bussiness")
    _add(block, "DocumentId", business.document_id)
    _add(block, "BussinessDocType", business.doc_type)
    _add(block, "BussinessDocReason", business.reason)
    _add(block, "Paper", business.paper)
    _staff(block, business.staff)
    if business.replaced_ids:
        replacements = _add(block, "ReplacementInfoList")
        for replaced in business.replaced_ids:
            info = _add(replacements, "ReplacementInfo")
            _add(info, "DocumentId", replaced)
            _add(_add(info, "OrganIdList"), "OrganId", pkg.sender.organ_id)


def build_document(pkg: DocumentPackage) -> bytes:
    """The edXML bytes of a document package (attachments base64 in ``ContentTransferEncoded``)."""
    root, envelope, header = _envelope()
    _message_header(header, pkg)
    _trace(header, pkg)
    manifest = _add(_add(envelope, "edXMLBody"), "edXMLManifest")
    manifest.set("version", "1.0")
    for att in pkg.attachments:
        ref = _add(manifest, "Reference")
        _add(ref, "ContentId", f"cid:{att.content_id}")
        _add(ref, "ContentType", att.content_type)
        _add(ref, "Description", att.description)
        _add(ref, "AttachmentName", att.name)
    encoded = _add(root, "AttachmentEncoded")
    for att in pkg.attachments:
        item = _add(encoded, "Attachment")
        _add(item, "ContentId", f"cid:{att.content_id}")
        _add(item, "AttachmentName", att.name)
        _add(item, "Description", att.description)
        _add(item, "ContentType", att.content_type)
        _add(item, "ContentTransferEncoded", base64.b64encode(att.data).decode("ascii"))
    return _serialize(root)


def build_status(pkg: StatusPackage) -> bytes:
    """The edXML bytes of a status package (header only: no body, no attachments)."""
    root, _envelope_el, header = _envelope()
    status = _add(header, "Status")
    response = _add(status, "ResponseFor")
    _add(response, "OrganId", pkg.response_for.organ_id)
    _add(response, "Code", pkg.response_for.code)
    _add(response, "PromulgationDate", pkg.response_for.promulgation_date)
    _add(response, "DocumentId", pkg.response_for.document_id)
    _organ(status, "From", pkg.sender)
    _add(status, "StatusCode", pkg.code)
    _add(status, "Description", pkg.description)
    _add(status, "Timestamp", pkg.timestamp)
    _staff(status, pkg.staff)
    return _serialize(root)
