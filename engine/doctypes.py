"""Document types of Decree 30/2020 (Phụ lục III) and their abbreviations."""

from engine.errors import N_

DOC_TYPES = {
    "NQ": N_("Nghị quyết"), "QĐ": N_("Quyết định"), "CT": N_("Chỉ thị"), "QC": N_("Quy chế"), "QyĐ": N_("Quy định"),
    "TC": N_("Thông cáo"), "TB": N_("Thông báo"), "HD": N_("Hướng dẫn"), "CTr": N_("Chương trình"), "KH": N_("Kế hoạch"),
    "PA": N_("Phương án"), "ĐA": N_("Đề án"), "DA": N_("Dự án"), "BC": N_("Báo cáo"), "BB": N_("Biên bản"), "TTr": N_("Tờ trình"),
    "HĐ": N_("Hợp đồng"), "CĐ": N_("Công điện"), "BGN": N_("Bản ghi nhớ"), "BTT": N_("Bản thỏa thuận"),
    "GUQ": N_("Giấy ủy quyền"), "GM": N_("Giấy mời"), "GGT": N_("Giấy giới thiệu"), "GNP": N_("Giấy nghỉ phép"),
    "PG": N_("Phiếu gửi"), "PC": N_("Phiếu chuyển"), "PB": N_("Phiếu báo"), "CV": N_("Công văn"),
}


def type_name(code: str | None) -> str:
    return DOC_TYPES.get(code or "", code or "")
