"""``flask archive``: print a period for the archive, batch jobs, the nomenclature of files."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from ..cli_common import acting_user, as_option, cli_lang, domain_errors, read_json_file

archive_cli = AppGroup("archive", help="Archive printing, period-wide batch jobs, the nomenclature of files.")


@archive_cli.command("print")
@click.option("--period", required=True, help="Academic period, e.g. 2026-2027/1.")
@click.option("--school", help="Only this school's groups (its code).")
@click.option("--type", "types", multiple=True, metavar="TYPE",
              help="Only this document type (repeatable), e.g. summary_vedomost; default: every type.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="The folder to write (default: instance/jobs/<job>-<period>).")
@click.option("--lang", type=click.Choice(["kk", "ru"]), default=None, help="Language of the documents.")
@click.option("--workers", type=int, help="Processes on this machine (default: one per core). "
                                          "With CELERY_BROKER_URL set, Celery workers issue the documents.")
@click.option("--again", is_flag=True, help="A new job even if this period was printed already.")
@click.option("--drafts", type=click.Choice(["pdf", "docx"]),
              help="Re-render every document as a draft in this format instead: nothing is numbered or "
                   "registered (to check the period, or edited templates, before the archive print).")
@as_option
@domain_errors
def print_command(period, school, types, out, lang, workers, again, drafts, as_login):
    """Issue every document of a period (PDF/A) and file them by the nomenclature.

    Running the same command again resumes an unfinished job (after a crash, a kill or a
    cancellation): only the documents still pending are issued, under the numbers they
    were given when the job was planned."""
    from . import jobs

    lang = lang or cli_lang()
    job = jobs.start(acting_user(as_login), period, lang, school, list(types) or None,
                     str(out.resolve()) if out else None, again, drafts)
    if job.output is None and out is not None:
        job.output = str(out.resolve())
    click.echo(_say(lang, "job", job=job.id, status=job.status))
    if job.status == "done":
        click.echo(_say(lang, "done_before", output=job.output))
        return
    total = jobs.progress(job)["total"]
    with click.progressbar(length=total, label=_say(lang, "issuing"), show_pos=True) as bar:
        seen = {"n": 0}

        def on_progress(p):
            done = p["done"]
            bar.update(done - seen["n"])
            seen["n"] = done

        job = jobs.run(job.id, workers=workers, on_progress=on_progress)
    p = jobs.progress(job)
    click.echo(_say(lang, "summary", **p))
    if job.status == "done":
        click.echo(_say(lang, "folder", output=job.output, zip=job.report.get("zip"),
                        sha=job.report.get("zip_sha256")))
    else:
        click.echo(_say(lang, "resume"))
        raise SystemExit(1)


@archive_cli.command("status")
@click.argument("job_id", type=int, required=False)
@domain_errors
def status_command(job_id):
    """A job's progress as JSON (without JOB_ID: the recent jobs)."""
    from . import jobs

    found = [jobs.find(job_id)] if job_id else jobs.recent()
    click.echo(json.dumps([{**jobs.progress(j), "params": j.params} for j in found], ensure_ascii=False, indent=1))


@archive_cli.command("cancel")
@click.argument("job_id", type=int)
@as_option
@domain_errors
def cancel_command(job_id, as_login):
    """Stop a job after the documents under way; run it again to finish it."""
    from . import jobs

    job = jobs.cancel(acting_user(as_login), job_id)
    click.echo(_say(cli_lang(), "job", job=job.id, status=job.status))


nomenclature_cli = AppGroup("nomenclature", help="The nomenclature of files.")
archive_cli.add_command(nomenclature_cli)


@nomenclature_cli.command("show")
def nomenclature_show():
    """The nomenclature as JSON (the format `load` reads)."""
    from ..nomenclature import as_data

    click.echo(json.dumps(as_data(), ensure_ascii=False, indent=1))


@nomenclature_cli.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False), required=False)
@as_option
@domain_errors
def nomenclature_load(path, as_login):
    """Replace the nomenclature with a JSON file (default: the sample shipped with the demo)."""
    from ..documents.validation import InputInvalid
    from ..nomenclature import SAMPLE, replace_all

    try:
        count = replace_all(acting_user(as_login), read_json_file(path or SAMPLE), cli_lang())
    except InputInvalid as exc:
        raise click.ClickException(json.dumps(exc.errors, ensure_ascii=False)) from None
    click.echo(_say(cli_lang(), "loaded", count=count))


SAY = {
    "job": {"kk": "№{job} тапсырма: {status}", "ru": "Задание №{job}: {status}"},
    "done_before": {"kk": "Бұл кезең бұрын басылған: {output} (жаңадан: --again)",
                    "ru": "Этот период уже напечатан: {output} (заново: --again)"},
    "issuing": {"kk": "Құжаттар", "ru": "Документы"},
    "summary": {"kk": "Жаңадан шығарылды: {issued}, тізілімнен алынды: {filed}, жоба ретінде дайындалды: "
                      "{rendered}, қате: {failed}, күтуде: {pending}; басылмады: {not_printed}, "
                      "ашық журналдар: {open_journals}",
                "ru": "Выпущено впервые: {issued}, взято из реестра: {filed}, подготовлено черновиков: {rendered}, "
                      "с ошибкой: {failed}, ожидают: {pending}; не напечатано: {not_printed}, "
                      "открытых журналов: {open_journals}"},
    "folder": {"kk": "Бума: {output}\nZIP: {zip} (SHA-256 {sha})", "ru": "Папка: {output}\nZIP: {zip} (SHA-256 {sha})"},
    "resume": {"kk": "Тапсырма аяқталмады: қалғанын шығару үшін осы команданы қайта іске қосыңыз",
               "ru": "Задание не завершено: запустите ту же команду ещё раз, чтобы выпустить остальное"},
    "loaded": {"kk": "Номенклатурада {count} іс", "ru": "В номенклатуре дел: {count}"},
}


# A job's state in words (the pages say the same through their catalogue).
STATUS = {"planned": {"kk": "іске қосылуды күтуде", "ru": "ожидает запуска"},
          "running": {"kk": "орындалуда", "ru": "выполняется"},
          "cancelling": {"kk": "тоқтатылуда", "ru": "останавливается"},
          "cancelled": {"kk": "тоқтатылды", "ru": "отменено"},
          "done": {"kk": "дайын", "ru": "готово"}}


def _say(lang: str, key: str, **values) -> str:
    lang = lang if lang in ("kk", "ru") else "ru"
    if "status" in values:
        values["status"] = STATUS.get(values["status"], {}).get(lang, values["status"])
    return SAY[key][lang].format(**values)
