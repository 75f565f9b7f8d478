"""integrations.pdf.long_table: a register of many rows prints with its header on every page, every
row whole and in order, "Trang x/y" at the foot, Vietnamese intact."""
from __future__ import annotations

import io
import subprocess

import pikepdf

from integrations.pdf.long_table import Column, Cover, render

COLUMNS = [Column("Ngày đến", 19, centred=True), Column("Số đến", 11, centred=True), Column("Tác giả", 34),
           Column("Số, ký hiệu văn bản", 24), Column("Tên loại và trích yếu nội dung văn bản", 66),
           Column("Ghi chú", 22)]
COVER = Cover(left=["SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "VĂN PHÒNG*"],
              right=["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM*", "Độc lập - Tự do - Hạnh phúc*"],
              title="SỔ ĐĂNG KÝ VĂN BẢN ĐẾN", facts=["Năm: 2026", "Số văn bản: 300"], note="In từ hệ thống")


def pages_text(pdf: bytes) -> list[str]:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        count = len(doc.pages)
    return [subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), "-", "-"], input=pdf,
                           capture_output=True, check=True).stdout.decode() for n in range(1, count + 1)]


def row(i: int) -> list[str]:
    subject = f"Công văn V/v chi trả trợ cấp ưu đãi người có công đợt {i}"
    if i % 4 == 0:  # some rows take three lines: rows are of different heights
        subject += " và hỗ trợ đồng bào các huyện miền núi bị thiệt hại do mưa lũ năm 2026 (đợt bổ sung)"
    return ["02/01/2026", str(i), "Ủy ban nhân dân tỉnh Quảng Nam", f"{i}/UBND-KGVX", subject,
            "Bản giấy" if i % 5 == 0 else ""]


def test_many_rows_run_on_over_pages_with_the_header_and_page_numbers_on_each():
    pdf = render(COVER, "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN NĂM 2026", COLUMNS, (row(i) for i in range(1, 301)))
    pages = pages_text(pdf)
    total = len(pages)
    assert total > 10
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in pages[0] and "Năm: 2026" in pages[0] and "Trang" not in pages[0]
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN NĂM 2026" in pages[1] and "NĂM 2026" not in pages[2]
    numbers = []
    for n, text in enumerate(pages[1:], start=2):
        assert "Tên loại và trích yếu nội dung văn bản" in text and "(6)" in text, n
        assert f"Trang {n}/{total}" in text, n
        here = [int(line.split()[1]) for line in text.splitlines() if line.startswith("02/01/2026")]
        # a row never breaks across pages: every long subject ends on the page where its row begins
        assert text.count("(đợt bổ sung)") == sum(1 for i in here if i % 4 == 0), n
        numbers += here
    assert numbers == list(range(1, 301))


def test_a_word_wider_than_its_column_is_cut_and_an_empty_register_says_so():
    long_notation = "1234/QĐ-UBND-" + "X" * 60
    text = "".join(pages_text(render(COVER, "SỔ", COLUMNS, [["02/01/2026", "1", "Sở Tài chính", long_notation,
                                                                "", ""]])))
    assert long_notation not in text and "".join(text.split()).count("X" * 60) == 1
    empty = pages_text(render(COVER, "SỔ ĐĂNG KÝ VĂN BẢN ĐI NĂM 2026", COLUMNS, [], empty="Không có văn bản nào."))
    assert len(empty) == 2 and "Không có văn bản nào." in empty[1] and "Trang 2/2" in empty[1]


def test_a_cell_taller_than_a_page_is_cut_rather_than_failing():
    recipients = "; ".join(f"Phòng Lao động - Thương binh và Xã hội huyện số {i}" for i in range(120))
    pages = pages_text(render(COVER, "SỔ", COLUMNS, [["02/01/2026", "1", recipients, "1/UBND", "Công văn", ""],
                                                        ["02/01/2026", "2", "Sở Tài chính", "2/STC", "Công văn", ""]]))
    text = "".join(pages)
    assert "huyện số 0" in text and "huyện số 119" not in text and "…" in text
    assert "Sở Tài chính" in text
