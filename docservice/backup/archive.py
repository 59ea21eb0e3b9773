"""The archive itself: a plain tar file of parts, and ``manifest.json`` with each part's SHA-256.

Plain tar because the parts are compressed already (PDF, DOCX, pg_dump's custom format) and any
machine can list or unpack it with ``tar`` when docservice is not at hand. The manifest comes
last, written once every part's hash is known; an archive cut short therefore misses it, or a
part, or ends inside one — each told as damage, never taken as a smaller backup.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import DomainError

FORMAT = "docservice-backup/1"
MANIFEST = "manifest.json"
FILES = "files/"  # issued files sit under files/<storage key>
CHUNK = 1 << 20


def file_part(key: str) -> str:
    return FILES + key


class ArchiveWriter:
    """Writes ``target`` as ``target.part`` and renames it only when complete, so a failed or
    interrupted backup never leaves a file that looks like an archive (nor one retention counts)."""

    def __init__(self, target: Path):
        self.target = target
        self.partial = target.with_name(target.name + ".part")
        self.parts: dict[str, dict] = {}

    def __enter__(self) -> ArchiveWriter:
        # The archive holds password hashes and every issued document: only its owner reads it.
        fd = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self._tar = tarfile.open(fileobj=os.fdopen(fd, "wb"), mode="w", format=tarfile.PAX_FORMAT)
        return self

    def __exit__(self, kind, *_):
        fileobj = self._tar.fileobj
        self._tar.close()
        fileobj.close()
        if kind is None:
            os.replace(self.partial, self.target)
        else:
            self.partial.unlink(missing_ok=True)

    def add_path(self, name: str, path: Path, **about) -> None:
        digest = hashlib.sha256()
        with path.open("rb") as f:
            for chunk in iter(lambda: f.read(CHUNK), b""):
                digest.update(chunk)
        with path.open("rb") as f:
            self._tar.addfile(self._info(name, path.stat().st_size), f)
        self.parts[name] = {"sha256": digest.hexdigest(), "size": path.stat().st_size, **about}

    def add_bytes(self, name: str, data: bytes, **about) -> None:
        self._tar.addfile(self._info(name, len(data)), io.BytesIO(data))
        self.parts[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data), **about}

    def finish(self, manifest: dict) -> dict:
        manifest = {"format": FORMAT, **manifest, "parts": self.parts}
        data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
        self._tar.addfile(self._info(MANIFEST, len(data)), io.BytesIO(data))
        return manifest

    @staticmethod
    def _info(name: str, size: int) -> tarfile.TarInfo:
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = size, int(time.time()), 0o600
        return info


@dataclass
class CheckedArchive:
    """An archive whose every part is present and hashes right; its database part staged on disk."""

    path: Path
    manifest: dict
    database: Path


def read_checked(path: Path, workdir: Path) -> CheckedArchive:
    """Read the whole archive once: every member hashed, the manifest parsed, the database part
    copied into ``workdir``. Raises a DomainError naming the first damage found."""
    manifest, seen, staged = None, {}, {}
    with _open(path) as tar:
        for member in _members(tar, path):
            if not member.isfile():
                raise DomainError("backup_part_unexpected", part=member.name)
            if member.name == MANIFEST:
                manifest = _parse_manifest(_read_all(tar, member))
                continue
            stage = workdir / f"part-{len(staged)}" if member.name.startswith("database/") else None
            seen[member.name] = _hash_member(tar, member, stage)
            if stage:
                staged[member.name] = stage
    if manifest is None:
        raise DomainError("backup_part_missing", part=MANIFEST)
    for name, part in manifest["parts"].items():
        if name not in seen:
            raise DomainError("backup_part_missing", part=name)
        if seen[name] != (part["sha256"], part["size"]):
            raise DomainError("backup_part_altered", part=name)
    for name in seen:
        if name not in manifest["parts"]:
            raise DomainError("backup_part_unexpected", part=name)
    return CheckedArchive(path, manifest, staged[manifest["database"]])


def read_files(checked: CheckedArchive) -> Iterator[tuple[dict, bytes]]:
    """Each issued file of a checked archive with its manifest entry, its hash checked again
    (the archive is read a second time: it must not have changed since)."""
    with _open(checked.path) as tar:
        for member in _members(tar, checked.path):
            part = checked.manifest["parts"].get(member.name)
            if not member.name.startswith(FILES) or part is None:
                continue
            data = _read_all(tar, member)
            if hashlib.sha256(data).hexdigest() != part["sha256"]:
                raise DomainError("backup_part_altered", part=member.name)
            yield part, data


def _open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, mode="r:")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise DomainError("backup_unreadable", path=str(path), detail=str(exc)) from None


def _members(tar: tarfile.TarFile, path: Path) -> Iterator[tarfile.TarInfo]:
    last = None
    while True:
        try:
            member = tar.next()
        except (tarfile.TarError, EOFError, OSError) as exc:
            # A header that cannot be read: the archive ends (or is altered) after the last good part.
            if last is None:
                raise DomainError("backup_unreadable", path=str(path), detail=str(exc)) from None
            raise DomainError("backup_part_truncated", part=last.name) from None
        if member is None:
            return
        last = member
        yield member


def _read_all(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    try:
        return tar.extractfile(member).read()
    except (tarfile.TarError, EOFError, OSError):
        raise DomainError("backup_part_truncated", part=member.name) from None


def _hash_member(tar: tarfile.TarFile, member: tarfile.TarInfo, stage: Path | None) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    source = tar.extractfile(member)
    out = stage.open("wb") if stage else None
    try:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
            if out:
                out.write(chunk)
    except (tarfile.TarError, EOFError, OSError):
        raise DomainError("backup_part_truncated", part=member.name) from None
    finally:
        if out:
            out.close()
    return digest.hexdigest(), size


def _parse_manifest(data: bytes) -> dict:
    try:
        manifest = json.loads(data.decode("utf-8"))
        problem = _manifest_problem(manifest)
    except (UnicodeDecodeError, ValueError) as exc:
        problem = str(exc)
    if problem:
        raise DomainError("backup_manifest_bad", detail=problem)
    return manifest


def _manifest_problem(manifest) -> str | None:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        return f"not {FORMAT}"
    for key, kind in (("backend", str), ("created_at", str), ("counts", dict), ("parts", dict), ("database", str)):
        if not isinstance(manifest.get(key), kind):
            return f"{key} missing or not a {kind.__name__}"
    if manifest["backend"] not in ("sqlite", "postgresql"):
        return f"unknown backend {manifest['backend']}"
    if not manifest["database"].startswith("database/") or manifest["database"] not in manifest["parts"]:
        return f"database part {manifest['database']} not listed"
    for name, part in manifest["parts"].items():
        if not (isinstance(part, dict) and isinstance(part.get("sha256"), str) and isinstance(part.get("size"), int)):
            return f"part {name}: sha256 or size missing"
        if name.startswith(FILES) and not isinstance(part.get("key"), str):
            return f"part {name}: storage key missing"
        if name.startswith(FILES) and not _plain_key(part["key"]):  # checked before anything is restored
            return f"part {name}: storage key {part['key'][:80]!r} leads outside the store"
    return None


def _plain_key(key: str) -> bool:
    from ..safe_paths import check_relative

    try:
        check_relative(key)
    except DomainError:
        return False
    return True
