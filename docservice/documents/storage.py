"""Where issued files are kept. Local folder by default; the interface admits an object store."""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

from flask import current_app
from werkzeug.utils import import_string

from ..safe_paths import inside


class Storage(Protocol):
    def put(self, key: str, data: bytes) -> None: ...
    def get(self, key: str) -> bytes: ...


class LocalStorage:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        """The file of ``key``: a plain relative path that stays inside the store once resolved
        (``docservice.safe_paths``), else ``Invalid("storage_key_invalid")`` before anything
        is read or written."""
        return inside(self.root, key, code="storage_key_invalid")

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(data)
        tmp.replace(path)  # atomic: a reader never sees half a file

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def writable(self) -> bool:
        """The readiness check: a file can be made in the store (and is removed at once)."""
        import tempfile

        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=self.root):
                return True
        except OSError:
            return False


def storage() -> Storage:
    """The app's store of issued files: ``STORAGE_BACKEND`` — a factory taking the app's
    config, or its import path (``"mypackage.s3:Storage"``) — or a local folder,
    ``STORAGE_DIR`` (default ``instance/documents``). Workers on other machines (Celery) need
    a store they all reach: an object store, or the folder shared."""
    ext = current_app.extensions
    if "docservice.storage" not in ext:
        backend = current_app.config.get("STORAGE_BACKEND")
        if backend:
            factory = import_string(backend) if isinstance(backend, str) else backend
            ext["docservice.storage"] = factory(current_app.config)
        else:
            root = current_app.config.get("STORAGE_DIR") or Path(current_app.instance_path) / "documents"
            ext["docservice.storage"] = LocalStorage(root)
    return ext["docservice.storage"]
