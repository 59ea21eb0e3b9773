"""The browsable API page: Swagger UI at /api/v1/docs, served whole by the app (no CDN), under
the app's Content-Security-Policy, reading /api/v1/openapi.json."""
from html.parser import HTMLParser

import pytest
from web_client import signed_in

pytestmark = pytest.mark.rendering  # a page and static files: the database does not matter

PAGE = "/api/v1/docs"
SPEC = "/api/v1/openapi.json"
JS_TYPES = ("text/javascript", "application/javascript")


class Refs(HTMLParser):
    """The page's scripts (src, or None for an inline one), stylesheets and the UI's container."""

    def __init__(self):
        super().__init__()
        self.scripts, self.styles, self.links, self.container = [], [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs.get("src"))
        elif tag == "link":
            self.links.append(attrs.get("href"))
            if attrs.get("rel") == "stylesheet":
                self.styles.append(attrs.get("href"))
        elif tag == "style":
            self.styles.append(None)
        elif attrs.get("id") == "swagger-ui":
            self.container = attrs


def read(client):
    r = client.get(PAGE)
    assert r.status_code == 200 and r.mimetype == "text/html"
    refs = Refs()
    refs.feed(r.get_data(as_text=True))
    return r, refs


@pytest.fixture
def client(app, sample):
    return signed_in(app, "t.anat2")


def test_strangers_are_sent_to_sign_in(app):
    r = app.test_client().get(PAGE)
    assert r.status_code == 302 and r.headers["Location"].startswith("/login?next=")
    assert app.test_client().get(PAGE + "/files/swagger-ui-bundle.js").status_code == 302


def test_the_page_loads_only_files_of_the_app(client):
    r, refs = read(client)
    html = r.get_data(as_text=True)
    assert "://" not in html and "//" not in html
    assert refs.scripts and refs.styles
    for url in refs.scripts + refs.styles + refs.links:
        assert url is not None, "no inline script or style: the CSP allows neither"
        assert url.startswith("/") and not url.startswith("//"), url


def test_the_csp_stays_strict_on_the_page(client):
    r, _ = read(client)
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "http" not in csp


def test_the_scripts_and_styles_are_served_with_their_types(client):
    _, refs = read(client)
    bodies = {}
    for url in refs.scripts:
        r = client.get(url)
        assert r.status_code == 200 and r.mimetype in JS_TYPES, (url, r.status_code, r.mimetype)
        bodies[url.rsplit("/", 1)[-1]] = r.get_data(as_text=True)
        r.close()
    for url in refs.styles:
        r = client.get(url)
        assert r.status_code == 200 and r.mimetype == "text/css", (url, r.status_code, r.mimetype)
        r.close()
    assert "SwaggerUIBundle" in bodies["swagger-ui-bundle.js"]
    assert "SwaggerUIBundle(" in bodies["swagger-init.js"]
    assert "://" not in bodies["swagger-init.js"]


def test_the_page_reads_the_openapi_description(client):
    _, refs = read(client)
    assert refs.container is not None and refs.container["data-spec-url"] == SPEC
    r = client.get(refs.scripts[-1])
    init = r.get_data(as_text=True)
    r.close()  # static files are streamed: let go of the file
    assert 'url: root.getAttribute("data-spec-url")' in init
    assert "validatorUrl: null" in init  # the default validator badge is an image from another host
    spec = client.get(SPEC).get_json()
    assert "/api/v1/journals/{code}/cells" in spec["paths"]
    assert "/api/v1/docs" in spec["info"]["description"] and "flask users token" in spec["info"]["description"]
    # Authorize's bearer token goes to every operation; without one the session is used.
    assert spec["security"] == [{"bearer": []}, {}]
    assert spec["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}


def test_only_the_listed_files_are_served(client):
    for name in ("index.html", "index.j2", "swagger-ui.js.map", "__init__.py", "docs.py", "..%2F__init__.py"):
        r = client.get(f"{PAGE}/files/{name}")
        r.close()
        assert r.status_code == 404, name


def test_try_it_out_writes_with_the_pages_csrf_token(client):
    """What the page's request interceptor sends: X-CSRFToken from the page, the session cookie."""
    _, refs = read(client)
    token = refs.container["data-csrf-token"]
    body = {"student": "24010001", "column": "2026-09-02", "value": "90", "version": 1}
    r = client.put("/api/v1/journals/J0001/cells?lang=en", json=body)
    assert r.status_code == 400 and r.get_json()["code"] == "csrf"
    r = client.put("/api/v1/journals/J0001/cells?lang=en", json=body, headers={"X-CSRFToken": token})
    assert r.status_code == 200, r.get_json()
