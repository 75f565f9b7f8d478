"""The yearly archive package of closed case files (R-ARCHIVE-1, Đ20.8): a ZIP with, per case file,
the documents' PDF files exactly as stored (so every signature stays intact), the metadata as CSV
and XML, and a table of contents PDF."""
from __future__ import annotations

import csv
import io
import tempfile
import zipfile

from lxml import etree

from engine import clock, settings
from engine.models import CaseFile
from engine.storage import store
from engine.text import spreadsheet_text
from integrations.pdf.compose import render_html_to_pdf
from reports.templating import format_value, render

CSV_COLUMNS = ("ma_ho_so", "tieu_de_ho_so", "nam", "thoi_han_bao_quan", "stt", "loai", "so_ky_hieu", "ngay_van_ban",
               "trich_yeu", "co_quan_ban_hanh", "tep", "sha256")


def _files(document) -> list:
    """The files that carry the document: the issued PDF of an outgoing one, every file of an incoming one."""
    if document.direction == "outgoing":
        issued = [a for a in document.attachments if a.kind == "issued"]
        return issued[-1:] or list(document.attachments)
    return list(document.attachments)


def _folder(case_file: CaseFile) -> str:
    return f"{case_file.unit_code}-{case_file.year}-{case_file.code}".replace("/", "_")


def retention_text(case_file: CaseFile) -> str:
    return f"{case_file.retention_years} năm" if case_file.retention_years else "Vĩnh viễn"


def _records(case_files: list[CaseFile]):
    for case_file in case_files:
        for entry in case_file.entries:
            document = entry.document
            for index, attachment in enumerate(_files(document), start=1):
                name = f"{_folder(case_file)}/{entry.position:03d}-{index}-{attachment.name}"
                yield case_file, entry, document, attachment, name


def _csv(case_files) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for case_file, entry, doc, attachment, name in _records(case_files):
        writer.writerow([spreadsheet_text(value) for value in (
            case_file.code, case_file.title, case_file.year, retention_text(case_file), entry.position, doc.doc_type,
            doc.number_notation, format_value(doc.issued_on), doc.subject,
            doc.sender_org_name or settings.get("ORG_NAME"), name, attachment.sha256)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xml(case_files, year: int) -> bytes:
    root = etree.Element("HoSoNopLuu", Nam=str(year), CoQuan=settings.get("ORG_NAME"),
                         MaCoQuan=settings.get("ORG_CODE"), ThoiDiemXuat=clock.now().isoformat())
    for case_file in case_files:
        node = etree.SubElement(root, "HoSo", MaHoSo=case_file.code, DonVi=case_file.unit_code,
                                Nam=str(case_file.year), ThoiHanBaoQuan=retention_text(case_file))
        etree.SubElement(node, "TieuDe").text = case_file.title
        etree.SubElement(node, "NguoiLap").text = case_file.owner.full_name
        for entry in case_file.entries:
            doc = entry.document
            item = etree.SubElement(node, "VanBan", STT=str(entry.position), Huong=doc.direction)
            for tag, value in (("SoKyHieu", doc.number_notation), ("NgayVanBan", format_value(doc.issued_on)),
                               ("Loai", doc.doc_type), ("TrichYeu", doc.subject),
                               ("CoQuanBanHanh", doc.sender_org_name or settings.get("ORG_NAME")),
                               ("NguoiKy", doc.signer_name or "")):
                etree.SubElement(item, tag).text = value or ""
            for index, attachment in enumerate(_files(doc), start=1):
                etree.SubElement(item, "Tep", Ten=f"{entry.position:03d}-{index}-{attachment.name}",
                                 SHA256=attachment.sha256, KichThuoc=str(attachment.size))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def table_of_contents(case_files, year: int) -> bytes:
    return render_html_to_pdf(render("archive_toc.html", case_files=case_files, year=year,
                                    retention_text=retention_text))


def package(case_files: list[CaseFile], year: int):
    """The ZIP as a file object positioned at its start (spooled to disk when large)."""
    out = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for _case_file, _entry, _doc, attachment, name in _records(case_files):
            # PDFs are stored, not recompressed: the bytes are exactly the signed file.
            archive.writestr(zipfile.ZipInfo(name, date_time=clock.now().timetuple()[:6]),
                             store().get(attachment.sha256), compress_type=zipfile.ZIP_STORED)
        archive.writestr("metadata.csv", _csv(case_files))
        archive.writestr("metadata.xml", _xml(case_files, year))
        archive.writestr("muc-luc.pdf", table_of_contents(case_files, year))
    out.seek(0)
    return out
