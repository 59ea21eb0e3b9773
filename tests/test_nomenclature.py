"""The nomenclature of files as data: loaded, edited by the registrar's office only, and
deciding where each document is filed and under which index it is numbered."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from docservice import nomenclature
from docservice.documents import issuing
from docservice.documents.validation import InputInvalid
from docservice.errors import Forbidden, Invalid
from docservice.journals import find_user
from docservice.models import NomenclatureFile, db

FILE = {"index": "77-01", "title_kk": "Жиынтық ведомостер", "title_ru": "Сводные ведомости",
        "retention_kk": "75 жыл", "retention_ru": "75 лет", "selectors": ["summary_vedomost"]}


def test_the_sample_loads_and_reads_back(app):
    assert nomenclature.load_sample() == 7
    data = nomenclature.as_data()
    assert [f["index"] for f in data["files"]] == ["01-15", "01-17", "02-07", "02-08", "02-10", "02-12", "03-04"]
    assert nomenclature.replace_all(None, data) == 7


def test_a_kind_goes_to_its_own_file_and_the_rest_to_the_types_file(app):
    nomenclature.load_sample()
    filing = nomenclature.Filing(issuing.registry())
    assert filing.file_for("vedomost", "individual")[0] == "02-08"
    assert filing.file_for("vedomost", "regular")[0] == "02-07"
    index, titles = filing.file_for("summary_vedomost", None)
    assert index == "02-10" and titles["kk"] == {"title": "Топтардың жиынтық ведомостері", "retention": "75 жыл"}
    nomenclature.delete_file(None, "02-10")
    index, titles = nomenclature.Filing(issuing.registry()).file_for("summary_vedomost", None)
    assert index == "02-10" and titles["ru"]["title"] == "Сводная ведомость"  # the type's own index and title


@pytest.mark.demo
def test_an_issued_document_is_numbered_in_its_nomenclature_file(app):
    nomenclature.replace_all(None, {"files": [FILE]})
    document = issuing.issue(None, "summary_vedomost", {"group": "ОМ-24-01к", "period": "2026-2027/1"}, "ru", "pdf").document
    assert document.number.startswith("77-01/") and document.nomenclature == "77-01"


def test_bad_nomenclature_is_refused_whole_in_the_users_language(app):
    nomenclature.load_sample()
    twice = {"files": [FILE, {**FILE, "index": "77-02"}]}
    with pytest.raises(InputInvalid) as refused:
        nomenclature.replace_all(None, twice, "ru")
    assert "summary_vedomost: 77-01, 77-02" in str(refused.value.errors)
    with pytest.raises(InputInvalid) as refused:
        nomenclature.replace_all(None, {"files": [{**FILE, "selectors": ["Vedomost!"]}]}, "kk")
    assert refused.value.errors == {"files": {0: {"selectors": {0: ["Пішімі жарамсыз"]}}}}
    assert len(nomenclature.files()) == 7  # nothing replaced


def test_a_file_edit_that_clashes_is_refused_with_the_reason(app):
    nomenclature.load_sample()
    with pytest.raises(Invalid) as refused:
        nomenclature.save_file(None, {**FILE, "index": "02-07", "selectors": []})
    assert refused.value.field == "index"
    assert refused.value.message("kk").startswith("Бұл номенклатурада бұрыннан бар (02-07)")
    with pytest.raises(Invalid) as refused:
        nomenclature.save_file(None, FILE)
    assert refused.value.message("ru") == ("Уже есть в номенклатуре (summary_vedomost → 02-10): индекс и вид "
                                           "документа — только в одном деле")
    changed = nomenclature.save_file(None, {**FILE, "index": "02-10", "retention_ru": "Постоянно"}, index="02-10")
    assert changed.retention_ru == "Постоянно"
    assert db.session.scalar(select(NomenclatureFile).where(NomenclatureFile.index == "02-10")).title_ru == \
        "Сводные ведомости"


@pytest.mark.demo
def test_only_the_registrars_office_edits_the_nomenclature(app):
    for login in ("t.anat2", "dean.gm"):
        with pytest.raises(Forbidden):
            nomenclature.save_file(find_user(login), FILE)
    assert nomenclature.save_file(find_user("or.head"), {**FILE, "index": "77-09", "selectors": []}).index == "77-09"


def test_a_selector_must_name_a_registered_type_and_kind(app):
    with pytest.raises(InputInvalid) as refused:
        nomenclature.replace_all(None, {"files": [{**FILE, "selectors": ["vedomost:weekly", "no_such_type"]}]}, "ru")
    assert refused.value.errors == {"files": {0: {"selectors": ["Не найдено (вид документа): vedomost:weekly",
                                                                "Не найдено (вид документа): no_such_type"]}}}
    with pytest.raises(InputInvalid) as refused:
        nomenclature.save_file(None, {**FILE, "selectors": ["summary_vedomost:x"]}, "kk")
    assert refused.value.errors == {"selectors": ["Табылмады (құжат түрі): summary_vedomost:x"]}
    assert nomenclature.files() == []
