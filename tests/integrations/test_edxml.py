"""edXML packages: what we build reads back field for field; what real producers send is read
tolerantly; hostile packages are refused with a reason, never a crash."""
from __future__ import annotations

import base64
import io
import random
import zipfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from integrations import edxml
from integrations.edxml.names import NS

LIMITS = {"max_bytes": 50 * 1024 * 1024, "max_attachment_bytes": 20 * 1024 * 1024}
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def full_package(**overrides) -> edxml.DocumentPackage:
    values = dict(
        sender=edxml.Organ("000.00.15.H47", "Sở Lao động - Thương binh và Xã hội tỉnh Quảng Nam", "UBND tỉnh Quảng Nam",
                           "102 Hùng Vương, Tam Kỳ", "sldtbxh@quangnam.gov.vn", "0235 3852 514", "0235 3852 515",
                           "sldtbxh.quangnam.gov.vn"),
        receivers=[edxml.Organ("000.00.00.H47", "Ủy ban nhân dân tỉnh Quảng Nam"),
                   edxml.Organ("000.00.02.H47", "Sở Nội vụ tỉnh Quảng Nam")],
        document_id="000.00.15.H47,2026/03/05,182/QĐ-SLĐTBXH", subject="Về việc phê duyệt kế hoạch đào tạo nghề",
        code_number="182", code_notation="QĐ-SLĐTBXH", place="Quảng Nam",
        promulgation_date=edxml.RawDate("2026/03/05", date(2026, 3, 5)), type_code="1", type_detail="0",
        type_name="Quyết định", content="Phê duyệt kế hoạch", signer_competence="KT. GIÁM ĐỐC",
        signer_position="PHÓ GIÁM ĐỐC", signer_name="Lê Thị Hồng",
        due_date=edxml.RawDate("2026/03/20", date(2026, 3, 20)), priority=2, sphere="Liên thông văn bản",
        typer_notation="LĐVL", promulgation_amount=3, page_amount=4, appendixes=["Danh sách học viên"],
        steering_type="1", to_places=["Như Điều 3", "Lưu: VT, LĐVL"],
        response_for=[edxml.ResponseFor("000.00.00.H47", "12/UBND-KGVX", "2026/02/01",
                                        "000.00.00.H47,2026/02/01,12/UBND-KGVX")],
        traces=[("000.00.15.H47", "2026/03/05 08:30:00")],
        business=edxml.Business(edxml.NEW, "Văn bản điện tử mới", "000.00.15.H47,2026/03/05,182/QĐ-SLĐTBXH", 1,
                                edxml.Staff("Văn phòng Sở", "Trần Thị Thu", "vanthu@example.vn", "0905000000")),
        attachments=[edxml.Attachment("1", "182-QĐ-SLĐTBXH.pdf", b"%PDF-1.7\nmain", "application/pdf", "Văn bản chính"),
                     edxml.Attachment("2", "danh-sach.xlsx", b"PK\x03\x04 sheet", "application/vnd.ms-excel", "Phụ lục")])
    values.update(overrides)
    return edxml.DocumentPackage(**values)


def test_document_package_round_trip():
    pkg = full_package()
    assert edxml.parse(edxml.build_document(pkg), **LIMITS) == pkg


def test_revoke_and_replace_round_trip():
    revoke = full_package(attachments=[], business=edxml.Business(edxml.REVOKE, "Thu hồi do sai sót", "X,2026/03/05,1/A"))
    assert edxml.parse(edxml.build_document(revoke), **LIMITS) == revoke
    replace = full_package(business=edxml.Business(edxml.REPLACE, "Văn bản thay thế", "X,2026/03/05,1/A", 0,
                                                   replaced_ids=["X,2026/03/01,1/A"]))
    assert edxml.parse(edxml.build_document(replace), **LIMITS) == replace


def test_status_package_round_trip():
    at = datetime(2026, 3, 6, 9, 15, tzinfo=VN)
    pkg = edxml.StatusPackage(
        sender=edxml.Organ("000.00.00.H47", "Ủy ban nhân dân tỉnh Quảng Nam"), code="03",
        response_for=edxml.ResponseFor("000.00.15.H47", "182/QĐ-SLĐTBXH", "2026/03/05",
                                       "000.00.15.H47,2026/03/05,182/QĐ-SLĐTBXH"),
        description="Đã tiếp nhận: vào sổ đến số 12", timestamp=edxml.format_timestamp(at), at=at,
        staff=edxml.Staff("Văn phòng UBND", "Nguyễn Văn A", "a@example.vn", "0900"))
    assert edxml.parse(edxml.build_status(pkg), **LIMITS) == pkg


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _zipped(name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, data)
    return out.getvalue()


def real_world_package(order_seed: int = 0) -> bytes:
    """What an axis client of another vendor writes: prefixed and default-namespace elements mixed, its
    own element order, a UUID id, an impossible date, a non-numeric number, a Signature element
    outside the XML-DSig namespace, every attachment zipped on its own (as the VNPT SDK does)."""
    doc = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 legacy word"
    header_parts = [
        '<edXML:From><OrganId>000.00.00.G22</OrganId><edXML:OrganName>Văn phòng Chính phủ</edXML:OrganName></edXML:From>',
        '<To><edXML:OrganId>000.00.15.H47</edXML:OrganId><OrganName>Sở LĐTBXH Quảng Nam</OrganName></To>',
        '<edXML:To><edXML:OrganId>000.00.00.H41</edXML:OrganId></edXML:To>',
        '<edXML:Subject>V/v kết nối, liên thông phần mềm quản lý văn bản</edXML:Subject>',
        '<edXML:Code><CodeNotation>VPCP-TTĐT</CodeNotation><edXML:CodeNumber>7816a</edXML:CodeNumber></edXML:Code>',
        '<PromulgationInfo><PromulgationDate>2014/02/30</PromulgationDate><Place>Hà Nội</Place></PromulgationInfo>',
        '<edXML:DocumentId>1d7c2f0e-6a0b-4c2e-9a51-8f1f6b0e2c11</edXML:DocumentId>',
        '<edXML:OtherInfo><edXML:PageAmount>hai</edXML:PageAmount><Priority>1</Priority></edXML:OtherInfo>',
        '<DocumentType><TypeName>Công văn</TypeName><Type>1</Type></DocumentType>',
    ]
    random.Random(order_seed).shuffle(header_parts)
    xml = f'''<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="{NS}">
  <edXML:edXMLEnvelope xmlns:edXML="{NS}">
    <edXML:edXMLHeader>
      <edXML:TraceHeaderList>
        <edXML:Bussiness><edXML:BussinessDocType>0</edXML:BussinessDocType><Paper>0</Paper></edXML:Bussiness>
        <TraceHeader><OrganId>000.00.00.G22</OrganId><Timestamp>2019/04/11 00:00:00</Timestamp></TraceHeader>
      </edXML:TraceHeaderList>
      <edXML:MessageHeader>{''.join(header_parts)}</edXML:MessageHeader>
      <Signature><SignedInfo><Reference URI=""><DigestValue>AAAA</DigestValue></Reference></SignedInfo>
        <SignatureValue>dummy</SignatureValue></Signature>
    </edXML:edXMLHeader>
    <edXML:edXMLBody><edXML:edXMLManifest version="1.0">
      <edXML:Reference><edXML:ContentId>cid:209</edXML:ContentId><AttachmentName>1896_QD-TTg.doc</AttachmentName></edXML:Reference>
      <Reference><ContentId>cid:210</ContentId></Reference>
    </edXML:edXMLManifest></edXML:edXMLBody>
  </edXML:edXMLEnvelope>
  <AttachmentEncoded>
    <Attachment><AttachmentName>bang-tong-hop.zip</AttachmentName><ContentId>210</ContentId>
      <ContentType>application/zip</ContentType>
      <edXML:ContentTransferEncoded xmlns:edXML="{NS}">{_b64(_zipped("a.xlsx", b"x"))}</edXML:ContentTransferEncoded></Attachment>
    <Attachment><ContentId>cid:209</ContentId><AttachmentName>1896_QD-TTg.doc</AttachmentName>
      <ContentType>application/zip</ContentType>
      <edXML:ContentTransferEncoded xmlns:edXML="{NS}">{_b64(_zipped("1896_QD-TTg.doc", doc))}
      </edXML:ContentTransferEncoded></Attachment>
  </AttachmentEncoded>
</edXML>'''
    return xml.encode("utf-8")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_reads_what_other_producers_write(seed):
    pkg = edxml.parse(real_world_package(seed), **LIMITS)
    assert pkg.sender.organ_id == "000.00.00.G22" and pkg.sender.name == "Văn phòng Chính phủ"
    assert sorted(r.organ_id for r in pkg.receivers) == ["000.00.00.H41", "000.00.15.H47"]
    assert pkg.document_id == "1d7c2f0e-6a0b-4c2e-9a51-8f1f6b0e2c11" and edxml.split_document_id(pkg.document_id) is None
    assert (pkg.code_number, pkg.code_notation) == ("7816a", "VPCP-TTĐT")
    assert pkg.promulgation_date.raw == "2014/02/30" and pkg.promulgation_date.value is None
    assert any("2014/02/30" in p for p in pkg.problems) and any("hai" in p for p in pkg.problems)
    assert pkg.priority == 1 and pkg.type_name == "Công văn" and pkg.business.doc_type == edxml.NEW
    assert b"dummy" in pkg.signature_xml and etree.QName(etree.fromstring(pkg.signature_xml)).namespace == NS
    # manifest order; the one-file zip around the .doc is undone, the real .zip stays a zip
    assert [a.name for a in pkg.attachments] == ["1896_QD-TTg.doc", "bang-tong-hop.zip"]
    assert pkg.attachments[0].data.startswith(b"\xd0\xcf\x11\xe0")
    assert pkg.attachments[1].data.startswith(b"PK\x03\x04")


def test_a_20_mb_package_is_read():
    big = bytes(random.Random(7).getrandbits(8) for _ in range(1024)) * (14 * 1024)  # 14 MB → ~19 MB of base64
    data = edxml.build_document(full_package(attachments=[edxml.Attachment("1", "scan.pdf", big, "application/pdf")]))
    assert len(data) > 18 * 1024 * 1024
    assert edxml.parse(data, **LIMITS).attachments[0].data == big


def _refused(data: bytes, *, too_large=False, **limits) -> str:
    with pytest.raises(edxml.PackageError) as caught:
        edxml.parse(data, **{**LIMITS, **limits})
    assert caught.value.too_large is too_large
    return caught.value.message


def test_hostile_packages_are_refused():
    good = edxml.build_document(full_package())
    assert "DTD" in _refused(b'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x "boom">]><edXML>&x;</edXML>')
    assert "DTD" in _refused(b'<!DOCTYPE edXML SYSTEM "http://attacker.example/x.dtd"><edXML/>')
    assert "DTD" in _refused(good.replace(b"<edXML ", b'<!DOCTYPE edXML [<!ENTITY e SYSTEM "file:///etc/passwd">]><edXML ', 1))
    assert "XML" in _refused(b"<edXML><unclosed></edXML>")
    assert "rỗng" in _refused(b"   ")
    assert "MessageHeader" in _refused(b'<edXML xmlns="%s"/>' % NS.encode())
    bad64 = good.replace(base64.b64encode(b"%PDF-1.7\nmain"), b"@@not-base64@@")
    assert "base64" in _refused(bad64)
    assert "DocumentId" in _refused(edxml.build_document(full_package(document_id="")))
    assert "Subject" in _refused(edxml.build_document(full_package(subject="")))
    no_files = edxml.build_document(full_package(attachments=[]))
    assert "đính kèm" in _refused(no_files)
    orphan = good.replace(b"<ContentId>cid:2</ContentId><AttachmentName>", b"<ContentId>cid:99</ContentId><AttachmentName>")
    assert "nêu tệp 2" in _refused(orphan)
    assert "BussinessDocType" in _refused(good.replace(b"<edXML:BussinessDocType>0<", b"<edXML:BussinessDocType>9<"))
    _refused(good, too_large=True, max_bytes=1000)
    _refused(good, too_large=True, max_attachment_bytes=5)
    status = edxml.build_status(edxml.StatusPackage(edxml.Organ("A"), edxml.ResponseFor(document_id="X"), "07"))
    assert "07" in _refused(status)
    assert "35" in _refused(edxml.build_document(full_package(sender=edxml.Organ("0" * 36))))
    assert "300" in _refused(edxml.build_document(full_package(document_id="X" * 301)))


def test_zip_bomb_wrapper_is_refused():
    bomb = _zipped("a.doc", b"\0" * (3 * 1024 * 1024))  # compresses to a few KB
    data = edxml.build_document(full_package(attachments=[edxml.Attachment("1", "a.doc", bomb, "application/zip")]))
    assert _refused(data, too_large=True, max_attachment_bytes=1024 * 1024)


def test_secrecy_marks_are_noticed():
    plain = edxml.build_document(full_package(sphere="Lưu hành nội bộ"))
    assert edxml.parse(plain, **LIMITS).secrecy is None
    secret = edxml.build_document(full_package(sphere="Tối mật"))
    assert edxml.parse(secret, **LIMITS).secrecy == "toi_mat"
    legacy = plain.replace(b"<edXML:Subject>", b"<edXML:Secret>1</edXML:Secret><edXML:Subject>")
    assert edxml.parse(legacy, **LIMITS).secrecy == "mat"


def test_secrecy_is_read_from_the_words_not_their_folded_letters():
    def secrecy(**overrides):
        return edxml.parse(edxml.build_document(full_package(**overrides)), **LIMITS).secrecy

    # "Mặt trận" (front) folds to the letters of "mật" (secret); free-text spheres are not levels.
    for sphere in ("Mặt trận Tổ quốc", "Không mật", "Mat tran To quoc", "1", "2", "Liên thông văn bản quốc gia"):
        assert secrecy(sphere=sphere) is None, sphere
    assert secrecy(sphere="Độ mật: Tối mật") == "toi_mat"
    assert secrecy(sphere="Mật") == "mat"
    assert secrecy(sphere="TUYET MAT") == "tuyet_mat" and secrecy(sphere="Do mat: Toi mat") == "toi_mat"
    plain = edxml.build_document(full_package(sphere="Lưu hành nội bộ"))
    not_secret = plain.replace(b"<edXML:Subject>", "<edXML:Secret>Không mật</edXML:Secret><edXML:Subject>".encode())
    assert edxml.parse(not_secret, **LIMITS).secrecy is None


def test_numbers_are_ascii_digits_and_an_unreadable_business_type_is_refused():
    good = edxml.build_document(full_package(priority=0))
    wide = edxml.parse(good.replace(b"<edXML:Priority>0<", "<edXML:Priority>３<".encode()), **LIMITS)
    assert wide.priority == 0 and any("Độ khẩn" in p for p in wide.problems)
    for raw in ("1.0", "0x1", "٣", "1_0"):
        message = _refused(good.replace(b"<edXML:BussinessDocType>0<", f"<edXML:BussinessDocType>{raw}<".encode()))
        assert "BussinessDocType không hợp lệ" in message, raw


def test_a_document_id_typed_with_decomposed_tone_marks_is_the_same_id():
    import unicodedata

    nfc_id = "000.00.15.H47,2026/03/05,182/QĐ-SỞYTẾ"
    decomposed = edxml.build_document(full_package(document_id=unicodedata.normalize("NFD", nfc_id)))
    assert edxml.parse(decomposed, **LIMITS).document_id == nfc_id


def test_files_sharing_one_content_id_are_all_kept():
    shared = edxml.build_document(full_package()).replace(b"cid:2<", b"cid:1<")
    package = edxml.parse(shared, **LIMITS)  # the manifest names cid:1 twice
    assert [a.name for a in package.attachments] == ["182-QĐ-SLĐTBXH.pdf", "danh-sach.xlsx"]
    assert any("ContentId" in p for p in package.problems)
    root = etree.fromstring(shared)
    manifest = next(root.iter(f"{{{NS}}}edXMLManifest"))
    manifest.getparent().remove(manifest)  # no manifest at all, as in the VNPT samples
    package = edxml.parse(etree.tostring(root), **LIMITS)
    assert [a.name for a in package.attachments] == ["182-QĐ-SLĐTBXH.pdf", "danh-sach.xlsx"]


def test_markup_and_syntax_are_refused_in_vietnamese():
    good = edxml.build_document(full_package())
    assert edxml.parse(b"\r\n" + good, **LIMITS).document_id  # a line break before <?xml ...?>
    assert edxml.parse(b"\xef\xbb\xbf\n" + good, **LIMITS).document_id
    many = good.replace(b"</edXML:Subject>", b"</edXML:Subject>" + b"<x/>" * 60_000, 1)
    assert "quá nhiều phần tử XML" in _refused(many)
    cut = _refused(good[: good.index(b"</edXML:Subject>") + 16])
    assert "cắt cụt" in cut and "dòng" in cut and "Premature" not in cut
    deep = b"<edXML>" + b"<a>" * 3000 + b"</a>" * 3000 + b"</edXML>"
    assert "lồng nhau quá sâu" in _refused(deep)


def test_agency_codes_are_codes_and_base64_may_lack_its_padding():
    assert "Mã định danh cơ quan" in _refused(edxml.build_document(full_package(
        sender=edxml.Organ("<script>x</script>", "Giả mạo")))).replace("&lt;", "<")
    data = b"%PDF-1.7\nmain!"  # 14 bytes: base64 ends in "=="
    good = edxml.build_document(full_package(attachments=[edxml.Attachment("1", "a.pdf", data, "application/pdf")]))
    encoded = base64.b64encode(data)
    unpadded = good.replace(encoded, encoded.rstrip(b"="))
    assert unpadded != good and edxml.parse(unpadded, **LIMITS).attachments[0].data == data


def test_a_date_with_a_time_zone_is_read():
    for raw in ("2026-03-05Z", "2026-03-05+07:00", "2026/03/05", "05/03/2026"):
        data = edxml.build_document(full_package(promulgation_date=edxml.RawDate(raw)))
        assert edxml.parse(data, **LIMITS).promulgation_date.value == date(2026, 3, 5), raw
