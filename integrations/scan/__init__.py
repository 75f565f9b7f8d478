"""File safety checks for uploaded / received attachments (notes §5). Report only, never sanitise.

Standalone adapter: no Flask, no app models.

    result = scan_file(data, "to-trinh.pdf", clamd_socket="/run/clamav/clamd.ctl")
    result.verdict   # "ok" | "warn" | "block"
    result.findings  # [Finding(level, code, message_vi, detail)]

Layers:

1. libmagic type sniffing against an allow-list of kinds (pdf, png, jpeg, tiff, docx, xlsx, doc,
   xls, odt, zip, txt) and a check that the file-name extension matches the detected type.
2. EICAR test signature in the raw bytes (and in every decoded PDF stream / ZIP member).
3. PDFs: a pikepdf (qpdf) walk over every object, including objects inside object streams, for
   active content: JavaScript, Launch/SubmitForm/ImportData/GoToE/RichMediaExecute/Rendition
   actions, OpenAction, XFA, RichMedia/3D/Screen/Movie annotations, embedded files (scanned
   recursively), user-password encryption, plus warnings for URI/GoToR/AA actions, data after
   ``%%EOF`` and qpdf repair warnings.
4. ZIP containers (zip, docx, xlsx, odt): members are listed and inflated with size limits; EICAR,
   executables, macros and encrypted members are reported.
5. Optional ClamAV through clamd's INSTREAM command on a unix socket. A configured but unreachable
   daemon yields a ``warn`` finding ("not scanned by antivirus"), never a silent ok.

ClamAV is a second layer only: Debian ships no signature DB and ClamAV missed a Flate-compressed
EICAR attachment that the pikepdf walk catches (notes §5.1).
"""

from __future__ import annotations

from integrations.scan.clamav import ClamdError, clamd_instream
from integrations.scan.filetypes import DEFAULT_ALLOWED, KINDS
from integrations.scan.findings import EICAR, Finding, ScanResult
from integrations.scan.scanner import scan_file

__all__ = ["DEFAULT_ALLOWED", "EICAR", "KINDS", "Finding", "ScanResult", "scan_file", "clamd_instream", "ClamdError"]
