"""The registers as PDF (A4 landscape, cover page, header on every page, "Trang x/y"), CSV (UTF-8
with BOM, opens in Excel) and XLSX (column widths, frozen header, dates as dates)."""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from engine import clock
from engine.records.registers import Register, check_printable
from engine.text import FORMULA_START, spreadsheet_text
from integrations.pdf import long_table
from reports.templating import format_value, org

MEDIA_TYPES = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def file_name(register: Register, fmt: str) -> str:
    kind = "so-van-ban-den" if register.filter.kind == "incoming" else "so-van-ban-di"
    unit = f"-{register.filter.unit}" if register.filter.unit else ""
    return f"{kind}-{register.filter.year}{unit}.{fmt}"


def export(register: Register, fmt: str) -> tuple[bytes, str, str]:
    """(bytes, media type, file name) of the register as ``fmt`` (pdf, csv, xlsx)."""
    if fmt == "pdf":
        check_printable(register)
    data = {"pdf": to_pdf, "csv": to_csv, "xlsx": to_xlsx}[fmt](register)
    return data, MEDIA_TYPES[fmt], file_name(register, fmt)


def to_pdf(register: Register) -> bytes:
    """The register as printed: a cover page, then its rows under the Appendix IV header."""
    flt = register.filter
    facts = [f"Năm: {flt.year}"]
    if flt.date_from or flt.date_to:
        facts.append(f"Từ ngày {format_value(flt.date_from) or f'01/01/{flt.year}'} "
                     f"đến ngày {format_value(flt.date_to) or f'31/12/{flt.year}'}")
    first, last = register.numbers
    if first:
        facts.append(f"Từ số {first} đến số {last}")
    if register.unit_name:
        facts.append(f"Đơn vị: {register.unit_name}")
    facts.append(f"Số văn bản: {len(register.rows)}")
    cover = long_table.Cover(
        left=[org("PARENT_NAME"), org("NAME").upper() + "*"],
        right=["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM*", "Độc lập - Tự do - Hạnh phúc*"],
        title=register.title, facts=facts, note=f"In từ hệ thống Q-Office lúc {format_value(clock.now())}")
    title = f"{register.title} NĂM {flt.year}" + (f" — {register.unit_name}" if register.unit_name else "")
    columns = [long_table.Column(c.label, c.width, centred=c.kind in ("date", "int")) for c in register.columns]
    return long_table.render(cover, title, columns, _printed_rows(register), empty="Không có văn bản nào.")


def _printed_rows(register: Register):
    """Each row's cells as printed (dates dd/mm/yyyy, blanks for none)."""
    return ([format_value(row[c.key]) for c in register.columns] for row in register.rows)


def to_csv(register: Register) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.label for c in register.columns])
    writer.writerows([spreadsheet_text(value) for value in row] for row in _printed_rows(register))
    # The BOM makes Excel read UTF-8 (Vietnamese) instead of the Windows code page.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(register: Register) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sổ đến" if register.filter.kind == "incoming" else "Sổ đi")
    for index, column in enumerate(register.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = round(column.width * 0.65) + 2
    sheet.freeze_panes = "A2"
    header = []
    for column in register.columns:
        cell = _cell(sheet, column.label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        header.append(cell)
    sheet.append(header)
    # One styled cell per date column, refilled for every row: rows are written out as they are
    # appended, and creating a styled cell per value would double the time.
    date_cells = {}
    for column in register.columns:
        if column.kind == "date":
            date_cells[column.key] = _cell(sheet, None)
            date_cells[column.key].number_format = "DD/MM/YYYY"
    for row in register.rows:
        cells = []
        for column in register.columns:
            value = row[column.key]
            if column.key in date_cells and value is not None:
                date_cells[column.key].value = value
                cells.append(date_cells[column.key])
            elif isinstance(value, str) and value.startswith(FORMULA_START):
                text = _cell(sheet, value)
                text.data_type = "s"  # shown as written, never run as a formula
                cells.append(text)
            else:
                cells.append(value if value != "" else None)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(sheet, value):
    return WriteOnlyCell(sheet, value=value)
