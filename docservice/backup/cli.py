"""``docservice backup``: create, verify and restore backups (the seed's monthly backups)."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from ..cli_common import cli_lang, domain_errors

backup_cli = AppGroup("backup", help="Backups of the database and the issued files: create, verify, restore.")


@backup_cli.command("create")
@click.option("--out", type=click.Path(path_type=Path), metavar="FILE_OR_DIR",
              help="A folder (the archive gets a dated name) or a .tar file; "
                   "default: BACKUP_DIR, or backups/ in the instance folder.")
@click.option("--keep", type=click.IntRange(min=1), metavar="N",
              help="Then keep the newest archive of each of the N most recent months in that folder "
                   "and delete our other archives there.")
@domain_errors
def create_command(out, keep):
    """Write one archive: the database, every issued file and manifest.json with their SHA-256."""
    from .retention import retain
    from .service import create

    path, manifest = create(out)
    click.echo(_say("created", path=path, size=_mb(path.stat().st_size)))
    _describe(manifest)
    if keep:
        removed = retain(path.parent, keep)
        click.echo(_say("kept", keep=keep, removed=len(removed)))
        for old in removed:
            click.echo(_say("removed", name=old.name))


@backup_cli.command("verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@domain_errors
def verify_command(path):
    """Check an archive without touching the store: every part, every hash, the database opens."""
    from .service import verify

    manifest = verify(path)
    click.echo(_say("verified", path=path))
    _describe(manifest)


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a store that is not empty.")
@domain_errors
def restore_command(path, force):
    """Restore an archive into an empty store (stop the service first), then check it."""
    from .service import restore

    restored = restore(path, force)
    click.echo(_say("restored", path=path))
    _describe(restored.manifest)
    if restored.upgrade_needed:
        click.echo(_say("upgrade"))


def _describe(manifest: dict) -> None:
    counts = manifest["counts"]
    files = sum(1 for name in manifest["parts"] if name.startswith("files/"))
    click.echo(_say("about", backend=manifest["backend"], revision=manifest.get("revision") or "—",
                    created=manifest["created_at"], version=manifest.get("app_version", "?")))
    click.echo(_say("counts", files=files, **counts))


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _say(key: str, **params) -> str:
    texts = SAY[key]
    return texts.get(cli_lang(), texts["ru"]).format(**params)


SAY = {
    "created": {"kk": "Сақтық көшірме жазылды: {path} ({size})",
                "ru": "Резервная копия записана: {path} ({size})",
                "en": "Backup written: {path} ({size})"},
    "verified": {"kk": "{path}: архив бүтін", "ru": "{path}: архив цел", "en": "{path}: the archive is sound"},
    "restored": {"kk": "{path} қалпына келтірілді және тексерілді",
                 "ru": "{path} восстановлен и проверен",
                 "en": "{path} restored and checked"},
    "about": {"kk": "  {backend}, схема ревизиясы {revision}, жасалған уақыты {created}, docservice {version}",
              "ru": "  {backend}, ревизия схемы {revision}, создан {created}, docservice {version}",
              "en": "  {backend}, schema revision {revision}, made {created}, docservice {version}"},
    "counts": {"kk": "  журналдар {journals}, бағалар {marks}, бағалар тарихы {mark_history}, "
                     "берілген құжаттар {issued_documents}, файлдар {files}",
               "ru": "  журналов {journals}, оценок {marks}, записей истории оценок {mark_history}, "
                     "выданных документов {issued_documents}, файлов {files}",
               "en": "  journals {journals}, marks {marks}, mark history rows {mark_history}, "
                     "issued documents {issued_documents}, files {files}"},
    "kept": {"kk": "Сақтау: соңғы {keep} айдың әрқайсысынан ең жаңа архив қалды; жойылғаны: {removed}",
             "ru": "Хранение: оставлено по новейшему архиву за каждый из {keep} последних месяцев; удалено: {removed}",
             "en": "Retention: the newest archive of each of the {keep} most recent months kept; removed: {removed}"},
    "removed": {"kk": "  жойылды: {name}", "ru": "  удалён: {name}", "en": "  removed: {name}"},
    "upgrade": {"kk": "Дерекқор схемасы ескі: docservice db upgrade орындаңыз",
                "ru": "Схема базы данных старее текущей: выполните docservice db upgrade",
                "en": "The database schema is older than this version's: run docservice db upgrade"},
}
