"""The registrar's archive page and its JSON routes (issue 5): printing the demo period from
the page, the ZIP, the report, cancelling and resuming, the nomenclature of files, and the
403s of every other role.

A job started from the page runs in a background thread of the web process; under TESTING
that thread is joined before the request answers (``archive.run_in_background``), so a
test's POST returns with the job finished. ``BATCH_WORKERS = 1`` keeps it in-process.
"""
from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from store import user
import web_client
from web_client import csrf, flashes, page, signed_in

from docservice import nomenclature
from docservice.batch import jobs
from docservice.models import BatchItem, BatchJob, IssuedDocument, db
from docservice.models.archive import CANCELLING, DONE, ISSUED, RUNNING
from docservice.users import issue_token

PERIOD = "2026-2027/1"
# The archive's page and routes; its jobs (planning, numbers, resuming) run on both databases in
# test_archive.py.
pytestmark = [pytest.mark.one_database, pytest.mark.demo]


@pytest.fixture(autouse=True)
def batch_config(app, tmp_path):
    app.config.update(BATCH_WORKERS=1, JOBS_DIR=str(tmp_path / "jobs"), STORAGE_DIR=str(tmp_path / "documents"),
                      CELERY_BROKER_URL=None)


def post(client, path, data, form_page="/registrar/archive"):
    return web_client.post(client, path, data, form_page)


def start_from_page(client, **form):
    """Press the archive page's start button with ``form``: the job (run at once under TESTING)
    and the page the browser is sent to."""
    r = post(client, "/registrar/archive/jobs", {"period": PERIOD, **form})
    assert r.status_code == 302
    return db.session.scalar(db.select(BatchJob).order_by(BatchJob.id.desc())), r.headers["Location"]


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def bearer(login: str) -> dict:
    return {"Authorization": f"Bearer {issue_token(None, user(login))}"}


def download(client, path, **kwargs):
    """A streamed file: read, then let go of it."""
    r = client.get(path, **kwargs)
    content = r.get_data()
    r.close()
    return r, content


def items_of(job_id: int) -> list[BatchItem]:
    return db.session.scalars(db.select(BatchItem).where(BatchItem.job_id == job_id)).all()


# --- printing the period from the page ----------------------------------------------------------

@pytest.mark.rendering
def test_registrar_prints_the_demo_period_from_the_page_and_downloads_the_zip(app):
    client = signed_in(app, "or.inspector", lang="ru")
    html = page(client, "/")
    assert 'href="/registrar/archive"' in html  # in the registrar's menu
    html = page(client, "/registrar/archive")
    assert 'name="period"' in html and '<option value="2026-2027/1">' in html
    assert 'value="summary_vedomost"' in html and 'value="vedomost"' in html
    assert "Сводные ведомости всех групп периода" in html  # the shortcut

    r = post(client, "/registrar/archive/jobs", {"period": PERIOD, "school": "", "lang": "ru"})
    assert r.status_code == 302
    job = db.session.scalar(db.select(BatchJob))
    assert job.status == DONE and job.params == {"period": PERIOD, "school": None, "types": None, "lang": "ru",
                                                  "drafts": None}
    items = items_of(job.id)
    assert len(items) > 10 and all(i.status == ISSUED for i in items)
    files = {i.file_index for i in items}
    assert "02-10" in files  # the summary vedomosts (the demo journals at the test clock are open)
    progress = jobs.progress(job)

    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert any(f"Задание №{job.id} запущено" in f for f in flashes(html))
    row = text(html[html.index(f'id="job-{job.id}"'):])
    assert "готово" in row and f"Выпущено {len(items)} / {len(items)}" in row
    assert f'<progress max="{len(items)}" value="{len(items)}"' in html[html.index(f'id="job-{job.id}"'):]
    assert f"не напечатано: {progress['not_printed']}" in row
    assert f"открытые журналы: {progress['open_journals']}" in row
    assert f'href="/registrar/archive/jobs/{job.id}/zip"' in html
    assert "Отменить" not in row  # nothing to cancel any more

    # The job's page: the report as tables.
    html = page(client, f"/registrar/archive/jobs/{job.id}")
    assert "Документы, которые не напечатаны" in html and "Журнал ещё открыт: сначала закройте его" in html
    for journal in job.report["open_journals"][:3]:
        assert f">{journal['journal']}</a>" in html
    assert job.report["zip_sha256"] in html

    # The ZIP: the manifest, one PDF per nomenclature file, every original.
    r, content = download(client, f"/registrar/archive/jobs/{job.id}/zip")
    assert r.status_code == 200 and r.mimetype == "application/zip"
    assert job.report["zip"] in r.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
    assert {"manifest.json", "SHA256SUMS"} | {f"{index}.pdf" for index in files} <= names
    assert len(manifest["documents"]) == len(items)
    for document in manifest["documents"]:
        assert f"documents/{document['file']}/{document['number'].replace('/', '-')}.pdf" in names

    # The same period again is not printed twice; the page says so.
    r = post(client, "/registrar/archive/jobs", {"period": PERIOD, "lang": "ru"})
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert any(f"уже напечатаны: задание №{job.id}" in f for f in flashes(html))
    assert db.session.scalar(db.select(db.func.count(BatchJob.id))) == 1

    # The Kazakh page says the same in Kazakh.
    kk = page(signed_in(app, "or.inspector", lang="kk"), "/registrar/archive")
    row = text(kk[kk.index(f'id="job-{job.id}"'):])
    assert "дайын" in row and f"Шығарылды {len(items)} / {len(items)}" in row and "ZIP жүктеу" in row


@pytest.mark.rendering
def test_the_shortcut_prints_every_groups_summary_vedomost_of_the_period(app):
    client = signed_in(app, "or.head", lang="kk")
    job, sent_to = start_from_page(client, lang="kk", types="vedomost", only="summary_vedomost")
    assert job.params["types"] == ["summary_vedomost"] and job.status == DONE and job.kind == "issue"
    items = items_of(job.id)
    assert items and {i.doc_type for i in items} == {"summary_vedomost"} and {i.file_index for i in items} == {"02-10"}
    documents = db.session.scalars(db.select(IssuedDocument)).all()
    assert len(documents) == len(items) and all(d.lang == "kk" for d in documents)
    html = client.get(sent_to).get_data(as_text=True)
    assert f"№{job.id} тапсырма басталды" in " ".join(flashes(html))


def test_bad_start_parameters_are_told_on_the_page(app):
    client = signed_in(app, "or.inspector", lang="ru")
    r = post(client, "/registrar/archive/jobs", {"period": "2030-2031/1", "lang": "ru"})
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Не найдено (академический период): 2030-2031/1" in " ".join(flashes(html))
    assert db.session.scalar(db.select(db.func.count(BatchJob.id))) == 0


# --- cancel and resume --------------------------------------------------------------------------

def running_elsewhere(job: BatchJob) -> None:
    """The job as another process (a web worker, the CLI) runs it: a fresh heartbeat."""
    job.status, job.runner, job.heartbeat_at = RUNNING, "elsewhere:4242", jobs.wall_now()
    db.session.commit()


def test_cancel_asks_a_running_job_to_stop_and_a_second_run_is_refused(app):
    job = jobs.start(None, PERIOD, "ru", types=["summary_vedomost"])
    running_elsewhere(job)
    client = signed_in(app, "or.inspector", lang="ru")

    html = page(client, "/registrar/archive")
    row = html[html.index(f'id="job-{job.id}"'):]
    assert 'data-live="true"' in row and f"/registrar/archive/jobs/{job.id}/cancel" in row
    # Nothing done yet: a moving bar (no value), not one stuck at 0.
    assert re.search(r"<progress max=\"\d+\"\s+aria-label", row)
    progress = client.get("/registrar/archive/progress").get_json()["jobs"]
    assert progress[0]["job"] == job.id and progress[0]["live"] and progress[0]["status_label"] == "выполняется"

    # Resume while it runs elsewhere: refused, with the reason.
    r = post(client, f"/registrar/archive/jobs/{job.id}/resume", {})
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert f"Задание №{job.id} уже выполняется (elsewhere:4242)" in " ".join(flashes(html))

    r = post(client, f"/registrar/archive/jobs/{job.id}/cancel", {"back": "job"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/registrar/archive/jobs/{job.id}")
    db.session.expire_all()
    assert db.session.get(BatchJob, job.id).status == CANCELLING
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert f"Задание №{job.id} остановится после документов, которые уже выпускаются" in " ".join(flashes(html))
    assert "останавливается…" in html
    # Planned items are reserved in the register (numbers taken), but nothing is issued yet.
    assert db.session.scalar(db.select(db.func.count(IssuedDocument.id)).where(IssuedDocument.state == "valid")) == 0


@pytest.mark.rendering
def test_a_stopped_job_is_resumed_from_the_page_under_its_numbers(app):
    job = jobs.start(None, PERIOD, "ru", types=["summary_vedomost"])
    planned = {i.id: i.seq for i in items_of(job.id)}
    jobs.cancel(None, job.id)  # nobody runs it: cancelled at once
    client = signed_in(app, "or.inspector", lang="ru")
    html = page(client, f"/registrar/archive/jobs/{job.id}")
    assert "отменено" in html and "Запустить снова / продолжить" in html

    r = post(client, f"/registrar/archive/jobs/{job.id}/resume", {"back": "job"})
    assert r.headers["Location"].endswith(f"/registrar/archive/jobs/{job.id}")
    db.session.expire_all()
    job = db.session.get(BatchJob, job.id)
    assert job.status == DONE
    assert {i.id: i.seq for i in items_of(job.id)} == planned and all(i.status == ISSUED for i in items_of(job.id))


# --- who may -------------------------------------------------------------------------------------

def archive_routes(app):
    """Every archive route with each of its methods and a path for the job that exists."""
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(("/registrar/archive", "/api/v1/archive")):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, rule.rule.replace("<int:job_id>", "1")


def test_every_other_role_gets_403_on_every_archive_route(app):
    # One planned job (planning freezes a period's documents: seconds) tried by every other role.
    job = jobs.start(None, PERIOD, "ru", types=["summary_vedomost"])
    assert job.id == 1
    routes = list(archive_routes(app))
    assert len(routes) >= 14
    for login in ("t.anat2", "dean.gm", "head.anat", "it.admin"):
        client = signed_in(app, login, lang="ru")
        token = csrf(client.get("/").data)
        api = bearer(login)
        for method, path in routes:
            if path.startswith("/api/"):
                r = client.open(path, method=method, headers=api, json={"period": PERIOD, "lang": "ru", "files": []})
                assert r.status_code == 403, (login, method, path, r.status_code)
                # The words for the person, the action's code for the program reading the JSON.
                assert r.get_json()["message"] == "У вас нет прав на это действие"
                assert r.get_json()["action"] == "archive.manage"
            else:
                r = client.open(path, method=method, data={"csrf_token": token, "period": PERIOD, "lang": "ru",
                                                           "index": "02-07"})
                assert r.status_code == 403, (login, method, path, r.status_code)
                assert "У вас нет прав на это действие" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(BatchJob, 1).status == "planned" and len(nomenclature.files()) == 7
    assert db.session.scalar(db.select(db.func.count(BatchJob.id))) == 1


def test_strangers_are_sent_to_sign_in(app):
    client = app.test_client()
    assert client.get("/registrar/archive").status_code == 302
    assert client.get("/api/v1/archive/jobs").status_code == 401


# --- the nomenclature of files ----------------------------------------------------------------

NEW_FILE = {"index": "02-15", "title_kk": "Академиялық анықтамалар", "title_ru": "Академические справки",
            "retention_kk": "5 жыл", "retention_ru": "5 лет"}


@pytest.mark.parametrize("lang, message", [
    ("kk", "Бұл номенклатурада бұрыннан бар (02-07): бір индекс, бір құжат түрі — бір ғана іске"),
    ("ru", "Уже есть в номенклатуре (02-07): индекс и вид документа — только в одном деле")])
def test_the_nomenclature_form_refuses_a_duplicate_index_and_saves_nothing(app, lang, message):
    before = nomenclature.as_data()
    client = signed_in(app, "or.inspector", lang=lang)
    html = page(client, "/registrar/archive/nomenclature")
    assert 'id="f-02-07"' in html and 'value="vedomost:individual"' in html
    r = post(client, "/registrar/archive/nomenclature", {**NEW_FILE, "index": "02-07"},
             "/registrar/archive/nomenclature")
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    errors = re.search(r'<ul class="field-errors" id="err-index">(.*?)</ul>', html, re.S).group(1)
    assert message in errors
    assert 'value="Академиялық анықтамалар"' in html  # what was typed stays in the form
    assert nomenclature.as_data() == before


def test_the_nomenclature_form_adds_edits_and_deletes_a_file(app):
    client = signed_in(app, "or.head", lang="ru")
    form = "/registrar/archive/nomenclature"
    # A selector of a document kind another file takes: refused on the selectors, nothing saved.
    r = post(client, form, {**NEW_FILE, "selectors": ["vedomost:individual"]}, form)
    assert r.status_code == 422
    assert "Уже есть в номенклатуре (vedomost:individual → 02-08)" in r.get_data(as_text=True)
    # A malformed and an unknown selector in the free field: told inline.
    r = post(client, form, {**NEW_FILE, "other_selectors": "no_such_type"}, form)
    assert r.status_code == 422 and "Не найдено (вид документа): no_such_type" in r.get_data(as_text=True)
    r = post(client, form, {**NEW_FILE, "other_selectors": "Vedomost!"}, form)
    assert r.status_code == 422 and "«Vedomost!»: Неверный формат" in r.get_data(as_text=True)
    with pytest.raises(Exception):
        nomenclature.find("02-15")

    r = post(client, form, NEW_FILE, form)
    assert r.status_code == 302
    assert "Дело 02-15 сохранено." in " ".join(flashes(client.get(r.headers["Location"]).get_data(as_text=True)))
    assert nomenclature.find("02-15").title_ru == "Академические справки"

    # Edit: the vedomosts' file takes the individual ones too once 02-08 lets them go.
    html = page(client, form + "?edit=02-08")
    assert 'name="editing" value="02-08"' in html and 'value="vedomost:individual" checked' in html
    fields = ("index", "title_kk", "title_ru", "retention_kk", "retention_ru")
    file_08 = {k: getattr(nomenclature.find("02-08"), k) for k in fields}
    r = post(client, form, {"editing": "02-08", **file_08}, form)  # no box ticked
    assert r.status_code == 302 and nomenclature.find("02-08").selectors == []
    file_07 = {k: getattr(nomenclature.find("02-07"), k) for k in fields} | {"retention_kk": "10 жыл"}
    r = post(client, form, {"editing": "02-07", **file_07,
                            "selectors": ["vedomost:regular", "vedomost:integrated", "vedomost:individual"]}, form)
    assert r.status_code == 302
    assert nomenclature.find("02-07").selectors == ["vedomost:regular", "vedomost:integrated", "vedomost:individual"]
    assert nomenclature.find("02-07").retention_kk == "10 жыл"

    r = post(client, form + "/delete", {"index": "02-15"}, form)
    assert "Дело 02-15 удалено." in " ".join(flashes(client.get(r.headers["Location"]).get_data(as_text=True)))
    assert "02-15" not in {f.index for f in nomenclature.files()}


# --- the JSON API --------------------------------------------------------------------------------

@pytest.mark.rendering
def test_api_starts_a_job_reports_its_progress_and_serves_its_zip(app):
    api, registrar = app.test_client(), bearer("or.inspector")
    r = api.post("/api/v1/archive/jobs", headers=registrar,
                 json={"period": PERIOD, "types": ["summary_vedomost"], "lang": "kk"})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["status"] == DONE and body["issued"] == body["total"] > 0 and body["pending"] == 0
    assert body["params"] == {"period": PERIOD, "school": None, "types": ["summary_vedomost"], "lang": "kk",
                              "drafts": None}
    assert body["zip_url"] == f"/api/v1/archive/jobs/{body['job']}/zip" and len(body["zip_sha256"]) == 64

    again = api.post("/api/v1/archive/jobs", headers=registrar,
                     json={"period": PERIOD, "types": ["summary_vedomost"], "lang": "kk"})
    assert again.status_code == 200 and again.get_json()["job"] == body["job"]

    listed = api.get("/api/v1/archive/jobs", headers=registrar).get_json()
    assert [j["job"] for j in listed] == [body["job"]]
    one = api.get(f"/api/v1/archive/jobs/{body['job']}", headers=registrar).get_json()
    assert set(one["report"]) == {"not_printed", "open_journals", "failed"}
    assert len(one["report"]["open_journals"]) == one["open_journals"]
    r, content = download(api, body["zip_url"], headers=registrar)
    assert r.status_code == 200 and r.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert "manifest.json" in archive.namelist() and "02-10.pdf" in archive.namelist()
    r = api.post(f"/api/v1/archive/jobs/{body['job']}/cancel?lang=ru", headers=registrar)
    assert r.status_code == 422 and r.get_json()["code"] == "job_finished"


def test_api_cancels_a_running_job_and_refuses_bad_input(app):
    api, registrar = app.test_client(), bearer("or.head")
    job = jobs.start(None, PERIOD, "ru", types=["summary_vedomost"])
    running_elsewhere(job)
    r = api.post("/api/v1/archive/jobs?lang=ru", headers=registrar,
                 json={"period": PERIOD, "types": ["summary_vedomost"], "lang": "ru"})
    assert r.status_code == 409 and r.get_json()["code"] == "job_running"
    r = api.post(f"/api/v1/archive/jobs/{job.id}/cancel", headers=registrar)
    assert r.status_code == 200 and r.get_json()["status"] == CANCELLING
    r = api.post("/api/v1/archive/jobs?lang=kk", headers=registrar, json={"period": PERIOD, "lang": "de"})
    assert r.status_code == 422 and r.get_json()["field"] == "lang"
    r = api.post("/api/v1/archive/jobs?lang=ru", headers=registrar, json={"period": PERIOD, "types": "vedomost"})
    assert r.status_code == 422 and r.get_json()["field"] == "types"
    # The browser session writes only with the page's CSRF token.
    app.config["WTF_CSRF_ENABLED"] = True
    client = signed_in(app, "or.head")
    assert client.post(f"/api/v1/archive/jobs/{job.id}/cancel").status_code == 400


def test_api_replaces_the_nomenclature_and_refuses_a_bad_selector_per_field(app):
    api, registrar = app.test_client(), bearer("or.inspector")
    data = api.get("/api/v1/archive/nomenclature", headers=registrar).get_json()
    assert [f["index"] for f in data["files"]] == ["01-15", "01-17", "02-07", "02-08", "02-10", "02-12", "03-04"]

    bad = json.loads(json.dumps(data))
    bad["files"][2]["selectors"] = ["vedomost:Regular"]
    r = api.put("/api/v1/archive/nomenclature?lang=ru", headers=registrar, json=bad)
    assert r.status_code == 422
    assert r.get_json()["errors"] == {"files": {"2": {"selectors": {"0": ["Неверный формат"]}}}}
    r = api.put("/api/v1/archive/nomenclature?lang=kk", headers=registrar, json=bad)
    assert r.get_json()["errors"] == {"files": {"2": {"selectors": {"0": ["Пішімі жарамсыз"]}}}}
    bad["files"][2]["selectors"] = ["vedomosts:regular"]
    r = api.put("/api/v1/archive/nomenclature?lang=ru", headers=registrar, json=bad)
    assert r.status_code == 422
    assert r.get_json()["errors"] == {"files": {"2": {"selectors": [
        "Не найдено (вид документа): vedomosts:regular"]}}}
    assert nomenclature.as_data() == data  # nothing saved

    data["files"] = data["files"][:3]
    r = api.put("/api/v1/archive/nomenclature", headers=registrar, json=data)
    assert r.status_code == 200 and r.get_json() == data == nomenclature.as_data()


def test_drafts_of_the_period_are_rendered_from_the_page(app):
    client = signed_in(app, "or.inspector", lang="kk")
    job, _ = start_from_page(client, lang="ru", only="summary_vedomost", drafts="pdf")
    assert job.kind == "drafts" and job.status == DONE and job.params["drafts"] == "pdf"
    assert db.session.scalar(db.select(db.func.count(IssuedDocument.id))) == 0
    with client.get(f"/registrar/archive/jobs/{job.id}/zip") as r:
        content = r.data
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        drafts = [n for n in archive.namelist() if n.startswith("drafts/02-10/") and n.endswith(".pdf")]
    assert len(drafts) == len(job.items) > 5
    assert "Тек жобалар (нөмір берілмейді, тіркелмейді)" in page(client, "/registrar/archive")
