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
        try:
            # Touch it: the orphan sweep never removes a blob used this recently (see remove_if_stale).
            os.utime(target)
            return digest, False
        except FileNotFoundError:
            pass
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

    def blobs(self):
        """Paths of every stored blob."""
        for path in self.root.glob("??/??/*"):
            if len(path.name) == 64 and not path.name.startswith("."):
                yield path

    def stale_blobs(self, cutoff: float):
        """Digests of the blobs last written or reused before ``cutoff`` (a POSIX time)."""
        for path in self.blobs():
            if path.stat().st_mtime < cutoff:
                yield path.name

    def remove_if_stale(self, sha256: str, cutoff: float) -> bool:
        """Remove a blob unless it was written or reused since ``cutoff``.

        It is first renamed aside, then its time is read again: a concurrent put() that touched it
        just before is seen and the blob put back; one that comes after finds no file and writes it
        anew. So an upload racing the sweep never ends with a row pointing at nothing.
        """
        target = self.path_for(sha256)
        aside = target.with_name(f".sweep-{sha256}")
        try:
            os.rename(target, aside)
        except FileNotFoundError:
            return False
        if aside.stat().st_mtime >= cutoff:
            try:
                os.link(aside, target)
            except FileExistsError:
                pass  # a new put() wrote it again meanwhile
            os.unlink(aside)
            return False
        os.unlink(aside)
        return True

    def remove_stale_temp_files(self, cutoff: float) -> int:
        """Remove half-written files of puts interrupted (killed) before ``cutoff``, and put back any
        blob a killed sweep had renamed aside (the next sweep decides about it again)."""
        for aside in self.root.glob("??/??/.sweep-*"):
            try:
                os.link(aside, aside.with_name(aside.name.removeprefix(".sweep-")))
            except FileExistsError:
                pass
            aside.unlink(missing_ok=True)
        removed = 0
        for path in self.root.glob("??/??/.incoming-*"):
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

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
