"""Backups of the database and the files (R-BACKUP-1, Đ20.1, Đ20.5), each verified by restoring it.

A backup is a folder ``qoffice-<yyyymmdd-hhmmss>`` under ``BACKUP_DIR`` with:

- ``database.sqlite3`` (SQLite's online backup API: consistent while the app runs) or
  ``database.pgdump`` (``pg_dump --format=custom``);
- ``files/``: every stored file, under its sha256 like in the live store (hard links to the previous
  backup where possible, so a nightly backup costs only what changed);
- ``manifest.json``: when, from which database, the dump's sha256, how many files.

It is written as ``.incomplete-…`` and renamed only after :func:`verify` restored it into a temporary
database and found every document's files with the right sha256: a folder with a manifest is a backup
that restores. The newest ``BACKUP_KEEP`` backups are kept.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from engine import clock, settings
from engine.db import db
from engine.storage import FileStore, store

PREFIX = "qoffice-"
MANIFEST = "manifest.json"


class BackupError(RuntimeError):
    """A backup could not be written, or does not restore."""


@dataclass
class Verified:
    documents: int
    attachments: int
    files: int


def backup_root() -> Path:
    configured = settings.get("BACKUP_DIR")
    return Path(configured) if configured else Path(settings.get("DATA") or "instance") / "backups"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env(url) -> dict:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    return env


def _pg_args(url) -> list[str]:
    args = ["--host", url.host or "localhost", "--port", str(url.port or 5432)]
    return args + (["--username", url.username] if url.username else [])


def _dump_database(url, folder: Path) -> Path:
    if url.get_backend_name() == "sqlite":
        target = folder / "database.sqlite3"
        source = sqlite3.connect(url.database)
        try:
            with sqlite3.connect(target) as copy:
                source.backup(copy)
        finally:
            source.close()
        return target
    target = folder / "database.pgdump"
    result = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *_pg_args(url),
                             url.database], env=_pg_env(url), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_dump: {result.stderr.strip()[:500]}")
    return target


def _copy_files(source: FileStore, folder: Path, previous: Path | None) -> int:
    count = 0
    for path in source.blobs():
        relative = path.relative_to(source.root)
        target = folder / "files" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        earlier = previous / "files" / relative if previous else None
        try:
            os.link(earlier if earlier is not None and earlier.exists() else path, target)
        except OSError:  # another filesystem: copy
            shutil.copyfile(path, target)
        count += 1
    return count


def listing() -> list[Path]:
    """Complete backups, newest first."""
    root = backup_root()
    if not root.is_dir():
        return []
    return sorted((p for p in root.iterdir() if p.name.startswith(PREFIX) and (p / MANIFEST).is_file()),
                  key=lambda p: p.name, reverse=True)


def create() -> Path:
    """Write, verify and keep a new backup; remove the oldest beyond ``BACKUP_KEEP``."""
    root = backup_root()
    root.mkdir(parents=True, exist_ok=True)
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    work = root / f".incomplete-{stamp}-{uuid.uuid4().hex[:6]}"
    work.mkdir()
    try:
        url = db.engine.url
        dump = _dump_database(url, work)
        earlier = listing()
        files = _copy_files(store(), work, earlier[0] if earlier else None)
        manifest = {"created_at": clock.now().isoformat(), "database": {
            "kind": url.get_backend_name(), "file": dump.name, "sha256": _sha256(dump)},
            "files": files, "organisation": settings.get("ORG_CODE")}
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        verify(work, url)
        final = root / f"{PREFIX}{stamp}"
        if final.exists():
            final = root / f"{PREFIX}{stamp}-{uuid.uuid4().hex[:6]}"
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    finally:
        db.session.rollback()
    for old in listing()[int(settings.get("BACKUP_KEEP")):]:
        shutil.rmtree(old, ignore_errors=True)
    return final


def _check(engine, files: Path) -> Verified:
    """Count what the restored database holds and check every attachment's file and sha256."""
    with engine.connect() as connection:
        documents = connection.execute(text("SELECT count(*) FROM documents")).scalar()
        rows = connection.execute(text("SELECT DISTINCT sha256 FROM attachments")).scalars().all()
        attachments = connection.execute(text("SELECT count(*) FROM attachments")).scalar()
    restored = FileStore(files)
    for digest in rows:
        path = restored.path_for(digest)
        if not path.is_file() or _sha256(path) != digest:
            raise BackupError(f"file {digest} is missing or damaged in the backup")
    return Verified(documents=documents, attachments=attachments, files=len(rows))


def verify(folder: Path, url=None) -> Verified:
    """Restore ``folder`` into a temporary database and check it; BackupError when it does not hold."""
    folder = Path(folder)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    dump = folder / manifest["database"]["file"]
    if not dump.is_file() or _sha256(dump) != manifest["database"]["sha256"]:
        raise BackupError("the database dump is missing or damaged")
    if manifest["database"]["kind"] == "sqlite":
        with tempfile.TemporaryDirectory(prefix="qoffice-verify-") as scratch:
            copy = Path(scratch) / "restored.sqlite3"
            shutil.copyfile(dump, copy)
            with sqlite3.connect(copy) as connection:
                if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    raise BackupError("the SQLite copy fails its integrity check")
            engine = create_engine(f"sqlite:///{copy}")
            try:
                return _check(engine, folder / "files")
            finally:
                engine.dispose()
    url = url or db.engine.url
    scratch_db = f"qoffice_verify_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{scratch_db}"'))
        _pg_restore(url.set(database=scratch_db), dump)
        engine = create_engine(url.set(database=scratch_db))
        try:
            return _check(engine, folder / "files")
        finally:
            engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch_db}" WITH (FORCE)'))
        admin.dispose()


def _pg_restore(url, dump: Path, *, clean: bool = False) -> None:
    args = ["pg_restore", "--no-owner", "--exit-on-error", *(["--clean", "--if-exists"] if clean else []),
            *_pg_args(url), "--dbname", url.database, str(dump)]
    result = subprocess.run(args, env=_pg_env(url), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_restore: {result.stderr.strip()[:500]}")


def restore(folder: Path, database_url: str, files_dir: str) -> Verified:
    """Put a verified backup back: the database at ``database_url`` (replaced) and every file into
    ``files_dir`` (added where missing; stored files are never overwritten). The app must be stopped."""
    folder = Path(folder)
    verify(folder, make_url(database_url) if not database_url.startswith("sqlite") else None)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    url = make_url(database_url)
    dump = folder / manifest["database"]["file"]
    if manifest["database"]["kind"] != url.get_backend_name():
        raise BackupError(f"a {manifest['database']['kind']} backup cannot be restored into {url.get_backend_name()}")
    if url.get_backend_name() == "sqlite":
        target = Path(url.database)
        target.parent.mkdir(parents=True, exist_ok=True)
        for leftover in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
            leftover.unlink(missing_ok=True)  # a write-ahead log of the replaced database must not be replayed
        shutil.copyfile(dump, target)
    else:
        _pg_restore(url, dump, clean=True)
    live = FileStore(files_dir)
    for path in (folder / "files").glob("??/??/*"):
        target = live.path_for(path.name)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            os.chmod(target, 0o444)
    engine = create_engine(url)
    try:
        return _check(engine, Path(files_dir))
    finally:
        engine.dispose()
