"""The axis as a folder drop, for offline exchange and tests: we write packages to ``outbox/`` and
read what a courier put in ``inbox/``; an acknowledged package moves to ``inbox/processed/`` (nothing
is deleted). Files are written under a temporary name and renamed, so a reader never sees half."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from integrations.axis.base import Axis, AxisError, Message


class FolderAxis(Axis):
    def __init__(self, root: str | os.PathLike, *, max_bytes: int = 64 * 1024 * 1024):
        self.root = Path(root)
        self.outbox, self.inbox = self.root / "outbox", self.root / "inbox"
        self.processed = self.inbox / "processed"
        self.max_bytes = max_bytes

    def _path(self, folder: Path, message_id: str) -> Path:
        name = Path(message_id).name
        if name != message_id or not name.endswith(".edxml"):
            raise AxisError(f"Mã gói tin không hợp lệ: {message_id}", permanent=True)
        return folder / name

    def send(self, package: bytes, *, receivers: list[str], kind: str, key: str) -> str:
        name = f"{kind}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}.edxml"
        try:
            self.outbox.mkdir(parents=True, exist_ok=True)
            target = self.outbox / name
            if not target.exists():  # the same key was handed over already
                fd, tmp = tempfile.mkstemp(dir=self.outbox, prefix=".writing-")
                with os.fdopen(fd, "wb") as fh:
                    fh.write(package)
                os.replace(tmp, target)
        except OSError as exc:
            raise AxisError(f"Không ghi được vào thư mục trục: {exc.strerror}") from None
        return name

    def received(self) -> list[Message]:
        if not self.inbox.is_dir():
            return []
        files = sorted((p for p in self.inbox.glob("*.edxml") if p.is_file()), key=lambda p: (p.stat().st_mtime, p.name))
        return [Message(id=p.name, kind="status" if p.name.startswith("status-") else "edoc") for p in files]

    def fetch(self, message_id: str) -> bytes:
        path = self._path(self.inbox, message_id)
        try:
            if path.stat().st_size > self.max_bytes:
                raise AxisError("Gói tin trong thư mục trục vượt quá dung lượng cho phép.", permanent=True)
            return path.read_bytes()
        except FileNotFoundError:
            raise AxisError(f"Không còn gói tin {message_id}.", permanent=True) from None

    def acknowledge(self, message_id: str) -> None:
        path = self._path(self.inbox, message_id)
        self.processed.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(path, self.processed / path.name)
        except FileNotFoundError:
            pass  # acknowledged already
