"""ClamAV through clamd's INSTREAM command on a unix socket: a second layer only. A configured but
unreachable daemon yields a ``warn`` finding ("not scanned by antivirus"), never a silent ok."""
from __future__ import annotations

import socket
import struct

from integrations.scan.findings import BLOCK, WARN, Collector


class ClamdError(Exception):
    """clamd could not be reached or answered with an error."""


def clamd_instream(data: bytes, socket_path: str, *, timeout: float = 30.0, chunk_size: int = 1 << 16) -> str:
    """Send ``data`` to clamd with ``zINSTREAM`` and return its reply, e.g. ``"stream: OK"`` or
    ``"stream: Eicar-Signature FOUND"``. Raises :class:`ClamdError` when clamd is unreachable."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(socket_path)
            s.sendall(b"zINSTREAM\0")
            view = memoryview(data)
            for i in range(0, len(view), chunk_size):
                part = view[i:i + chunk_size]
                s.sendall(struct.pack("!I", len(part)) + part)
            s.sendall(struct.pack("!I", 0))
            reply = bytearray()
            while not reply.endswith(b"\0"):
                got = s.recv(4096)
                if not got:
                    break
                reply += got
    except OSError as exc:
        raise ClamdError(f"{type(exc).__name__}: {exc}") from exc
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


def scan_with_clamav(data: bytes, socket_path: str, timeout: float, col: Collector) -> None:
    try:
        reply = clamd_instream(data, socket_path, timeout=timeout)
    except ClamdError as exc:
        col.add(WARN, "clamav_unavailable",
                "Không kết nối được dịch vụ quét virus ClamAV; tệp chưa được quét virus",
                f"{socket_path}: {exc}")
        return
    body = reply.split(":", 1)[1].strip() if ":" in reply else reply
    if body == "OK":
        return
    if body.endswith("FOUND"):
        sig = body[: -len("FOUND")].strip()
        col.add(BLOCK, "clamav", f"Phần mềm diệt virus ClamAV phát hiện mã độc: {sig}", reply)
    else:
        col.add(WARN, "clamav_error", "Dịch vụ quét virus ClamAV báo lỗi; tệp chưa được quét đầy đủ", reply)
