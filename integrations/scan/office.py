"""Legacy Office files (OLE compound documents: .doc, .xls)."""
from __future__ import annotations

from integrations.scan.findings import BLOCK, Collector

_OLE_VBA = "_VBA_PROJECT".encode("utf-16-le")


def scan_ole(data: bytes, col: Collector) -> None:
    if _OLE_VBA in data:
        # Macros are how most Office malware runs; official documents never need them.
        col.add(BLOCK, "office_macro", "Tệp Office chứa macro (VBA)", "_VBA_PROJECT stream in OLE file")
