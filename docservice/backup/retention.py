"""Archive names and monthly retention.

An archive is named by the local time it was made (``docservice-backup-2026-12-07T031205.tar``),
so the month and the order come from the name, not from file times that a copy or a restore
from tape would change. Retention only ever deletes files matching this pattern.
"""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

PREFIX = "docservice-backup-"
NAME = re.compile(r"docservice-backup-(\d{4})-(\d{2})-(\d{2})T(\d{6})(?:-(\d+))?\.tar")


def free_name(folder: Path, at: datetime) -> Path:
    """A new archive's path in ``folder``; a second archive in the same second gets ``-2``."""
    stem = f"{PREFIX}{at:%Y-%m-%dT%H%M%S}"
    path, n = folder / f"{stem}.tar", 1
    while path.exists() or path.with_name(path.name + ".part").exists():
        n += 1
        path = folder / f"{stem}-{n}.tar"
    return path


def retain(folder: Path, months: int) -> list[Path]:
    """Keep the newest archive of each of the ``months`` most recent months that have one;
    delete the other archives of ours in ``folder``. Returns what was deleted, oldest first."""
    archives = []
    for path in folder.iterdir():
        match = NAME.fullmatch(path.name)
        if match and path.is_file():
            year, month, day, hms, n = match.groups()
            archives.append(((year, month), (day, hms, int(n or 1)), path))
    newest: dict[tuple, tuple] = {}
    for month, moment, path in archives:
        if month not in newest or moment > newest[month][0]:
            newest[month] = (moment, path)
    kept = {newest[m][1] for m in sorted(newest, reverse=True)[:months]}
    removed = sorted((a for a in archives if a[2] not in kept), key=lambda a: (a[0], a[1]))
    for *_, path in removed:
        path.unlink()
    return [path for *_, path in removed]
