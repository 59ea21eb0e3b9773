"""The core's rendering: DOCX with docxtpl, PDF with WeasyPrint, from one context.

Both formats get user text as data only: the Jinja environments are sandboxed and
autoescape (XML for DOCX, HTML for PDF), and nothing a user typed is ever compiled as a
template. WeasyPrint fetches only the application's own static files and data: URIs.
"""
from __future__ import annotations

import atexit
import io
from functools import lru_cache
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

from .. import hookimpl

PROJECT = Path(__file__).resolve().parents[2]
STATIC = Path(__file__).resolve().parents[1] / "static"
SHARED_HTML = Path(__file__).resolve().parent / "html"
# The base address of the application's own files inside a PDF render. Nothing is ever
# fetched from it over a network: ``fetch_own_files`` maps it onto ``STATIC``.
STATIC_URL = "https://docservice.invalid/static/"


class FetchRefused(ValueError):
    pass


def template_dirs(doc_type, lang: str) -> list[Path]:
    own = [Path(d) / f"templates_{lang}" for d in doc_type.template_dirs]
    return own + [PROJECT / f"templates_{lang}"]


def find_template(doc_type, lang: str, ext: str) -> Path:
    name = f"{doc_type.template_name()}.{ext}"
    for folder in template_dirs(doc_type, lang):
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(f"no template {name} for {doc_type.id} ({lang})")


@hookimpl(trylast=True)
def docservice_render_document(doc_type, context, lang, fmt):
    if fmt == "docx":
        return render_docx(doc_type, context, lang)
    if fmt == "pdf":
        return render_pdf(doc_type, context, lang)
    return None


# --- DOCX ----------------------------------------------------------------------------

def _docx_env() -> SandboxedEnvironment:
    # docxtpl feeds us the document's XML; autoescape makes every value XML text.
    env = SandboxedEnvironment(autoescape=True)
    env.filters.update(FILTERS)
    return env


def render_docx(doc_type, context: dict, lang: str) -> bytes:
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    tpl = DocxTemplate(str(find_template(doc_type, lang, "docx")))
    ctx = dict(context)
    qr = (ctx.get("doc") or {}).get("qr_png")
    ctx["doc"] = {**ctx.get("doc", {}), "qr": InlineImage(tpl, io.BytesIO(qr), width=Mm(22)) if qr else ""}
    tpl.render(ctx, jinja_env=_docx_env(), autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


# --- PDF -----------------------------------------------------------------------------

@lru_cache(maxsize=32)
def _html_env(dirs: tuple[str, ...]) -> SandboxedEnvironment:
    env = SandboxedEnvironment(loader=FileSystemLoader([*dirs, str(SHARED_HTML)]),
                               autoescape=select_autoescape(default=True), undefined=StrictUndefined,
                               trim_blocks=True, lstrip_blocks=True)
    env.filters.update(FILTERS)
    return env


def render_html(doc_type, context: dict, lang: str) -> str:
    env = _html_env(tuple(str(d) for d in template_dirs(doc_type, lang)))
    return env.get_template(f"{doc_type.template_name()}.html").render(**context, static=STATIC_URL)


def own_files_fetcher():
    """WeasyPrint's URL fetcher: data: URIs and the application's static files, nothing else
    (no file://, no network, no attachments)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class OwnFilesFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith(STATIC_URL):
                path = (STATIC / url[len(STATIC_URL):].split("?")[0]).resolve()
                if path.is_file() and STATIC.resolve() in path.parents:
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": _mime(path)})
            raise FetchRefused(f"refused to fetch {url[:80]!r}: only the application's own files")

    return OwnFilesFetcher(allowed_protocols=("data", "https"), allow_redirects=False)


def _mime(path: Path) -> str:
    return {".css": "text/css", ".ttf": "font/ttf", ".png": "image/png", ".svg": "image/svg+xml"}.get(
        path.suffix, "application/octet-stream")


@lru_cache(maxsize=1)
def _fonts():
    """One font configuration and the shared stylesheet per process (parsing them is costly)."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts, fetcher = FontConfiguration(), own_files_fetcher()
    css = CSS(url=STATIC_URL + "documents.css", url_fetcher=fetcher, font_config=fonts)
    # Let go of them before the interpreter tears down the C libraries they hold.
    atexit.register(_fonts.cache_clear)
    return fonts, css, fetcher


def render_pdf(doc_type, context: dict, lang: str, **options) -> bytes:
    from weasyprint import HTML

    fonts, css, fetcher = _fonts()
    html = HTML(string=render_html(doc_type, context, lang), base_url=STATIC_URL, url_fetcher=fetcher)
    return html.write_pdf(stylesheets=[css], font_config=fonts, **options)


# --- filters shared by both formats ---------------------------------------------------

def _num(value, digits: int = 2) -> str:
    """Numbers as a Kazakh/Russian document writes them: decimal comma, no trailing zeros."""
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
        return text.replace(".", ",")
    return str(value)


FILTERS = {"num": _num}
