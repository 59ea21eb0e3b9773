"""Privilege through import (issue 11a): the registrar, who may not change roles or posts by
hand, moved a dean to another school by importing an organisation file — and the dean then read
that school's journals. An import now changes only what its user may change by hand
(``policy.may_change_accounts``): a registrar's or a methodist's import that would change a
user's roles, school or department, or a school's dean or a department's head, is refused whole
with a kk/ru message naming the record and the user; the IT department's import may."""
from __future__ import annotations

import copy
import io
import json

import pytest
from hostile_support import assert_refused, bearer, changed, fingerprint, upload, user
from web_client import csrf, flashes, signed_in

from docservice.dataset_xlsx import dataset_to_xlsx_bytes
from docservice.errors import DatasetError
from docservice.importer import import_dataset


def staff_index(data, login):
    return next(i for i, s in enumerate(data["staff"]) if s["login"] == login)


def dean_to_ph(data):
    data["staff"][staff_index(data, "dean.gm")]["school"] = "PH"


def teacher_to_chem(data):
    data["staff"][staff_index(data, "t.anat2")]["department"] = "CHEM"


def teacher_becomes_registrar(data):
    data["staff"][staff_index(data, "t.anat2")]["roles"] = ["teacher", "registrar_head"]


def head_of_anat_changes(data):
    data["departments"][0]["head"] = "t.anat2"


def dean_of_ph_changes(data):
    data["schools"][1]["dean"] = "dean.gm"


def teacher_leaves_department(data):
    data["staff"][staff_index(data, "t.anat1")]["department"] = None


CHANGES = {  # change: (the record's place in the JSON, the field, the user named)
    "dean_to_other_school": (dean_to_ph, "staff[0]", "school", "dean.gm"),
    "teacher_to_other_department": (teacher_to_chem, "staff[8]", "department", "t.anat2"),
    "teacher_out_of_department": (teacher_leaves_department, "staff[7]", "department", "t.anat1"),
    "roles": (teacher_becomes_registrar, "staff[8]", "roles", "t.anat2"),
    "head_of_department": (head_of_anat_changes, "departments[0]", "head", "head.anat"),
    "dean_of_school": (dean_of_ph_changes, "schools[1]", "dean", "dean.ph"),
}


@pytest.mark.parametrize("importer", ["or.inspector", "or.head", "methodist"])
@pytest.mark.parametrize("change", list(CHANGES))
def test_an_import_changes_no_account_its_user_could_not(app, sample, sample_data, change, importer):
    mutate, where, field, named = CHANGES[change]
    data = copy.deepcopy(sample_data)
    mutate(data)
    before = fingerprint()
    with pytest.raises(DatasetError) as info:
        import_dataset(user(importer), data)
    err = info.value
    assert (err.where, err.field) == (where, field)
    for lang in ("kk", "ru"):
        assert err.message(lang).startswith(f"{where} [{field}]: ") and named in err.message(lang)
    assert "ИТ-департамент" in err.message("ru") and "АТ департаменті" in err.message("kk")
    assert not changed(before, fingerprint())


@pytest.mark.parametrize("route", ["api_json", "api_xlsx", "import_page", "cli"])
def test_the_dean_stays_in_his_school_and_out_of_the_others_journals(app, sample, sample_data, tmp_path, route):
    """The issue's example, every way in: refused, and the dean still reads only his school."""
    data = copy.deepcopy(sample_data)
    dean_to_ph(data)
    headers, dean = bearer("or.inspector"), bearer("dean.gm")
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    client = signed_in(app, "or.inspector") if route == "import_page" else app.test_client()
    before = fingerprint(tmp_path / "uploads")
    if route == "api_json":
        r = client.post("/api/v1/import", headers=headers, data=json.dumps(data), content_type="application/json")
        said = assert_refused(r, statuses=(422,))
        assert said.startswith("staff[0] [school]: ") and "dean.gm" in said
    elif route == "api_xlsx":
        r = client.post("/api/v1/import?format=xlsx&lang=kk", headers=headers, data=dataset_to_xlsx_bytes(data),
                        content_type="application/octet-stream")
        said = assert_refused(r, "kk", statuses=(422,))
        assert said.startswith("staff, row 2 [school]: ") and "dean.gm" in said
    elif route == "import_page":
        token = csrf(client.get("/registrar/import").data)
        r = upload(client, "/registrar/import", {"csrf_token": token,
                                                 "file": (io.BytesIO(dataset_to_xlsx_bytes(data)), "org.xlsx")})
        assert r.status_code == 422
        assert any("staff, row 2" in line and "dean.gm" in line for line in flashes(r.get_data(as_text=True)))
    else:
        path = tmp_path / "org.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        out = app.test_cli_runner().invoke(args=["journal", "import", str(path), "--as", "or.inspector"])
        assert out.exit_code == 1 and "staff[0]" in out.output and "dean.gm" in out.output, out.output
    assert not changed(before, fingerprint(tmp_path / "uploads"))
    assert user("dean.gm").school.code == "GM"
    reader = app.test_client()
    assert reader.get("/api/v1/journals/J0011", headers=dean).status_code == 403  # the other school's
    assert reader.get("/api/v1/journals/J0001", headers=dean).status_code == 200  # his own


def test_the_it_department_may_and_a_new_colleague_may_be_added(app, sample, sample_data):
    data = copy.deepcopy(sample_data)
    data["staff"].append({"login": "t.anat9", "full_name": "Жаңа Оқытушы", "department": "ANAT", "roles": []})
    import_dataset(user("or.inspector"), data)  # a new person, no roles: the registrar may add
    assert user("t.anat9").department.code == "ANAT"
    import_dataset(user("or.inspector"), copy.deepcopy(data))  # the same file again changes nothing
    dean_to_ph(data)
    import_dataset(user("it.admin"), data)  # the IT department may move people
    assert user("dean.gm").school.code == "PH"
