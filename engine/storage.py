"""Content-addressed file storage: a file's name is its sha256; nothing is ever overwritten."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


class FileStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a sha256 hex digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> tuple[str, bool]:
        """Store ``data``; return (sha256, created) where created is False if it was already there."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_for(digest)
        if target.exists():
            return digest, False
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o444)
            # link() fails if another writer got there first, so an existing file is never replaced.
            try:
                os.link(tmp, target)
                created = True
            except FileExistsError:
                created = False
        finally:
            os.unlink(tmp)
        return digest, created

    def get(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()

    def discard(self, sha256: str) -> None:
        """Remove a blob written by a transaction that rolled back (never one in use)."""
        try:
            self.path_for(sha256).unlink()
        except FileNotFoundError:
            pass


_store: FileStore | None = None


def store() -> FileStore:
    """The configured store (QOFFICE_FILES_DIR)."""
    from engine import settings

    root = settings.get("FILES_DIR")
    global _store
    if _store is None or str(_store.root) != str(root):
        _store = FileStore(root)
    return _store
