"""The core's rendering: DOCX with docxtpl, PDF with WeasyPrint, from one context.

Both formats get user text as data only: the Jinja environments are sandboxed and
autoescape (XML for DOCX, HTML for PDF), and nothing a user typed is ever compiled as a
template. WeasyPrint fetches only the application's own static files and data: URIs.
"""
from __future__ import annotations

import atexit
import copy
import gc
import io
import re
import struct
import threading
import time
import zipfile
import zlib
from contextlib import contextmanager
from functools import cached_property, lru_cache
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

from .. import hookimpl
from ..numbers import fixed
from .context import qr_png, qr_svg_uri

STATIC = Path(__file__).resolve().parents[1] / "static"
FONTS = STATIC / "fonts"  # the documents' fonts (every Kazakh letter), for any engine
SHARED_HTML = Path(__file__).resolve().parent / "html"
# The base address of the application's own files inside a PDF render. Nothing is ever
# fetched from it over a network: ``fetch_own_files`` maps it onto ``STATIC``.
STATIC_URL = "https://docservice.invalid/static/"


class FetchRefused(ValueError):
    """A PDF render asked for something outside the application's own files."""


def template_dirs(doc_type, lang: str) -> list[Path]:
    return [Path(d) / f"templates_{lang}" for d in doc_type.template_dirs]


def find_template(doc_type, lang: str, ext: str) -> Path:
    name = f"{doc_type.template_name()}.{ext}"
    for folder in template_dirs(doc_type, lang):
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(f"no template {name} for {doc_type.id} ({lang})")


def words(doc_type, lang: str) -> dict:
    """A type's words in one language: ``templates_<lang>/<template>.toml`` (empty when the type
    keeps its words in its templates). One layout per type reads them, whatever the engine."""
    for folder in template_dirs(doc_type, lang):
        path = folder / f"{doc_type.template_name()}.toml"
        if path.exists():
            stat = path.stat()
            return _words_file(str(path), stat.st_mtime_ns, stat.st_size)
    return {}


@lru_cache(maxsize=64)
def _words_file(path: str, mtime_ns: int, size: int) -> dict:
    import tomllib

    with open(path, "rb") as source:
        return tomllib.load(source)


@hookimpl(trylast=True)
def docservice_render_document(doc_type, context, lang, fmt):
    if fmt == "docx":
        return render_docx(doc_type, context, lang)
    if fmt == "pdf":
        return render_pdf(doc_type, context, lang)
    return None


# --- DOCX ----------------------------------------------------------------------------
#
# docxtpl, used as it is meant to be, loads the Word file, preprocesses its XML with
# regular expressions, compiles it as a Jinja template, renders, re-parses and saves the
# whole package: ≈ 50–100 ms for a 30-row sheet, most of it the same work every time. A
# template is therefore *prepared* once per process (and again when the file changes:
# the registrar edits them in Word): docxtpl's own preprocessing of every templated part,
# compiled; every other part kept as python-docx writes it, already compressed. A render
# then runs the compiled templates, applies docxtpl's own post-processing to the result
# (``resolve_listing``, ``fix_tables``, ``fix_docpr_ids``) and writes the zip. The parts
# are byte for byte those of the docxtpl render (tests/test_docx_fast_path.py). What the
# fast path does not know (footnotes, templated document properties, a second picture, a
# picture in a header or footer) takes the plain docxtpl path.

@lru_cache(maxsize=1)
def _docx_env() -> SandboxedEnvironment:
    # docxtpl feeds us the document's XML; autoescape makes every value XML text.
    env = SandboxedEnvironment(autoescape=True)
    env.filters.update(FILTERS)
    return env


def render_docx(doc_type, context: dict, lang: str) -> bytes:
    path = find_template(doc_type, lang, "docx")
    stat = path.stat()
    prepared = _prepared_docx(str(path), stat.st_mtime_ns, stat.st_size)
    if prepared is not None:
        try:
            return prepared.render(context)
        except _NotPrepared:
            pass  # something the prepared path does not handle: docxtpl renders it below
    return render_docx_docxtpl(path, context)


def render_docx_docxtpl(path: Path, context: dict) -> bytes:
    """The plain docxtpl render (the reference the prepared path must equal)."""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    tpl = DocxTemplate(str(path))
    ctx = dict(context)
    qr = qr_png((ctx.get("doc") or {}).get("verify_url"))
    ctx["doc"] = {**ctx.get("doc", {}), "qr": InlineImage(tpl, io.BytesIO(qr), width=Mm(22)) if qr else ""}
    tpl.render(ctx, jinja_env=_docx_env(), autoescape=True)
    stamp_properties(tpl.docx.core_properties, context)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def stamp_properties(core, context: dict) -> None:
    """Word's document properties (File → Properties) of a rendered document: its title — the
    document's type and number, or the draft mark on a draft —, the university as its author,
    its date of issue (of preparing, a draft) as created and modified, its number as identifier,
    the draft mark as its status. A context without a document block (a third party's own
    template) keeps its template's."""
    doc = context.get("doc")
    if not doc:
        return
    number, mark = doc.get("number") or "", doc.get("draft_mark") or ""
    core.title = f"{doc.get('title', '')} № {number}" if number else f"{doc.get('title', '')} — {mark}"
    core.author = core.last_modified_by = (context.get("university") or {}).get("name", "")
    core.identifier, core.content_status = number, mark
    if doc.get("date"):
        from datetime import datetime, timezone

        core.created = core.modified = datetime.strptime(doc["date"], "%d.%m.%Y").replace(tzinfo=timezone.utc)


class _NotPrepared(Exception):
    """This template or this context needs the plain docxtpl path."""


@lru_cache(maxsize=64)
def _prepared_docx(path: str, mtime_ns: int, size: int):
    try:
        return _PreparedDocx(path)
    except _NotPrepared:
        return None


_JINJA_TAG = re.compile(r"\{[{%#]")
_LISTING_CHARS = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\t\a\n\f]")
# docxtpl renders these core properties as templates (DocxTemplate.render_properties).
_CORE_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


class _PreparedDocx:
    def __init__(self, path: str):
        from docx.opc.oxml import serialize_part_xml
        from docxtpl import DocxTemplate

        env = _docx_env()
        tpl = DocxTemplate(path)
        tpl.render_init()
        document = tpl.docx
        if any(part.content_type == _FOOTNOTES for part in document.part.package.parts):
            raise _NotPrepared("footnotes")
        core = document.core_properties
        for name in _CORE_PROPERTIES:  # as render_properties does; constant unless templated
            value = getattr(core, name)
            if _JINJA_TAG.search(value):
                raise _NotPrepared(f"templated core property {name}")
            setattr(core, name, env.from_string(value).render({}))
        core_part = document.part.package._core_properties_part
        self.core_member = core_part.partname.membername  # written per render: stamp_properties
        self.core = copy.deepcopy(core_part.element)
        self._tpl = tpl  # for its (stateless) patch_xml / resolve_listing / fix_tables
        self.body = self._compile(tpl.patch_xml(tpl.get_xml()))
        self.document_member = document.part.partname.membername
        root = copy.deepcopy(document.element)
        self.body_index = root.index(root.body)
        root[self.body_index] = root.makeelement(root.body.tag)  # the rendered body goes here
        self.shell = root
        self.stories = []  # headers and footers: (member, compiled template, encoding)
        for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
            for _, part in tpl.get_headers_footers(uri):
                xml = tpl.get_part_xml(part)
                self.stories.append((part.partname.membername, self._compile(tpl.patch_xml(xml)),
                                     tpl.get_headers_footers_encoding(xml)))
        dynamic = {self.document_member, self.core_member, *(member for member, _, _ in self.stories)}
        self._serialize = serialize_part_xml
        out = io.BytesIO()
        document.save(out)
        self.members = _zip_members(out.getvalue(), dynamic)
        self._path, self._dynamic = path, dynamic

    @cached_property
    def picture(self) -> _PictureSlot:
        return _PictureSlot(self._path, self._dynamic)

    def _compile(self, src_xml: str):
        # docxtpl.render_xml_part, the part before the render
        return _docx_env().from_string(re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml))

    def _finish(self, xml: str) -> str:
        # docxtpl.render_xml_part, the part after the render (its re.sub(r"\n<w:p([ >])") as
        # two plain replacements)
        xml = xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        # resolve_listing only rewrites a tab, \a, new line or form feed inside a <w:t>; it
        # leaves a text without any as it is (and is slow: three nested regex passes).
        if any(c in xml for c in "\t\a\n\f") and _LISTING_CHARS.search(xml):
            xml = self._tpl.resolve_listing(xml)
        return xml

    def _fix_tables(self, xml: str):
        """docxtpl's fix_tables: the same tree. Its per-cell Python walk (slow on long
        tables) only changes a table whose rows have more cells than its grid has columns,
        or fewer grid columns' worth of cells; that is found here in lxml's C loops, and
        only such a document is walked by docxtpl's own code."""
        from lxml import etree

        # parsed from UTF-8 (the same tree, and lxml reads bytes ≈ 3 times faster than str)
        tree = etree.fromstring(xml.encode("utf-8"), parser=etree.XMLParser(recover=True))
        w = "{" + tree.nsmap["w"] + "}"
        tc = w + "tc"
        for table in tree.iter(w + "tbl"):
            grid = table.find(w + "tblGrid")
            if grid is None or next(table.iter(w + "gridSpan"), None) is not None:
                return self._tpl.fix_tables(xml)
            columns = len(grid.findall(w + "gridCol"))
            rows = [len(row.findall(tc)) for row in table.iter(w + "tr")]
            if not rows or any(cells != columns for cells in rows):
                return self._tpl.fix_tables(xml)
        return tree

    def render(self, context: dict) -> bytes:
        from docx.opc.coreprops import CoreProperties
        from docx.opc.oxml import parse_xml
        from docx.oxml.ns import nsmap
        from docx.shared import Mm
        from docxtpl import InlineImage

        ctx = dict(context)
        qr = qr_png((ctx.get("doc") or {}).get("verify_url"))
        holder = _PictureHolder(self.picture if qr else None)
        ctx["doc"] = {**ctx.get("doc", {}), "qr": InlineImage(holder, io.BytesIO(qr), width=Mm(22)) if qr else ""}
        replaced = {}
        holder.current_rendering_part = holder.body
        tree = self._fix_tables(self._finish(self.body.render(ctx)))
        for number, element in enumerate(tree.xpath("//wp:docPr", namespaces=nsmap), 1001):  # fix_docpr_ids
            element.attrib["id"] = str(number)
        root = copy.deepcopy(self.shell)
        root[self.body_index] = tree
        replaced[self.document_member] = self._serialize(root)
        holder.current_rendering_part = holder.elsewhere
        for member, template, encoding in self.stories:
            xml = self._finish(template.render(ctx)).encode(encoding)
            replaced[member] = self._serialize(parse_xml(xml))
        core = copy.deepcopy(self.core)
        stamp_properties(CoreProperties(core), context)
        replaced[self.core_member] = self._serialize(core)
        members = self.members
        if holder.image is not None:
            members = self.picture.members
            replaced[self.picture.media_member] = holder.image
        return _write_zip(members, replaced)


class _PictureSlot:
    """Where docxtpl puts the one picture a document may carry (the QR code of an issued
    document): found by adding a picture to the template exactly as docxtpl's InlineImage
    does, once."""

    def __init__(self, path: str, dynamic: set):
        import segno
        from docx import Document

        document = Document(path)
        core = document.core_properties
        for name in _CORE_PROPERTIES:
            setattr(core, name, _docx_env().from_string(getattr(core, name)).render({}))
        sample = io.BytesIO()
        segno.make("docservice").save(sample, kind="png", scale=5, border=2)
        part = document.part
        self.rId, image = part.get_or_add_image(io.BytesIO(sample.getvalue()))
        self.shape_id = part.next_id
        self.ext = image.ext
        self.media_member = next(rel.target_part.partname.membername for rel in part.rels.values()
                                 if rel.rId == self.rId)
        out = io.BytesIO()
        document.save(out)
        self.members = _zip_members(out.getvalue(), dynamic | {self.media_member})


class _PictureHolder:
    """Stands in for the DocxTemplate an InlineImage asks for the part being rendered."""

    def __init__(self, slot: _PictureSlot):
        self.slot, self.image = slot, None
        self.current_rendering_part = None
        self.body = _BodyPictures(self)
        self.elsewhere = _NoPictures()


class _NoPictures:
    def new_pic_inline(self, *args, **kwargs):
        raise _NotPrepared("a picture outside the body")


class _BodyPictures:
    def __init__(self, holder: _PictureHolder):
        self.holder = holder

    def new_pic_inline(self, image_descriptor, width=None, height=None):
        # docx.parts.story.StoryPart.new_pic_inline, into the prepared slot
        from docx.image.image import Image
        from docx.oxml.shape import CT_Inline

        holder, slot = self.holder, self.holder.slot
        image = Image.from_file(image_descriptor)
        if holder.image is not None or image.ext != slot.ext:
            raise _NotPrepared("a second picture, or another kind of picture")
        holder.image = image.blob
        cx, cy = image.scaled_dimensions(width, height)
        return CT_Inline.new_pic_inline(slot.shape_id, slot.rId, image.filename, cx, cy)


class _Member:
    __slots__ = ("name", "flags", "method", "crc", "csize", "usize", "data")

    def __init__(self, name: bytes, flags: int, method: int, crc: int, csize: int, usize: int, data: bytes):
        self.name, self.flags, self.method, self.crc = name, flags, method, crc
        self.csize, self.usize, self.data = csize, usize, data


def _zip_members(package: bytes, dynamic: set) -> list:
    """The members of a zip, in order: the static ones with their compressed bytes, the
    dynamic ones as names to fill in."""
    members = []
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        for info in archive.infolist():
            if info.filename in dynamic:
                members.append(info.filename)
                continue
            start = info.header_offset
            name_length, extra_length = struct.unpack("<HH", package[start + 26:start + 30])
            data_start = start + 30 + name_length + extra_length
            members.append(_Member(info.filename.encode("utf-8"), info.flag_bits & ~0x08, info.compress_type,
                                   info.CRC, info.compress_size, info.file_size,
                                   package[data_start:data_start + info.compress_size]))
    return members


def _write_zip(members: list, replaced: dict) -> bytes:
    """A zip of the static members as they are and the dynamic ones deflated (what
    python-docx writes, without compressing the unchanged parts again)."""
    now = time.localtime()
    dos_time = now.tm_hour << 11 | now.tm_min << 5 | now.tm_sec // 2
    dos_date = (now.tm_year - 1980) << 9 | now.tm_mon << 5 | now.tm_mday
    out, central = bytearray(), bytearray()
    for member in members:
        if isinstance(member, str):
            data = replaced[member]
            compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
            packed = compressor.compress(data) + compressor.flush()
            member = _Member(member.encode("utf-8"), 0, zipfile.ZIP_DEFLATED, zlib.crc32(data), len(packed),
                             len(data), packed)
        flags = member.flags | (0x800 if not member.name.isascii() else 0)
        offset = len(out)
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, member.method, dos_time, dos_date, member.crc,
                           member.csize, member.usize, len(member.name), 0)
        out += member.name
        out += member.data
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, flags, member.method, dos_time, dos_date,
                               member.crc, member.csize, member.usize, len(member.name), 0, 0, 0, 0, 0, offset)
        central += member.name
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(out), 0)
    return bytes(out + central + end)


# --- PDF -----------------------------------------------------------------------------

@lru_cache(maxsize=32)
def _html_env(dirs: tuple[str, ...]) -> SandboxedEnvironment:
    env = SandboxedEnvironment(loader=FileSystemLoader([*dirs, str(SHARED_HTML)]),
                               autoescape=select_autoescape(default=True), undefined=StrictUndefined,
                               trim_blocks=True, lstrip_blocks=True)
    env.filters.update(FILTERS)
    return env


def layout_dir(doc_type) -> Path:
    """The folder of a type's own package: where its one layout for every language is kept
    (``layout.html`` that a language's ``<type>.html`` extends, ``layout.typ`` …)."""
    import sys

    return Path(sys.modules[type(doc_type).__module__].__file__).resolve().parent


def render_html(doc_type, context: dict, lang: str) -> str:
    env = _html_env((*(str(d) for d in template_dirs(doc_type, lang)), str(layout_dir(doc_type))))
    doc = context.get("doc")
    if doc is not None:
        context = {**context, "doc": {**doc, "qr_svg": qr_svg_uri(doc.get("verify_url", ""))}}
    return env.get_template(f"{doc_type.template_name()}.html").render(
        **context, w=words(doc_type, lang), static=STATIC_URL)


def render_page(name: str, context: dict) -> str:
    """One of the core's own HTML pages (``documents/html``), e.g. an archive file's cover."""
    return _html_env(()).get_template(name).render(**context, static=STATIC_URL)


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


# Issued originals are PDF/A-3b: the archive keeps them as they are (embedded fonts, an
# output intent, XMP metadata). Drafts stay plain PDF (their mark is translucent).
ARCHIVAL = "pdf/a-3b"


def render_pdf(doc_type, context: dict, lang: str, **options) -> bytes:
    if not context.get("doc", {}).get("draft", True):
        options.setdefault("pdf_variant", ARCHIVAL)
    return html_to_pdf(render_html(doc_type, context, lang), **options)


def html_to_pdf(document: str, **options) -> bytes:
    """WeasyPrint on one of our own HTML pages, with the shared stylesheet and fonts."""
    from weasyprint import HTML

    fonts, css, fetcher = _fonts()
    with _collector_paused():
        html = HTML(string=document, base_url=STATIC_URL, url_fetcher=fetcher)
        return html.write_pdf(stylesheets=[css], font_config=fonts, **options)


_rendering = 0  # PDF renders under way in this process
_collector_was_on = True
_collector_lock = threading.Lock()


@contextmanager
def _collector_paused():
    """Python's cyclic garbage collector off while WeasyPrint lays out a document.

    A render makes hundreds of thousands of short-lived objects (boxes, styles, text
    runs); every few hundred of them set off a collection (≈ 90 for a 30-row vedomost),
    and each walk through memory also evicts what the layout was working on: the render
    takes 15–30 % longer with the collector on (README, Performance: ``make bench``), even
    counting a full collection afterwards. Reference counting frees most of it at once; the
    cycles left (≈ 36,000 objects after a 30-row vedomost) are collected as usual once the
    collector is back on. The output is the same, byte for byte. The first of concurrent renders switches the
    collector off, the last one back on, and only if it was on."""
    global _rendering, _collector_was_on
    with _collector_lock:
        if _rendering == 0:
            _collector_was_on = gc.isenabled()
            gc.disable()
        _rendering += 1
    try:
        yield
    finally:
        with _collector_lock:
            _rendering -= 1
            if _rendering == 0 and _collector_was_on:
                gc.enable()


# --- filters shared by both formats ---------------------------------------------------

def _num(value, digits: int = 2) -> str:
    """Numbers as a Kazakh/Russian document writes them: decimal comma, no trailing zeros."""
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        return fixed(value, digits).rstrip("0").rstrip(",")
    return str(value)


_PLACE = re.compile(r"\{([a-z_]+)\}")


def _fill(sentence: str, **values) -> str:
    """A sentence of a words file with its ``{name}`` places filled (as text: escaped later), in
    one pass: a value put in is never searched for places itself."""
    def value(match):
        if match.group(1) not in values:
            return match.group(0)
        found = values[match.group(1)]
        return _num(found) if isinstance(found, float) else str(found)

    return _PLACE.sub(value, sentence)


FILTERS = {"num": _num, "fill": _fill}
