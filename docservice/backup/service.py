"""Create, verify and restore backups: the database, every issued file and the manifest together.

Files are read and written only through the app's storage object, so whatever
``STORAGE_BACKEND`` is configured is backed up and restored the same way as the local folder.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path
from tempfile import TemporaryDirectory
from zoneinfo import ZoneInfo

from flask import current_app

from ..documents.storage import LocalStorage, storage
from ..errors import DomainError
from ..models import db
from . import database
from .archive import FILES, ArchiveWriter, file_part, read_checked, read_files
from .retention import free_name

BACKEND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass
class Restored:
    manifest: dict
    upgrade_needed: bool  # the archive's schema is older than this version's migrations


def default_folder() -> Path:
    """``BACKUP_DIR`` (``DOCSERVICE_BACKUP_DIR``), by default ``backups`` in the instance folder."""
    return Path(current_app.config.get("BACKUP_DIR") or Path(current_app.instance_path) / "backups")


def create(out: Path | None) -> tuple[Path, dict]:
    """Write one archive; ``out`` is a folder (the archive gets a dated name) or a ``.tar`` file."""
    engine = db.engine
    backend = database.backend_of(engine)
    # Named in the university's local time by the real clock (FROZEN_AT stops only the service's clock).
    made_at = datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).replace(microsecond=0)
    target = _target(out, made_at)
    store = storage()
    with TemporaryDirectory(prefix="docservice-backup-") as tmp:
        copy, facts = database.snapshot(engine, Path(tmp))
        with ArchiveWriter(target) as writer:
            writer.add_path(database.PARTS[backend], copy)
            for doc in facts.documents:
                if file_part(doc.key) not in writer.parts:
                    writer.add_bytes(file_part(doc.key), _original(store, doc), key=doc.key, document=doc.number)
            manifest = writer.finish({
                "backend": backend, "database": database.PARTS[backend], "revision": facts.revision,
                "created_at": made_at.isoformat(), "app_version": _app_version(), "counts": facts.counts})
    return target, manifest


def verify(path: Path) -> dict:
    """Check the archive without touching the store; returns its manifest."""
    with TemporaryDirectory(prefix="docservice-verify-") as tmp:
        checked = read_checked(path, Path(tmp))
        database.check_part(checked.manifest["backend"], checked.manifest["database"], checked.database,
                            checked.manifest)
        return checked.manifest


def restore(path: Path, force: bool = False) -> Restored:
    """Restore into an empty store (or any store with ``force``): the whole archive is checked
    first, so a damaged one or one of the other backend changes nothing; then the database,
    then the files, then the counts and every file's hash are checked against the manifest."""
    engine = db.engine
    backend = database.backend_of(engine)
    with TemporaryDirectory(prefix="docservice-restore-") as tmp:
        checked = read_checked(path, Path(tmp))
        manifest = checked.manifest
        if manifest["backend"] != backend:
            raise DomainError("backup_wrong_backend", archive=BACKEND_NAMES[manifest["backend"]],
                              store=BACKEND_NAMES[backend])
        upgrade_needed = _schema_older(manifest.get("revision"))
        database.check_part(backend, manifest["database"], checked.database, manifest)
        store = storage()
        if not force:
            _require_empty(engine, store, [p["key"] for n, p in manifest["parts"].items() if n.startswith(FILES)])
        # Our own connections would hold locks the restore waits for (and cache the old pages).
        db.session.remove()
        engine.dispose()
        database.restore(engine, checked.database)
        for part, data in read_files(checked):
            store.put(part["key"], data)
        engine.dispose()
        _check_restored(engine, store, manifest)
    return Restored(manifest, upgrade_needed)


def _target(out: Path | None, made_at: datetime) -> Path:
    if out is not None and out.suffix == ".tar" and not out.is_dir():
        if out.exists():
            raise DomainError("backup_out_exists", path=str(out))
        out.parent.mkdir(parents=True, exist_ok=True)
        return out
    folder = out or default_folder()
    folder.mkdir(parents=True, exist_ok=True)
    return free_name(folder, made_at)


def _original(store, doc: database.StoredDocument) -> bytes:
    """An issued file as stored; a missing or altered original stops the backup, so it is
    noticed now rather than when the backup is needed."""
    try:
        data = store.get(doc.key)
    except Exception:  # each backend says "not there" its own way
        raise DomainError("backup_file_missing", number=doc.number, key=doc.key) from None
    if hashlib.sha256(data).hexdigest() != doc.sha256:
        raise DomainError("backup_file_not_original", number=doc.number, key=doc.key)
    return data


def _require_empty(engine, store, keys: list[str]) -> None:
    with engine.connect() as conn:
        occupied = database.live_reader(conn).occupied()
    files = _stored_files(store, keys)
    if files or any(occupied.values()):
        raise DomainError("backup_store_not_empty", files=files, **occupied)


def _stored_files(store, keys: list[str]) -> int:
    """Files in the store: all of them for the local folder; another backend offers no listing,
    so there only the archive's own keys are looked up."""
    if isinstance(store, LocalStorage):
        return sum(1 for p in store.root.rglob("*") if p.is_file()) if store.root.exists() else 0
    return sum(1 for key in keys if _stored(store, key) is not None)


def _stored(store, key: str) -> bytes | None:
    try:
        return store.get(key)
    except Exception:  # each backend says "not there" its own way
        return None


def _check_restored(engine, store, manifest: dict) -> None:
    with engine.connect() as conn:
        counts = database.live_reader(conn).facts().counts
    for name, expected in manifest["counts"].items():
        if counts.get(name) != expected:
            raise DomainError("backup_check_failed", counted=name, expected=expected, found=counts.get(name))
    for name, part in manifest["parts"].items():
        if name.startswith(FILES):
            data = _stored(store, part["key"])
            if data is None or hashlib.sha256(data).hexdigest() != part["sha256"]:
                raise DomainError("backup_file_check_failed", key=part["key"])


def _schema_older(revision: str | None) -> bool:
    """Refuse a schema this version does not know (made by a newer docservice); say whether
    the restored database needs ``docservice db upgrade``."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from alembic.script.revision import RevisionError
    from alembic.util import CommandError

    from ..status import MIGRATIONS, migrations_head

    if revision is None:
        return True
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    for rev in revision.split(","):
        try:
            if script.get_revision(rev) is None:
                raise RevisionError(rev)
        except (RevisionError, CommandError):
            raise DomainError("backup_revision_unknown", revision=revision) from None
    return revision != migrations_head()


def _app_version() -> str:
    try:
        return metadata.version("docservice")
    except metadata.PackageNotFoundError:
        return "unknown"
