"""Reading edXML packages as real axis clients write them.

Tolerant of what producers do differently: elements in the default namespace or with the ``edXML:``
prefix (or none) mixed in one file, any element order, ``Bussiness`` as spelled by the standard,
a ``Signature`` outside the XML-DSig namespace (kept as received), numbers that are not numeric,
UUID document ids, impossible dates (kept raw and flagged), attachments zipped one by one as the
VNPT SDK does. Hostile input is refused: a DTD or entity, a network reference, an oversized package
or attachment, bad base64, a missing required part — :class:`PackageError`, never a crash.
"""
from __future__ import annotations

import base64
import binascii
import io
import re
import unicodedata
import zipfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

from lxml import etree

from integrations.edxml.model import (
    BUSINESS_NAMES,
    NEW,
    REPLACE,
    STATUS_CODES,
    Attachment,
    Business,
    DocumentPackage,
    Organ,
    RawDate,
    ResponseFor,
    Staff,
    StatusPackage,
)
from integrations.edxml.names import ORGAN_FIELDS, STAFF_FIELDS, strip_cid

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_ORGAN_ID, MAX_DOCUMENT_ID = 35, 300
# Tags (counted as "<"): a package to every agency of a province with twenty files has a few thousand;
# millions of empty elements in a package inside the size limit only cost minutes of parsing.
MAX_MARKUP = 50_000
_INTEGER = re.compile(r"[+-]?[0-9]+")  # ASCII only: int() also reads "٣", "３" and "1_0"
_ORGAN_ID = re.compile(r"[A-Za-z0-9._-]+")  # QĐ 20/2020 codes: 000.00.15.H47
_ZONE = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")
_XML_DECLARATION_AFTER_SPACE = re.compile(rb"\A(\xef\xbb\xbf)?[ \t\r\n]+(?=<\?xml)")
ZIP_TYPES = ("application/zip", "application/x-zip-compressed", "application/x-zip")
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
# Secrecy levels as written with their tone marks: "mật" (secret) and "mặt" (as in "Mặt trận", front)
# fold to the same letters, so words are compared unfolded; a value without any diacritics must be the
# level's name and nothing else.
_SECRECY = (("tuyệt mật", "tuyet_mat"), ("tối mật", "toi_mat"), ("mật", "mat"))
_SECRECY_ASCII = {"tuyet mat": "tuyet_mat", "toi mat": "toi_mat", "mat": "mat"}
_NOT_SECRET = ("khong", "thuong", "none", "false", "0")


class PackageError(ValueError):
    """A package Q-Office refuses; ``message`` is Vietnamese, ``too_large`` maps to HTTP 413."""

    def __init__(self, message: str, *, too_large: bool = False):
        super().__init__(message)
        self.message = message
        self.too_large = too_large


# --- element access that ignores namespaces and order -------------------------------------------

def _local(element) -> str | None:
    return etree.QName(element).localname if isinstance(element.tag, str) else None


def _kids(element, *names: str) -> list:
    if element is None:
        return []
    return [c for c in element if isinstance(c.tag, str) and _local(c) in names]


def _kid(element, *names: str):
    found = _kids(element, *names)
    return found[0] if found else None


def _text(element, *names: str) -> str:
    child = _kid(element, *names)
    return (child.text or "").strip() if child is not None else ""


def _find(root, name: str):
    return next((e for e in root.iter() if isinstance(e.tag, str) and _local(e) == name), None)


def _organ(element) -> Organ:
    return Organ(**{attr: _text(element, tag) for tag, attr in ORGAN_FIELDS})


def _staff(element) -> Staff:
    return Staff(**{attr: _text(element, tag) for tag, attr in STAFF_FIELDS})


def _date(raw: str, label: str, problems: list[str]) -> RawDate:
    raw = (raw or "").strip()
    if not raw:
        return RawDate()
    text = _ZONE.sub("", raw.split(" ")[0].split("T")[0])  # "2026-12-02Z", "2026-12-02+07:00"
    for pattern in (r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})$", r"(\d{1,2})/(\d{1,2})/(\d{4})$"):
        match = re.match(pattern, text)
        if match:
            parts = [int(p) for p in match.groups()]
            year, month, day = parts if len(match.group(1)) == 4 else (parts[2], parts[1], parts[0])
            try:
                return RawDate(raw, date(year, month, day))
            except ValueError:
                break
    problems.append(f"{label} không hợp lệ: {raw}")
    return RawDate(raw, None)


def parse_timestamp(raw: str) -> datetime | None:
    """``yyyy/MM/dd HH:mm:ss`` (Vietnam time) or ISO 8601; None when unreadable."""
    raw = (raw or "").strip()
    for candidate in (raw.replace("/", "-"), raw):
        try:
            moment = datetime.fromisoformat(candidate)
        except ValueError:
            continue
        return moment if moment.tzinfo else moment.replace(tzinfo=VN_TZ)
    return None


def _int(raw: str, label: str, problems: list[str], default=None):
    raw = (raw or "").strip()
    if not raw:
        return default
    if not _INTEGER.fullmatch(raw):
        problems.append(f"{label} không phải số: {raw}")
        return default
    return int(raw)


def _nfc(text: str) -> str:
    """Ids compared with what arrived before: the same text typed with decomposed tone marks is the same id."""
    return unicodedata.normalize("NFC", text)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", (text or "").lower().replace("đ", "d"))
    return "".join(c for c in text if unicodedata.category(c) != "Mn")


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"\w+", text)) + " "


def _secrecy(root) -> str | None:
    """A legacy ``Secret`` / ``SecurityLevel`` mark (a level's name, or a number other than 0) or a
    secrecy level named as the sphere of promulgation (never a number there: it is free text)."""
    marks = [(e.text or "").strip() for e in root.iter() if isinstance(e.tag, str) and _local(e) == "Secret"]
    other = _find(root, "OtherInfo")
    marks.append(_text(other, "SecurityLevel", "SecretLevel"))
    for value, numeric in [(m, True) for m in marks] + [(_text(other, "SphereOfPromulgation"), False)]:
        level = _secrecy_level(value, numeric)
        if level:
            return level
    return None


def _secrecy_level(value: str, numeric: bool) -> str | None:
    folded = _words(_fold(value)).strip()
    if not folded or folded.split()[0] in _NOT_SECRET:  # "Không mật", "Thường", "0"
        return None
    if numeric and value.strip().isdigit():  # a numeric legacy level other than 0
        return "mat"
    if folded == _words(unicodedata.normalize("NFC", value.lower())).strip():  # written without diacritics
        return _SECRECY_ASCII.get(folded.removeprefix("do mat "))  # "Do mat: Toi mat"
    words = _words(unicodedata.normalize("NFC", value.lower()))
    return next((level for name, level in _SECRECY if f" {name} " in words), None)


# --- the parser -----------------------------------------------------------------------------------

def _tree(data: bytes, max_bytes: int):
    if len(data) > max_bytes:
        raise PackageError(f"Gói tin vượt quá dung lượng cho phép ({max_bytes // (1024 * 1024)} MB).",
                           too_large=True)
    if not data.strip():
        raise PackageError("Gói tin rỗng.")
    data = _XML_DECLARATION_AFTER_SPACE.sub(b"", data, count=1) if data[:1] in b"\xef \t\r\n" else data
    if data.count(b"<") > MAX_MARKUP:
        raise PackageError(f"Gói tin có quá nhiều phần tử XML (hơn {MAX_MARKUP:,}).".replace(",", "."))
    if _DTD.search(data):
        raise PackageError("Gói tin có khai báo DTD hoặc thực thể (entity): không được chấp nhận.")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=True, remove_pis=True, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise PackageError(f"Gói tin không phải XML hợp lệ: {_syntax_error(exc)}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or next(root.iter(etree.Entity), None) is not None:
        raise PackageError("Gói tin có khai báo DTD hoặc thực thể (entity): không được chấp nhận.")
    return root


# What libxml2 says, in the words a clerk reads (its own text is English and names parser options).
_SYNTAX_ERRORS = (
    ("amplification", "có thực thể (entity) nhân bản nội dung"),
    ("depth", "các phần tử lồng nhau quá sâu"),
    ("encoding", "có ký tự không đúng bảng mã khai báo"),
    ("Premature end", "gói tin bị cắt cụt, thiếu phần cuối"),
    ("Extra content", "có nội dung thừa sau phần tử gốc"),
    ("XML declaration allowed only", "khai báo <?xml …?> không ở đầu gói tin"),
    ("Start tag expected", "không bắt đầu bằng một thẻ XML"),
)


def _syntax_error(exc: etree.XMLSyntaxError) -> str:
    text = str(exc)
    what = next((vi for en, vi in _SYNTAX_ERRORS if en.lower() in text.lower()), "sai cú pháp")
    where = f" (dòng {exc.lineno}, cột {exc.offset})" if exc.lineno else ""
    return f"{what}{where}."


def parse(data: bytes, *, max_bytes: int, max_attachment_bytes: int) -> DocumentPackage | StatusPackage:
    """A document or status package from edXML bytes; raises :class:`PackageError`."""
    root = _tree(data, max_bytes)
    code = _find(root, "StatusCode")
    if code is not None:
        return _status(root, code.getparent())
    header = _find(root, "MessageHeader")
    if header is None:
        raise PackageError("Gói tin thiếu MessageHeader hoặc StatusCode: không phải gói tin edXML.")
    return _document(root, header, max_attachment_bytes)


def _document(root, header, max_attachment_bytes: int) -> DocumentPackage:
    problems: list[str] = []
    sender = _organ(_kid(header, "From"))
    receivers = [_organ(e) for e in _kids(header, "To")]
    document_id = _nfc(_text(header, "DocumentId"))
    business = _business(root, problems)
    missing = [name for name, present in (("From/OrganId", sender.organ_id), ("DocumentId", document_id),
                                          ("To/OrganId", receivers and all(r.organ_id for r in receivers)))
               if not present]
    subject = _text(header, "Subject")
    if business.doc_type in (NEW, REPLACE) and not subject:
        missing.append("Subject")
    if missing:
        raise PackageError("Gói tin thiếu thành phần bắt buộc: " + ", ".join(missing) + ".")
    _identifiers(sender.organ_id, [r.organ_id for r in receivers], document_id)
    code, info, doc_type = _kid(header, "Code"), _kid(header, "PromulgationInfo"), _kid(header, "DocumentType")
    signer, other = _kid(header, "SignerInfo"), _kid(header, "OtherInfo")
    signature = next((e for e in _kids(_find(root, "edXMLHeader"), "Signature")), None)
    pkg = DocumentPackage(
        sender=sender, receivers=receivers, document_id=document_id, subject=subject,
        code_number=_text(code, "CodeNumber"), code_notation=_text(code, "CodeNotation"),
        place=_text(info, "Place"),
        promulgation_date=_date(_text(info, "PromulgationDate"), "Ngày ban hành", problems),
        type_code=_text(doc_type, "Type"), type_detail=_text(doc_type, "TypeDetail"),
        type_name=_text(doc_type, "TypeName"), content=_text(header, "Content"),
        signer_competence=_text(signer, "Competence"), signer_position=_text(signer, "Position"),
        signer_name=_text(signer, "FullName"), due_date=_date(_text(header, "DueDate"), "Hạn xử lý", problems),
        priority=_int(_text(other, "Priority"), "Độ khẩn", problems, 0),
        sphere=_text(other, "SphereOfPromulgation"), typer_notation=_text(other, "TyperNotation"),
        promulgation_amount=_int(_text(other, "PromulgationAmount"), "Số lượng bản", problems),
        page_amount=_int(_text(other, "PageAmount"), "Số trang", problems),
        appendixes=[(e.text or "").strip() for e in _kids(_kid(other, "Appendixes"), "Appendix")],
        steering_type=_text(header, "SteeringType"),
        to_places=[(e.text or "").strip() for e in _kids(_kid(header, "ToPlaces"), "Place")],
        response_for=[ResponseFor(_text(e, "OrganId"), _text(e, "Code"), _text(e, "PromulgationDate"),
                                  _nfc(_text(e, "DocumentId"))) for e in _kids(header, "ResponseFor")],
        traces=[(_text(e, "OrganId"), _text(e, "Timestamp")) for e in _kids(_find(root, "TraceHeaderList"),
                                                                             "TraceHeader")],
        business=business, secrecy=_secrecy(root),
        signature_xml=etree.tostring(signature) if signature is not None else None, problems=problems)
    pkg.attachments = _attachments(root, max_attachment_bytes, problems)
    if business.doc_type in (NEW, REPLACE) and not pkg.attachments:
        raise PackageError("Gói tin văn bản không có tệp đính kèm nào.")
    return pkg


def _identifiers(sender: str, organs: list[str], document_id: str) -> None:
    """Agency codes are at most 35 characters (QĐ 20/2020); a document id longer than 300 is no id."""
    for code in [sender, *organs]:
        if len(code) > MAX_ORGAN_ID:
            raise PackageError(f"Mã định danh cơ quan dài quá {MAX_ORGAN_ID} ký tự: {code[:60]}…")
        if code.strip() and not _ORGAN_ID.fullmatch(code.strip()):
            raise PackageError(f"Mã định danh cơ quan chỉ gồm chữ, số và dấu . - _ (gói tin ghi: {code[:60]}).")
    if len(document_id) > MAX_DOCUMENT_ID:
        raise PackageError(f"Mã văn bản (DocumentId) dài quá {MAX_DOCUMENT_ID} ký tự.")


def _business(root, problems: list[str]) -> Business:
    block = _find(root, "Bussiness") if _find(root, "Bussiness") is not None else _find(root, "Business")
    if block is None:
        return Business()
    raw = _text(block, "BussinessDocType", "BusinessDocType")
    # Unreadable is refused, not taken as new: a revoke read as a new document would be lost unseen.
    doc_type = int(raw) if _INTEGER.fullmatch(raw) else NEW if not raw else None
    if doc_type not in BUSINESS_NAMES:
        raise PackageError(f"BussinessDocType không hợp lệ: {raw[:40]} (chỉ nhận 0, 1, 2 hoặc 3).")
    replaced = [_nfc(_text(e, "DocumentId")) for e in _kids(_kid(block, "ReplacementInfoList"), "ReplacementInfo")]
    return Business(doc_type=doc_type, reason=_text(block, "BussinessDocReason", "BusinessDocReason"),
                    document_id=_nfc(_text(block, "DocumentId")),
                    paper=_int(_text(block, "Paper"), "Paper", problems, 0),
                    staff=_staff(_kid(block, "StaffInfo")), replaced_ids=[r for r in replaced if r])


def _decode(text: str, name: str, limit: int) -> bytes:
    compact = "".join((text or "").split())  # base64 wrapped in lines, as most producers write it
    compact += "=" * (-len(compact) % 4)  # some producers leave the padding out
    if len(compact) * 3 // 4 > limit + 3:
        raise PackageError(f"Tệp {name} vượt quá dung lượng cho phép ({limit // (1024 * 1024)} MB).", too_large=True)
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise PackageError(f"Tệp {name}: dữ liệu base64 không hợp lệ.") from None


def _unwrap(att: Attachment, limit: int) -> Attachment:
    """Undo the one-file zip the VNPT SDK wraps every attachment in (a real .zip stays as it is)."""
    if (att.content_type.lower() not in ZIP_TYPES or att.name.lower().endswith(".zip")
            or not att.data.startswith(b"PK\x03\x04")):
        return att
    try:
        with zipfile.ZipFile(io.BytesIO(att.data)) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) != 1:
                return att
            if members[0].file_size > limit:
                raise PackageError(f"Tệp {att.name} vượt quá dung lượng cho phép.", too_large=True)
            with archive.open(members[0]) as member:
                data = member.read(limit + 1)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, OSError):
        return att  # not a wrapper we can open: the scanner decides about the raw bytes
    if len(data) > limit:
        raise PackageError(f"Tệp {att.name} vượt quá dung lượng cho phép.", too_large=True)
    return Attachment(att.content_id, att.name, data, "application/octet-stream", att.description)


def _attachments(root, limit: int, problems: list[str]) -> list[Attachment]:
    references = [(strip_cid(_text(r, "ContentId")), r) for r in _kids(_find(root, "edXMLManifest"), "Reference")]
    found: dict[str, list[Attachment]] = {}  # producers reuse one ContentId for several files
    for index, item in enumerate(_kids(_find(root, "AttachmentEncoded"), "Attachment"), start=1):
        cid = strip_cid(_text(item, "ContentId")) or f"tep-{index}"
        name = _text(item, "AttachmentName") or _text(item, "Description") or f"tep-dinh-kem-{index}"
        payload = _kid(item, "ContentTransferEncoded", "ContentTransferEncoding", "Value")
        if payload is None:
            raise PackageError(f"Tệp {name} thiếu nội dung (ContentTransferEncoded).")
        data = _decode(payload.text or "", name, limit)
        if not data:
            raise PackageError(f"Tệp {name} rỗng.")
        found.setdefault(cid, []).append(_unwrap(Attachment(
            cid, name, data, _text(item, "ContentType") or "application/octet-stream", _text(item, "Description")),
            limit))
    ordered = []
    for cid, _ref in references:
        if not found.get(cid):
            raise PackageError(f"Danh mục (manifest) nêu tệp {cid} nhưng gói tin không có tệp này.")
        ordered.append(found[cid].pop(0))
    unlisted = [a for files in found.values() for a in files]
    if unlisted and references:
        problems.append("Có tệp đính kèm không nêu trong danh mục (manifest): " + ", ".join(a.name for a in unlisted))
    if any(len(files) > 1 for files in found.values()) or len(references) != len({c for c, _r in references}):
        problems.append("Nhiều tệp đính kèm dùng chung một mã ContentId; đã nhận đủ các tệp theo thứ tự trong gói tin.")
    return ordered + unlisted


def _status(root, status) -> StatusPackage:
    problems: list[str] = []
    sender_el = _kid(status, "From") if _kid(status, "From") is not None else _find(root, "From")
    sender = _organ(sender_el)
    response_el = _kid(status, "ResponseFor") if _kid(status, "ResponseFor") is not None else _find(root, "ResponseFor")
    response = ResponseFor(_text(response_el, "OrganId"), _text(response_el, "Code"),
                           _text(response_el, "PromulgationDate"), _nfc(_text(response_el, "DocumentId")))
    raw_code = _text(status, "StatusCode")
    code = raw_code.zfill(2) if raw_code.isdigit() else raw_code
    missing = [name for name, present in (("From/OrganId", sender.organ_id),
                                          ("ResponseFor/DocumentId", response.document_id)) if not present]
    if missing:
        raise PackageError("Gói tin trạng thái thiếu thành phần bắt buộc: " + ", ".join(missing) + ".")
    _identifiers(sender.organ_id, [response.organ_id], response.document_id)
    if code not in STATUS_CODES:
        raise PackageError(f"Mã trạng thái không hợp lệ: {raw_code}")
    timestamp = _text(status, "Timestamp")
    at = parse_timestamp(timestamp)
    if timestamp and at is None:
        problems.append(f"Thời điểm không hợp lệ: {timestamp}")
    return StatusPackage(sender=sender, response_for=response, code=code, description=_text(status, "Description"),
                         timestamp=timestamp, at=at, staff=_staff(_kid(status, "StaffInfo")), problems=problems)
