"""The documents API as an integrator uses it: types, preview, issue, fetch, verify."""
import pytest
from docs_reading import pdf_text
from store import user

from docservice.users import issue_token

INPUT = {"full_name": "Әбілқасымова Сәуле Нұрланқызы", "position": "ассистент", "department": "ANAT",
         "email": "s.abilkasymova@kaznmu.example"}


@pytest.fixture
def head(sample):
    return {"Authorization": "Bearer " + issue_token(None, user("head.anat"))}


def test_document_types_with_json_schema_and_examples(client, app):
    types = {t["id"]: t for t in client.get("/api/v1/document-types").get_json()}
    lr = types["login_request"]
    assert lr["languages"] == ["kk", "ru"] and lr["formats"] == ["docx", "pdf"]
    schema = lr["input_schema"]
    assert schema["type"] == "object" and set(schema["required"]) == {"full_name", "position", "department", "email"}
    assert schema["properties"]["email"]["format"] == "email"
    assert schema["examples"][0]["department"] == "ANAT"


def test_openapi_describes_every_route(client, app):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/documents/login_request/preview" in spec["paths"]
    issue = spec["paths"]["/api/v1/documents/login_request/issue"]["post"]
    assert issue["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("login_request_input")
    preview = spec["paths"]["/api/v1/documents/login_request/preview"]["post"]
    assert preview["responses"]["200"]["content"]["application/pdf"]["schema"]["format"] == "binary"
    assert "login_request_input" in spec["components"]["schemas"]


def test_preview_issue_fetch_verify(client, head):
    r = client.post("/api/v1/documents/login_request/preview?lang=kk&format=pdf", json=INPUT, headers=head)
    assert r.status_code == 200 and r.mimetype == "application/pdf" and "ЖОБА" in pdf_text(r.data)
    r = client.post("/api/v1/documents/login_request/issue?lang=ru&format=pdf", json=INPUT, headers=head)
    assert r.status_code == 201
    entry = r.get_json()
    assert entry["number"] == "01-15/2026/0001" and entry["issued_by"] == "head.anat"
    original = client.get(entry["file_url"], headers=head)
    assert original.status_code == 200 and entry["number"] in pdf_text(original.data)
    assert client.get(entry["file_url"], headers=head).data == original.data  # byte-identical
    verdict = client.post("/api/v1/verify", data=original.data).get_json()
    assert verdict["original"] and verdict["document"]["number"] == entry["number"]
    assert client.post("/api/v1/verify", data=original.data + b" ").get_json() == {"original": False, "signatures": []}
    assert client.get(entry["verify_url"]).get_json()["sha256"] == entry["sha256"]


def test_422_with_per_field_messages_in_the_requested_language(client, head):
    bad = dict(INPUT, email="nope")
    r = client.post("/api/v1/documents/login_request/issue?lang=kk&format=pdf", json=bad, headers=head)
    assert r.status_code == 422
    body = r.get_json()
    assert body["message"] == "Деректер қате" and "пошта" in body["errors"]["email"][0]
    r = client.post("/api/v1/documents/login_request/issue?lang=ru&format=pdf", json={}, headers=head)
    assert r.get_json()["errors"]["full_name"] == ["Обязательное поле"]
    r = client.post("/api/v1/documents/login_request/issue?lang=xx&format=pdf", json=INPUT, headers=head)
    assert r.status_code == 422 and r.get_json()["field"] == "lang"
    # [] or null is no input with every field left out: refused as such, not as missing fields.
    for body, found in ((b"[]", "[…]"), (b"null", "null"), (b"[1, 2]", "[…]")):
        r = client.post("/api/v1/documents/login_request/issue?lang=kk&format=pdf", data=body,
                        content_type="application/json", headers=head)
        assert r.status_code == 422
        assert r.get_json()["errors"]["_schema"] == [f"Деректер JSON объектісі болуы керек ({{…}}), ал келгені: {found}"]
    assert client.get("/api/v1/documents/01-15/2026/0001", headers=head).status_code == 404  # nothing stored


def test_signed_in_users_only_and_the_policy_decides(client, sample):
    r = client.post("/api/v1/documents/login_request/issue?lang=ru&format=pdf", json=INPUT)
    assert r.status_code == 401 and "вход" in r.get_json()["message"]
    teacher = {"Authorization": "Bearer " + issue_token(None, user("t.anat2")), "Accept-Language": "kk"}
    r = client.post("/api/v1/documents/login_request/issue?format=pdf", json=INPUT, headers=teacher)
    assert r.status_code == 403 and "рұқсат" in r.get_json()["message"].lower()
    bad_token = {"Authorization": "Bearer ds_nonsense"}
    assert client.post("/api/v1/documents/login_request/preview?lang=ru&format=pdf", json=INPUT,
                       headers=bad_token).status_code == 401


def test_a_document_is_read_by_its_issuer_its_addressees_and_the_registrar_only(client, head):
    from docservice.documents import issuing

    r = client.post("/api/v1/documents/login_request/issue?lang=ru&format=pdf", json=INPUT, headers=head)
    url = r.get_json()["file_url"]
    for login, status in (("t.anat2", 403), ("it.admin", 200), ("or.inspector", 200), ("head.anat", 200)):
        headers = {"Authorization": "Bearer " + issue_token(None, user(login))}
        assert client.get(url, headers=headers).status_code == status, login
    # A draft shows the same data: previewing needs the same right as issuing.
    teacher = {"Authorization": "Bearer " + issue_token(None, user("t.anat2"))}
    assert client.post("/api/v1/documents/login_request/preview?lang=ru&format=pdf", json=INPUT,
                       headers=teacher).status_code == 403
    assert issuing.registry().get("login_request").may_see(user("it.admin"), INPUT)
