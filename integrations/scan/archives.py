"""ZIP containers (zip, docx, xlsx, odt): members listed and inflated within size limits; EICAR,
executables, macros and encrypted members reported; PDFs inside a zip scanned as PDFs."""
from __future__ import annotations

import io
import unicodedata
import zipfile

from integrations.scan.filetypes import extension, looks_executable
from integrations.scan.findings import BLOCK, EICAR, WARN, Collector

_EXEC_EXTS = {"exe", "dll", "com", "scr", "pif", "bat", "cmd", "ps1", "psm1", "vbs", "vbe", "js", "jse",
              "wsf", "wsh", "hta", "msi", "msp", "jar", "lnk", "cpl", "reg", "sh", "elf", "apk", "iso",
              "docm", "xlsm", "pptm", "dotm", "xlam"}

MAX_ZIP_MEMBERS = 5000
MAX_ZIP_RATIO = 200                 # uncompressed/compressed ratio above which a member is a "bomb"


def scan_zip(data: bytes, kind: str, allowed, col: Collector, depth: int) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        col.add(BLOCK, "zip_unreadable", "Không đọc được tệp nén/tệp Office (tệp hỏng)", str(exc))
        return
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            col.add(BLOCK, "zip_bomb", "Tệp nén có quá nhiều tệp con", f"{len(infos)} members")
            return
        for info in infos:
            if info.is_dir():
                continue
            mname = unicodedata.normalize("NFC", info.filename)
            mext = extension(mname)
            low = mname.lower()
            if low.endswith("vbaproject.bin") or low.endswith("vbadata.xml"):
                col.add(BLOCK, "office_macro", "Tệp Office chứa macro (VBA)", mname)
            if kind == "zip" and mext in _EXEC_EXTS:
                col.add(BLOCK, "zip_executable", f"Tệp nén chứa tệp thực thi/kịch bản: {mname}", mname)
            if info.flag_bits & 0x1:
                # What cannot be opened cannot be checked: it does not enter.
                col.add(BLOCK, "zip_encrypted",
                        f"Tệp nén có tệp con được đặt mật khẩu, không kiểm tra được: {mname}", mname)
                continue
            if info.compress_size and info.file_size / max(info.compress_size, 1) > MAX_ZIP_RATIO \
                    and info.file_size > 10 * 2**20:
                col.add(BLOCK, "zip_bomb", "Tệp nén có dấu hiệu “bom nén” (tỷ lệ nén bất thường)",
                        f"{mname}: {info.compress_size} -> {info.file_size}")
                continue
            if info.file_size > col.decoded_budget:
                # Nested archives share the budget, so a zip of zips cannot expand beyond it unseen.
                col.add(BLOCK, "zip_not_fully_scanned", "Tệp nén giải nén ra quá lớn, không kiểm tra hết nội dung",
                        mname)
                break
            try:
                member = zf.read(info)
            except Exception as exc:
                col.add(WARN, "zip_unreadable_member", f"Không đọc được tệp con trong tệp nén: {mname}",
                        f"{type(exc).__name__}: {exc}")
                continue
            col.decoded_budget -= len(member)
            if EICAR in member:
                col.add(BLOCK, "eicar", "Tệp chứa mẫu mã độc thử nghiệm EICAR", f"EICAR in member {mname}")
            if looks_executable(member):
                col.add(BLOCK, "zip_executable", f"Tệp nén chứa tệp thực thi/kịch bản: {mname}", mname)
            if kind == "zip" and (mext in ("pdf", "zip") or member.startswith((b"%PDF-", b"PK\x03\x04"))):
                # Containers inside a zip are scanned like any file (a PDF's actions, a zip's members).
                col.nested(member, mname, allowed, col, depth, prefix=f"Tệp «{mname}» trong tệp nén: ")
