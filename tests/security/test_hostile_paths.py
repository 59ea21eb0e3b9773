"""Escape from folders (issue 11a): nomenclature indexes that are paths (``../../x/trav``,
``/abs``, ``a/b``, ``..``), storage keys and ZIP entries that lead out, and hostile archive
parameters — through the nomenclature API, its page and the command line, the archive API and
page. Each is refused with a kk/ru message naming the value; nothing is stored or written."""
from __future__ import annotations

import json

import pytest
from hostile_support import (  # noqa: F401
    assert_refused,
    bearer,
    changed,
    fingerprint,
    folders_of,
    store,
)
from web_client import csrf, flashes, signed_in

from docservice import nomenclature
from docservice.backup.archive import _manifest_problem
from docservice.documents.storage import LocalStorage
from docservice.errors import Invalid
from docservice.safe_paths import check_index, inside, zip_entry

BAD_INDEXES = ["../../../../../x/trav", "..", "../x", "a/../b", "/etc/x", "02-07/..", "02/07", "a\\b", ".", "02-07.",
               "-02", "02 07", "02-07\n", "C:x", "02..07", "%2e%2e", "x" * 33, ""]
FILE = {"title_kk": "Іс", "title_ru": "Дело", "retention_kk": "5 жыл", "retention_ru": "5 лет",
        "selectors": ["summary_vedomost"]}


@pytest.mark.parametrize("index", BAD_INDEXES, ids=[repr(i)[:24] for i in BAD_INDEXES])
def test_the_nomenclature_api_refuses_an_index_that_is_a_path(store, index):
    headers = bearer("or.head")
    before = fingerprint(*folders_of(store))
    r = store.test_client().put("/api/v1/archive/nomenclature?lang=kk", headers=headers,
                                json={"files": [{"index": index, **FILE}]})
    said = assert_refused(r, "kk", statuses=(422,))
    errors = r.get_json()["errors"]["files"]["0"]["index"]
    assert errors and ("индексі жарамсыз" in errors[0] or "Міндетті" in errors[0]), said
    assert not changed(before, fingerprint(*folders_of(store)))


@pytest.mark.parametrize("index", ["../../../../../x/trav", "/abs", "a/b", "..\\..\\x"])
def test_the_nomenclature_page_refuses_it(store, index):
    client = signed_in(store, "or.head")
    before = fingerprint(*folders_of(store))
    form_page = client.get("/registrar/archive/nomenclature").data
    r = client.post("/registrar/archive/nomenclature", data={"csrf_token": csrf(form_page), "index": index,
                                                            **{k: v for k, v in FILE.items() if k != "selectors"},
                                                            "selectors": "summary_vedomost"})
    assert r.status_code == 422
    assert "Недопустимый индекс" in r.get_data(as_text=True)
    assert not changed(before, fingerprint(*folders_of(store)))


@pytest.mark.parametrize("index", ["../../../../../x/trav", "02-07/../../y"])
def test_the_command_line_refuses_it(store, tmp_path, index):
    path = tmp_path / "nomenclature.json"
    path.write_text(json.dumps({"files": [{"index": index, **FILE}]}), encoding="utf-8")
    before = fingerprint(*folders_of(store))
    out = store.test_cli_runner().invoke(args=["archive", "nomenclature", "load", str(path)])
    assert out.exit_code == 1 and "Недопустимый индекс" in out.output and "Traceback" not in out.output
    assert not changed(before, fingerprint(*folders_of(store)))


def test_the_sample_nomenclature_still_loads(store):
    """Real indexes pass: 01-15 … 03-04 (and Cyrillic ones)."""
    for index in [f["index"] for f in json.loads(nomenclature.SAMPLE.read_text(encoding="utf-8"))["files"]] + \
            ["02-07.1", "ОР-01", "Қ-12"]:
        assert check_index(index) == index


# Archive parameters: what the archive API and page take.
JOB_BODIES = {
    "period_path": ({"period": "../../../etc", "lang": "ru"}, 404),
    "period_not_text": ({"period": ["2026-2027/1"], "lang": "ru"}, 422),
    "school_path": ({"period": "2026-2027/1", "lang": "ru", "school": "../x"}, 404),
    "types_path": ({"period": "2026-2027/1", "lang": "ru", "types": ["../../x"]}, 404),
    "types_not_list": ({"period": "2026-2027/1", "lang": "ru", "types": "vedomost"}, 422),
    "lang_path": ({"period": "2026-2027/1", "lang": "../kk"}, 422),
    "drafts_format": ({"period": "2026-2027/1", "lang": "ru", "drafts": "../exe"}, 422),
    "drafts_list": ({"period": "2026-2027/1", "lang": "ru", "drafts": ["pdf"]}, 422),
    "period_huge": ({"period": "2026-2027/1" * 5000, "lang": "ru"}, 404),
}


@pytest.mark.parametrize("case", list(JOB_BODIES))
def test_hostile_archive_parameters_are_refused(store, case):
    body, status = JOB_BODIES[case]
    headers = bearer("or.head")
    before = fingerprint(*folders_of(store))
    r = store.test_client().post("/api/v1/archive/jobs", headers=headers, json=body)
    assert_refused(r, statuses=(status,))
    assert not changed(before, fingerprint(*folders_of(store)))


@pytest.mark.parametrize("field, value", [("period", "../../x"), ("school", "../x"), ("types", "../../x"),
                                          ("lang", "../kk"), ("drafts", "../exe")])
def test_the_archive_page_refuses_them_too(store, field, value):
    client = signed_in(store, "or.head")
    before = fingerprint(*folders_of(store))
    form_page = client.get("/registrar/archive").data
    form = {"csrf_token": csrf(form_page), "period": "2026-2027/1", "lang": "ru", field: value}
    r = client.post("/registrar/archive/jobs", data=form)
    assert r.status_code == 302
    assert flashes(client.get(r.headers["Location"]).get_data(as_text=True))
    assert not changed(before, fingerprint(*folders_of(store)))


# --- storage keys, folders, ZIP entries, backups: the one rule (no store needed) --------------

BAD_KEYS = ["../x.pdf", "2026/../../x.pdf", "/etc/passwd", "a//b.pdf", "./a.pdf", "a/./b.pdf", "a\\..\\b.pdf",
            "a\x00b.pdf", "2026/02-07/ 0001.pdf", "", "a/b/", "C:/x.pdf"]


@pytest.mark.parametrize("key", BAD_KEYS, ids=[repr(k)[:24] for k in BAD_KEYS])
def test_a_storage_key_that_leads_out_is_refused(tmp_path, key):
    store_dir = tmp_path / "store" / "documents"
    with pytest.raises(Invalid) as info:
        LocalStorage(store_dir).put(key, b"%PDF-")
    assert info.value.code == "storage_key_invalid" and "хранилища" in info.value.message("ru")
    with pytest.raises(Invalid):
        LocalStorage(store_dir).get(key)
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_a_symbolic_link_out_of_the_store_is_refused(tmp_path):
    root = tmp_path / "documents"
    root.mkdir()
    (root / "2026").symlink_to(tmp_path)  # a link planted in the store
    with pytest.raises(Invalid):
        LocalStorage(root).put("2026/x.pdf", b"%PDF-")
    assert not (tmp_path / "x.pdf").exists()
    LocalStorage(root).put("2027/02-07/0001-vedomost-kk.pdf", b"%PDF-")  # a plain key is kept
    assert (root / "2027" / "02-07" / "0001-vedomost-kk.pdf").read_bytes() == b"%PDF-"


@pytest.mark.parametrize("relative", ["../x.pdf", "drafts/../../x.pdf", "/x.pdf", "drafts/../../../etc/cron.d/x"])
def test_a_job_folder_keeps_its_files(tmp_path, relative):
    folder = tmp_path / "jobs" / "00001-2026-2027-1"
    with pytest.raises(Invalid) as info:
        inside(folder, relative)
    assert "папки задания" in info.value.message("ru")
    assert zip_entry(folder, folder / "drafts" / "02-10" / "0001-summary_vedomost.pdf") == \
        "drafts/02-10/0001-summary_vedomost.pdf"
    with pytest.raises(ValueError):
        zip_entry(folder, tmp_path / "x.pdf")  # not in the folder at all


@pytest.mark.parametrize("key", ["../../evil.pdf", "/etc/cron.d/evil", "2026/../../evil"])
def test_a_backup_whose_keys_lead_out_is_refused_before_restoring(key):
    manifest = {"format": "docservice-backup/1", "backend": "sqlite", "created_at": "2027-01-01T00:00:00",
                "counts": {}, "database": "database/docservice.db",
                "parts": {"database/docservice.db": {"sha256": "0" * 64, "size": 1},
                          "files/1": {"sha256": "0" * 64, "size": 1, "key": key}}}
    from docservice.backup.archive import FORMAT

    manifest["format"] = FORMAT
    problem = _manifest_problem(manifest)
    assert problem and "outside the store" in problem
    manifest["parts"]["files/1"]["key"] = "2026/02-07/0001-vedomost-kk.pdf"
    assert _manifest_problem(manifest) is None
