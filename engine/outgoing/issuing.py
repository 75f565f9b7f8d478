"""Signing and issuing outgoing documents (R-SIGN-1, R-LEGAL-2): the leader's PAdES signature, then the
number from the outgoing register of the year, the date and the organisation seal with a timestamp,
in ONE incremental revision.

Task forms ``sign`` and ``issue`` open the key with the PIN typed now (a wrong PIN stops there,
before anything changes) and hand it to the operators through ``ctx.secrets``. Operators
``outgoing/sign`` and ``outgoing/issue``.
"""
from __future__ import annotations

import io
from functools import lru_cache

from engine import history, settings
from engine.errors import N_, DangerousContent, InvalidInput, ServiceUnavailable
from engine.incoming import signatures
from engine.models import Document
from engine.models.documents import Urgency
from engine.outgoing import annexes, signing_keys
from engine.outgoing.preparing import (
    archive_unit,
    decision_of,
    latest_file,
    store_pdf,
    take_secret,
)
from engine.records.indexing import search_text
from engine.records.numbering import next_number
from engine.storage import store
from engine.workflow.forms import form
from engine.workflow.operators import Param, operator


def notation_for(document: Document) -> str:
    """Decree 30: ``QĐ-<agency>`` for named types, ``<agency>-<drafting unit>`` for công văn."""
    agency = settings.get("ORG_ABBREVIATION")
    if document.doc_type == "CV":
        unit = archive_unit(document)
        return f"{agency}-{unit}" if unit else agency
    return f"{document.doc_type}-{agency}"


def number_text(number: int) -> str:
    return f"{number:02d}"


def date_vi(day) -> str:
    """``ngày 05 tháng 01 năm 2026`` (Decree 30: days below 10 and months 1–2 with a leading zero)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


@lru_cache(maxsize=32)
def signature_image(seed: str) -> bytes:
    """A blue "handwritten" scribble (transparent PNG) standing in for a leader's signature image."""
    import hashlib

    from PIL import Image, ImageDraw

    digest = hashlib.sha256(seed.encode()).digest()
    img = Image.new("RGBA", (280, 110), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    points = [(10 + i * 36, 20 + digest[i] % 70) for i in range(8)]
    d.line(points, fill=(20, 40, 200, 255), width=5, joint="curve")
    d.line([(30, 95), (250, 88)], fill=(20, 40, 200, 255), width=3)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


@lru_cache(maxsize=1)
def seal_image() -> bytes:
    """A red round seal (transparent PNG) standing in for the organisation's seal image."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.ellipse((4, 4, 236, 236), outline=(220, 20, 20, 255), width=8)
    d.ellipse((34, 34, 206, 206), outline=(220, 20, 20, 255), width=4)
    d.regular_polygon((120, 120, 40), 5, fill=(220, 20, 20, 255))
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


# --- task forms -------------------------------------------------------------------------------

@form("sign")
def sign_form(ctx, document: Document, data: dict) -> dict:
    decision, note = decision_of(data, "sign")
    if decision == "sign":
        if latest_file(document, "to_sign") is None:
            raise InvalidInput(N_("Chưa có văn bản trình ký."))
        # Opening the key checks the PIN now: a wrong PIN stops here, before anything changes.
        ctx.secrets["leader_signer"] = signing_keys.open_signer(ctx.actor.username, data.get("pin"),
                                                                  typed_by=ctx.actor.username)
    return {"decision": decision, "note": note}


@form("issue")
def issue_form(ctx, document: Document, data: dict) -> dict:
    from integrations.scan import scan_file

    signed = latest_file(document, "signed")
    if signed is None:
        raise InvalidInput(N_("Văn bản chưa có chữ ký của người có thẩm quyền."))
    # R-SEC-1: the file is scanned again before it is issued.
    result = scan_file(store().get(signed.sha256), signed.name, clamd_socket=settings.get("CLAMD_SOCKET"))
    if result.verdict == "block":
        reasons = "; ".join(x.message_vi for x in result.findings if x.level == "block")
        raise DangerousContent(N_("Tệp %(name)s bị từ chối vì có nội dung nguy hiểm: %(reasons)s"),
                               params={"name": signed.name, "reasons": reasons},
                               details={"findings": [x.code for x in result.findings]})
    ctx.secrets["seal_signer"] = signing_keys.open_signer(signing_keys.seal_key_id(), data.get("pin"),
                                                                typed_by=ctx.actor.username)
    return {}


# --- operators --------------------------------------------------------------------------------

@operator("outgoing/sign", "Ký số của lãnh đạo (PAdES, chữ ký nhìn thấy, khóa mọi thứ trừ ô số, ngày, con dấu)",
          params=(Param("note", N_("Ý kiến của lãnh đạo khi ký"), example="note"),),
          sample={"signed_at": "2026-03-02T09:00:00+07:00", "urgent": False})
def sign_document(ctx, note=None, **_params) -> dict:
    from integrations.pdf.signing import sign_as_leader

    document = ctx.document
    signer = take_secret(ctx, "leader_signer")
    try:
        to_sign = latest_file(document, "to_sign")
        layout = document.layout
        user = ctx.actor
        signed = sign_as_leader(store().get(to_sign.sha256), signer, page=int(layout["page"]),
                                box=tuple(layout["leader_box"]), name=user.full_name, position=user.position or "",
                                location=settings.get("ORG_PLACE"), image_png=signature_image(user.username),
                                now=ctx.when)
    finally:
        signing_keys.close(signer)
    row = store_pdf(document, signed, f"da-ky-{document.id}.pdf", "signed", ctx.actor)
    document.signed_at = ctx.when
    document.signer_name, document.signer_position = ctx.actor.full_name, ctx.actor.position
    history.set_status(document, "signed", ctx, action="signed",
                       note="; ".join(filter(None, [f"Ký số: {ctx.actor.full_name}", note])))
    return {"signed_at": ctx.when.isoformat(), "urgent": document.urgency != Urgency.NORMAL, "signed": row.sha256}


@operator("outgoing/issue", "Ban hành: cấp số, ngày trong sổ văn bản đi và ký số của cơ quan (con dấu, dấu thời gian)")
def issue_document(ctx, **_params) -> dict:
    from integrations.pdf.signing import TimestampUnavailable, issue_with_seal

    document = ctx.document
    seal = take_secret(ctx, "seal_signer")
    try:
        when = ctx.when
        year = when.year
        number = next_number("outgoing", year)  # inside this transaction: gap-free
        notation = notation_for(document)
        text_number = f"{number_text(number)}/{notation}"
        layout = document.layout
        place = settings.get("ORG_PLACE")
        composed = layout.get("mode") == "composed"
        signed = latest_file(document, "signed")
        issued = issue_with_seal(
            store().get(signed.sha256), seal,
            number_text=text_number if composed else f"Số: {text_number}",
            date_text=date_vi(when.date()) if composed else f"{place}, {date_vi(when.date())}",
            seal_box=tuple(layout["seal_box"]), page=int(layout["page"]), timestamper=signing_keys.timestamper(),
            org_name=settings.get("ORG_NAME"), seal_png=seal_image(), location=place, now=when)
        sealed_annexes = annexes.seal(document, seal, number_notation=text_number, when=when)
    except TimestampUnavailable as exc:  # the whole step rolls back: no number taken, nothing sent
        raise ServiceUnavailable(N_("Không lấy được dấu thời gian từ máy chủ cấp dấu thời gian, nên văn bản "
                                    "chưa được ban hành. Vui lòng thử lại sau ít phút; nếu vẫn lỗi, báo quản "
                                    "trị hệ thống."), code="timestamp_unavailable") from exc
    finally:
        signing_keys.close(seal)
    document.number, document.notation, document.issued_on = number_text(number), notation, when.date()
    document.outgoing_year, document.outgoing_number, document.issued_at = year, number, when
    unsigned = annexes.store_issued(document, sealed_annexes, ctx.actor)  # the issued main file stays last
    store_pdf(document, issued, f"{document.number}-{notation}.pdf", "issued", ctx.actor)
    document.search_text = search_text(document)
    signatures.update_legal_standing(document)
    history.set_status(document, "issued", ctx, action="issued",
                       note=f"Số {document.number_notation}, {date_vi(when.date())}; ký số của cơ quan"
                       + (f"; {len(sealed_annexes)} phụ lục" if sealed_annexes else "")
                       + (f"; phụ lục không ký số được: {', '.join(unsigned)}" if unsigned else ""))
    return {"number": document.number, "notation": notation}
