"""The nomenclature of files (номенклатура дел / істер номенклатурасы) as data.

Each file has an index, a title and a retention period in both languages, and says which
documents go into it: ``selectors`` name a document type (``summary_vedomost``) or one kind
of it (``vedomost:individual``). Archive printing files every document by it; a document no
file selects goes into a file of its type's own index, so nothing is left out.
"""
from __future__ import annotations

import json
from pathlib import Path

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import delete, select

from . import policy
from .documents.validation import InputInvalid, coded, localize
from .errors import Invalid, NotFound
from .models import NomenclatureFile, User, db
from .safe_paths import INDEX_MAX, INDEX_PATTERN, check_index, is_index
from .transactions import atomic

SAMPLE = Path(__file__).resolve().parent / "samples" / "nomenclature.json"
# An index names folders and files of the archive and is part of every document number: one
# plain segment (docservice.safe_paths), never "/" or "..".
INDEX = INDEX_PATTERN


def _index(value) -> None:
    if not is_index(value):
        raise ValidationError(coded("nomenclature_index_invalid", index=str(value)[:INDEX_MAX + 8]))


class FileSchema(Schema):
    index = fields.String(required=True, validate=_index)
    title_kk = fields.String(required=True, validate=validate.Length(min=1, max=300))
    title_ru = fields.String(required=True, validate=validate.Length(min=1, max=300))
    retention_kk = fields.String(required=True, validate=validate.Length(min=1, max=100))
    retention_ru = fields.String(required=True, validate=validate.Length(min=1, max=100))
    selectors = fields.List(fields.String(validate=validate.Regexp(r"^[a-z0-9_]+(:[a-z0-9_]+)?$")),
                            load_default=list)


class NomenclatureSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # a "_comment" beside the files; each file itself is checked strictly

    files = fields.List(fields.Nested(FileSchema), required=True)

    @validates_schema
    def _unique(self, data, **kwargs):
        seen_index, seen_selector = set(), {}
        for i, row in enumerate(data.get("files", [])):
            if row["index"] in seen_index:
                raise ValidationError({"files": {i: {"index": [f"{row['index']}: ×2"]}}})
            seen_index.add(row["index"])
            for selector in row["selectors"]:
                if selector in seen_selector:
                    raise ValidationError({"files": {i: {"selectors": [
                        f"{selector}: {seen_selector[selector]}, {row['index']}"]}}})
                seen_selector[selector] = row["index"]


def files() -> list[NomenclatureFile]:
    return db.session.scalars(select(NomenclatureFile).order_by(NomenclatureFile.index)).all()


def as_data() -> dict:
    return {"files": [FileSchema().dump(f) for f in files()]}


def _load(schema: Schema, data, lang: str) -> dict:
    try:
        clean = schema.load(data if isinstance(data, dict) else {})
    except ValidationError as exc:
        raise InputInvalid(localize(exc.messages, lang), lang) from None
    rows = clean["files"] if "files" in clean else [clean]
    unknown = {i: {"selectors": [_unknown(s, lang) for s in row["selectors"] if not _known(s)]}
               for i, row in enumerate(rows)}
    unknown = {i: e for i, e in unknown.items() if e["selectors"]}
    if unknown:  # a typo would file nothing
        raise InputInvalid({"files": unknown} if "files" in clean else unknown[0], lang)
    return clean


def _known(selector: str) -> bool:
    """A registered document type, and one of its kinds if the selector names one."""
    from .documents.issuing import registry

    type_id, _, kind = selector.partition(":")
    return type_id in registry() and (not kind or kind in registry().get(type_id).kinds)


def _unknown(selector: str, lang: str) -> str:
    return NotFound("not_found", what="document_type", key=selector).message(lang)


@atomic
def replace_all(actor: User | None, data: dict, lang: str = "ru") -> int:
    """The whole nomenclature at once (a file or the sample): all of it or nothing."""
    policy.require(actor, "archive.manage")
    clean = _load(NomenclatureSchema(), data, lang)
    db.session.execute(delete(NomenclatureFile))
    db.session.add_all(NomenclatureFile(**row) for row in clean["files"])
    return len(clean["files"])


@atomic
def save_file(actor: User | None, data: dict, lang: str = "ru", index: str | None = None) -> NomenclatureFile:
    """Add a file, or change the one with ``index``; a selector stays in one file only."""
    policy.require(actor, "archive.manage")
    row = _load(FileSchema(), data, lang)
    current = find(index) if index is not None else None
    others = [f for f in files() if f is not current]
    taken = {s: f.index for f in others for s in f.selectors}
    if any(f.index == row["index"] for f in others):
        raise Invalid("nomenclature_taken", field="index", key=row["index"])
    for selector in row["selectors"]:
        if selector in taken:
            raise Invalid("nomenclature_taken", field="selectors", key=f"{selector} → {taken[selector]}")
    if current is None:
        current = NomenclatureFile(**row)
        db.session.add(current)
    else:
        for key, value in row.items():
            setattr(current, key, value)
    return current


@atomic
def delete_file(actor: User | None, index: str) -> None:
    policy.require(actor, "archive.manage")
    db.session.delete(find(index))


def find(index: str) -> NomenclatureFile:
    found = db.session.scalar(select(NomenclatureFile).where(NomenclatureFile.index == index))
    if found is None:
        raise NotFound("not_found", what="nomenclature_file", key=index)
    return found


def load_sample(actor: User | None = None) -> int:
    return replace_all(actor, json.loads(SAMPLE.read_text(encoding="utf-8")))


class Filing:
    """Which file each document goes into, read once for a whole job."""

    def __init__(self, registry):
        self.registry = registry
        self.by_selector = {s: f for f in files() for s in f.selectors}

    def file_for(self, type_id: str, kind: str | None) -> tuple[str, dict]:
        """(index, {title, retention} per language) of the file a document goes into."""
        found = self.by_selector.get(f"{type_id}:{kind}") or self.by_selector.get(type_id)
        if found is not None:
            check_index(found.index)  # a row stored before indexes were checked numbers nothing
            return found.index, {lang: {"title": found.title(lang), "retention": found.retention(lang)}
                                 for lang in ("kk", "ru")}
        doc_type = self.registry.get(type_id)  # not in the nomenclature: its own index, its own title
        return check_index(doc_type.nomenclature), {lang: {"title": doc_type.title(lang), "retention": ""}
                                       for lang in ("kk", "ru")}
