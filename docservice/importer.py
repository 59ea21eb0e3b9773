"""Import of a ``docservice-dataset/1`` file (JSON or XLSX) into the store — all or nothing.

Three passes: the schema (types, required keys), the references between records, then
the writes in one transaction. Any error names the record (JSON path, or sheet and row
for a workbook) and the field, and leaves the store as it was. Records are matched by
their natural keys (codes, logins, record-book numbers), so importing a corrected file
again updates what changed.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from marshmallow import ValidationError
from sqlalchemy import func, insert, select

from . import policy
from .cells import cell_text, parse_cell
from .clock import now as clock_now
from .dataset_schema import FORMAT, DatasetSchema
from .documents.validation import coded
from .errors import DatasetError, DomainError
from .grading import NOT_ADMITTED, Scheme
from .models.journal import exam_is_here
from .numbers import fixed
from .results import journal_results, scheme_for, scheme_from_rules
from .journals import cell_of, history_fields, is_writable, write_cell
from .models import (
    EXAM, AssessmentScheme, CurriculumItem, CurriculumPart, Department, Group, Journal, JournalTeacher,
    Lesson, Mark, MarkHistory, Period, Program, School, Setting, Student, User, db,
)
from .safe_input import ascii_number_errors, check_tree
from .safe_input import loads as json_loads
from .users import set_roles


@dataclass
class ImportSummary:
    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)
    marks_changed: int = 0
    # What the import loads, journal by journal (the preview's table): see _Writer.loaded.
    journals: list = field(default_factory=list)
    # Exam marks the file gives students not admitted to the exam: loaded as records (the
    # sample has them), told in the preview; see _Writer.exams_not_admitted.
    warnings: list = field(default_factory=list)

    def count(self, kind: str, created: bool) -> None:
        bucket = self.created if created else self.updated
        bucket[kind] = bucket.get(kind, 0) + 1

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "marks_changed": self.marks_changed,
                "journals": self.journals, "warnings": self.warnings}


def read_dataset(path: str | Path) -> tuple[dict, dict]:
    """Load a dataset file; returns ``(data, origins)`` where origins map JSON paths to
    human locations (``students, row 7`` for a workbook)."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from .dataset_xlsx import read_workbook

        return read_workbook(path)
    try:
        return json_loads(path.read_bytes()), {}
    except (OSError, json.JSONDecodeError) as exc:
        raise DatasetError("dataset_unreadable", where=path.name, detail=str(exc)) from None
    except DomainError as err:  # not UTF-8, too deep, a character no field may hold
        raise DatasetError(err.code, where=path.name, **err.params) from None


def import_file(actor: User | None, path: str | Path, dry_run: bool = False) -> ImportSummary:
    data, origins = read_dataset(path)
    return import_dataset(actor, data, origins, dry_run=dry_run)


def import_dataset(actor: User | None, data: dict, origins: dict | None = None,
                   dry_run: bool = False) -> ImportSummary:
    """Validate and store ``data``. With ``dry_run`` everything is checked and counted, then
    rolled back: the preview of what an import would change."""
    policy.require(actor, "dataset.import")
    origins = origins or {}
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise DatasetError("dataset_format", where="format", found=found)
    _check_text(data, origins)
    schema = DatasetSchema()
    not_ascii = ascii_number_errors(schema, data)  # "٥" is not 5: marshmallow's float() would say it is
    if not_ascii:
        raise _first_error(not_ascii, data, origins)
    try:
        clean = schema.load(data)
    except ValidationError as exc:
        raise _first_error(exc.messages, data, origins) from None
    _check_references(clean, origins)
    try:
        summary = _Writer(actor, clean, origins).run()
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
        return summary
    except Exception:
        db.session.rollback()
        raise


# --- errors --------------------------------------------------------------------------

def _check_text(data: dict, origins: dict) -> None:
    """Every string of the dataset, however it came (a file, a body, a caller's dict)
    can be stored and printed; the error names the record and the field."""
    try:
        check_tree(data)
    except DomainError as err:
        path = str(err.params.get("name", ""))
        record, _, field = path.rpartition(".")
        raise DatasetError(err.code, where=_where(record or path, origins), field=field or None,
                           **err.params) from None


def _where(path: str, origins: dict) -> str:
    """The most precise human location known for a JSON path."""
    probe = path
    while probe:
        if probe in origins:
            return origins[probe]
        probe = probe.rsplit(".", 1)[0] if "." in probe else ""
    return path


def _first_error(messages, data, origins, path: str = "") -> DatasetError:
    """Turn marshmallow's nested error dict into one DatasetError naming record and field."""
    key, value = next(iter(messages.items()))
    if isinstance(value, dict):
        sub = f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else key)
        return _first_error(value, _get(data, key), origins, sub)
    text = value[0] if isinstance(value, list) else str(value)
    record = path or key
    if isinstance(text, coded):  # our own check, with its own message
        return DatasetError(text.code, where=_where(record, origins), field=str(key), **text.params)
    if text.startswith("Missing data"):
        return DatasetError("field_required", where=_where(record, origins), field=str(key))
    bad = _get(data, key)
    return DatasetError("field_invalid", where=_where(record, origins), field=str(key),
                        detail=repr(bad) if bad is not None else text)


def _get(node, key):
    try:
        return node[key]
    except (KeyError, IndexError, TypeError):
        return None


def _check_references(d: dict, origins: dict) -> None:
    def unique(collection: str, key: str):
        seen = set()
        for i, row in enumerate(d[collection]):
            if row[key] in seen:
                raise DatasetError("duplicate_key", where=_where(f"{collection}[{i}]", origins),
                                   field=key, key=row[key])
            seen.add(row[key])
        return seen

    def ref(collection: str, i: int, fld: str, value, known: set, what: str, nullable=False):
        if value is None and nullable:
            return
        if value not in known:
            raise DatasetError("reference_unknown", where=_where(f"{collection}[{i}]", origins),
                               field=fld, what=what, key=value)

    schools, depts = unique("schools", "code"), unique("departments", "code")
    programs, logins = unique("programs", "code"), unique("staff", "login")
    groups, students = unique("groups", "code"), unique("students", "id")
    items, journals = unique("curriculum", "code"), unique("journals", "id")
    for i, s in enumerate(d["schools"]):
        ref("schools", i, "dean", s["dean"], logins, "staff", nullable=True)
    for i, dep in enumerate(d["departments"]):
        ref("departments", i, "school", dep["school"], schools, "school")
        ref("departments", i, "head", dep["head"], logins, "staff", nullable=True)
    for i, p in enumerate(d["programs"]):
        ref("programs", i, "school", p["school"], schools, "school")
    for i, u in enumerate(d["staff"]):
        ref("staff", i, "department", u["department"], depts, "department", nullable=True)
        ref("staff", i, "school", u["school"], schools, "school", nullable=True)
    for i, g in enumerate(d["groups"]):
        ref("groups", i, "program", g["program"], programs, "program")
    for i, s in enumerate(d["students"]):
        ref("students", i, "group", s["group"], groups, "group")
    parts: dict[str, dict] = {}
    part_codes: set = set()
    for i, item in enumerate(d["curriculum"]):
        if item.get("scheme"):
            try:
                Scheme.from_config(item["scheme"])
            except (ValueError, TypeError, KeyError, ZeroDivisionError) as exc:
                raise DatasetError("field_invalid", where=_where(f"curriculum[{i}]", origins),
                                   field="scheme", detail=str(exc)) from None
        ref("curriculum", i, "department", item["department"], depts, "department")
        ref("curriculum", i, "program", item["program"], programs, "program")
        sub = item["blocks"] if item["kind"] == "integrated" else item["parts"]
        key = "blocks" if item["kind"] == "integrated" else "parts"
        if item["kind"] != "discipline" and not sub:
            raise DatasetError("field_required", where=_where(f"curriculum[{i}]", origins), field=key)
        for k, part in enumerate(sub):
            where = f"curriculum[{i}].{key}[{k}]"
            if part["code"] in part_codes:
                raise DatasetError("duplicate_key", where=_where(where, origins), field="code", key=part["code"])
            part_codes.add(part["code"])
            ref(f"curriculum[{i}].{key}", k, "department", part["department"], depts, "department")
            if item["kind"] == "module" and not part.get("credits"):
                raise DatasetError("field_required", where=_where(where, origins), field="credits")
        parts[item["code"]] = {p["code"]: (pos, len(sub)) for pos, p in enumerate(sub)}
    journal_cols: dict[str, set] = {}
    journal_group: dict[str, str] = {}
    items_by_code = {item["code"]: item for item in d["curriculum"]}
    for i, j in enumerate(d["journals"]):
        ref("journals", i, "curriculum_item", j["curriculum_item"], items, "curriculum item")
        ref("journals", i, "group", j["group"], groups, "group")
        for t in j["teachers"]:
            ref("journals", i, "teachers", t, logins, "staff")
        item_parts = parts[j["curriculum_item"]]
        if item_parts:
            ref("journals", i, "part", j["part"], set(item_parts), "part")
        elif j["part"] is not None:
            ref("journals", i, "part", j["part"], set(), "part")
        item = items_by_code[j["curriculum_item"]]
        cols = {lesson["date"].isoformat() for lesson in j["lessons"]}
        cols |= set(scheme_from_rules(item.get("scheme")).control_columns)
        pos = item_parts.get(j["part"]) if j["part"] else None
        if exam_is_here(item["kind"], pos[0] if pos else None, pos[1] if pos else 0):
            cols.add(EXAM)
        journal_cols[j["id"]] = cols
        journal_group[j["id"]] = j["group"]
    group_of = {s["id"]: s["group"] for s in d["students"]}
    cells_seen = set()
    for i, m in enumerate(d["marks"]):
        cell_key = (m["journal"], m["student"], m["column"])
        if cell_key in cells_seen:
            raise DatasetError("duplicate_key", where=_where(f"marks[{i}]", origins), field="column",
                               key=" / ".join(cell_key))
        cells_seen.add(cell_key)
        ref("marks", i, "journal", m["journal"], journals, "journal")
        ref("marks", i, "student", m["student"], students, "student")
        if group_of[m["student"]] != journal_group[m["journal"]]:
            raise DatasetError("student_not_in_group", where=_where(f"marks[{i}]", origins),
                               field="student", student=m["student"])
        if m["column"] not in journal_cols[m["journal"]]:
            code = "exam_not_here" if m["column"] == EXAM else "column_unknown"
            raise DatasetError(code, where=_where(f"marks[{i}]", origins), field="column",
                               column=m["column"], journal=m["journal"])
        try:
            cell = parse_cell(m["value"])
        except DomainError as err:
            raise DatasetError(err.code, where=_where(f"marks[{i}]", origins), field="value",
                               **err.params) from None
        if m["column"] == EXAM and cell is not None and cell.is_transfer:
            raise DatasetError("transfer_not_for_exam", where=_where(f"marks[{i}]", origins), field="value")


# --- writes --------------------------------------------------------------------------

class _Writer:
    """Upserts the validated dataset, in dependency order, inside the caller's transaction."""

    def __init__(self, actor, data: dict, origins: dict):
        self.actor, self.d, self.origins = actor, data, origins
        self.at = clock_now()
        self.summary = ImportSummary()
        self.new_journals: set[str] = set()     # codes of the journals this import creates
        # Roles, posts (deans, heads), a user's school and department are the IT department's to
        # give, or the operator's: an import changes only what its user may change by hand.
        self.may_manage = policy.may_change_accounts(actor)

    def refuse(self, path: str, field: str, old=None, new=None) -> None:
        """A post (``dean``, ``head``) the importing user may not give or take."""
        raise DatasetError("import_post_change", where=_where(path, self.origins), field=field, column=field,
                           record=self._value(path, "code"), old=old or "—", new=new or "—")

    def refuse_account(self, path: str, field: str, login: str, old, new) -> None:
        raise DatasetError("import_account_change", where=_where(path, self.origins), field=field, column=field,
                           login=login, old=old or "—", new=new or "—")

    def _value(self, path: str, key: str):
        collection, _, rest = path.partition("[")
        return self.d[collection][int(rest.rstrip("]"))][key]

    def run(self) -> ImportSummary:
        self.settings()
        schools = self.upsert(School, "schools", "code", lambda s: {**_names(s)})
        departments = self.upsert(Department, "departments", "code",
                                  lambda r: {**_names(r), "school_id": schools[r["school"]].id})
        programs = self.upsert(Program, "programs", "code",
                               lambda r: {**_names(r), "school_id": schools[r["school"]].id})
        users = self.staff(departments, schools)
        for collection, objects, post, column in (("schools", schools, "dean", "dean_id"),
                                                  ("departments", departments, "head", "head_id")):
            for i, r in enumerate(self.d[collection]):
                value = users[r[post]].id if r[post] else None
                current = getattr(objects[r["code"]], column)
                if current != value and not self.may_manage:
                    holder = db.session.get(User, current) if current is not None else None
                    self.refuse(f"{collection}[{i}]", post, holder.login if holder else None, r[post])
                setattr(objects[r["code"]], column, value)
        groups = self.upsert(Group, "groups", "code", lambda r: {
            "program_id": programs[r["program"]].id, "course": r["course"], "language": r["language"]})
        students = self.upsert(Student, "students", "id", lambda r: {
            "full_name": r["full_name"], "group_id": groups[r["group"]].id}, column="record_book")
        items, parts = self.curriculum(departments, programs)
        journals = self.journals(items, parts, groups, users)
        changed = self.marks(journals, students)
        self.summary.journals = self.loaded(journals, changed)
        self.summary.warnings = self.exams_not_admitted(journals)
        return self.summary

    def upsert(self, model, collection: str, key: str, values, column: str | None = None) -> dict:
        column = column or key
        existing = {getattr(o, column): o for o in db.session.scalars(select(model))}
        out = {}
        for row in self.d[collection]:
            obj = existing.get(row[key])
            created = obj is None
            fields = values(row)  # before adding: computing them may query (and autoflush)
            if created:
                obj = model(**{column: row[key]})
                db.session.add(obj)
            for k, v in fields.items():
                setattr(obj, k, v)
            self.summary.count(collection, created)
            out[row[key]] = obj
        db.session.flush()
        return out

    def settings(self) -> None:
        values = {"university": self.d["university"], "academic_year": self.d["academic_year"],
                  **{f"addressee.{k}": v for k, v in self.d["settings"].items()}}
        for key, value in values.items():
            row = db.session.get(Setting, key) or Setting(key=key)
            row.value = value
            db.session.add(row)

    def staff(self, departments, schools) -> dict:
        def values(r):
            pos, pos_from = r["position"] or {}, r["position_from"] or {}
            return {"full_name": r["full_name"], "position_kk": pos.get("kk"), "position_ru": pos.get("ru"),
                    "position_from_kk": pos_from.get("kk"), "position_from_ru": pos_from.get("ru"),
                    "email": r["email"], "department_id": departments[r["department"]].id if r["department"] else None,
                    "school_id": schools[r["school"]].id if r["school"] else None}
        if not self.may_manage:
            self.placements_unchanged(departments, schools)
        users = self.upsert(User, "staff", "login", values)
        for i, r in enumerate(self.d["staff"]):
            if users[r["login"]].roles != set(r["roles"]):
                if not self.may_manage:
                    self.refuse_account(f"staff[{i}]", "roles", r["login"], ", ".join(sorted(users[r["login"]].roles)),
                                        ", ".join(sorted(r["roles"])))
                set_roles(users[r["login"]], r["roles"])
        db.session.flush()
        return users

    def placements_unchanged(self, departments, schools) -> None:
        """A user's school and department decide whose journals a dean or a head reads: an
        import by someone who may not move people by hand moves nobody (new staff may be added)."""
        existing = {u.login: u for u in db.session.scalars(select(User))}
        for i, r in enumerate(self.d["staff"]):
            user = existing.get(r["login"])
            if user is None:
                continue
            for key, model, objects, column in (("school", School, schools, "school_id"),
                                                ("department", Department, departments, "department_id")):
                new = objects[r[key]].id if r[key] else None
                old = getattr(user, column)
                if old != new:
                    before = db.session.get(model, old) if old is not None else None
                    self.refuse_account(f"staff[{i}]", key, user.login, before.code if before else None, r[key])

    def curriculum(self, departments, programs):
        items = self.upsert(CurriculumItem, "curriculum", "code", lambda r: {
            **_names(r), "kind": r["kind"], "credits": r["credits"],
            "department_id": departments[r["department"]].id, "program_id": programs[r["program"]].id,
            "course": r["course"], "semester": str(r["semester"]), "control": r["control"],
            "scheme": self.scheme(r)})
        existing = {p.code: p for p in db.session.scalars(select(CurriculumPart))}
        parts = {}
        for r in self.d["curriculum"]:
            for pos, p in enumerate(r["blocks"] or r["parts"]):
                part = existing.get(p["code"])
                self.summary.count("curriculum_parts", part is None)
                if part is None:
                    part = CurriculumPart(code=p["code"])
                    db.session.add(part)
                part.item_id, part.position = items[r["code"]].id, pos
                part.name_kk, part.name_ru = p["name"]["kk"], p["name"]["ru"]
                part.credits, part.department_id = p.get("credits"), departments[p["department"]].id
                parts[p["code"]] = part
        db.session.flush()
        return items, parts

    def scheme(self, row: dict) -> AssessmentScheme | None:
        """An item's own assessment rules (``scheme``), kept under the item's code."""
        if not row.get("scheme"):
            return None
        scheme = db.session.scalar(select(AssessmentScheme).where(AssessmentScheme.code == row["code"]))
        if scheme is None:
            scheme = AssessmentScheme(code=row["code"])
            db.session.add(scheme)
        scheme.rules = row["scheme"]
        return scheme

    def periods(self) -> dict:
        existing = {p.code: p for p in db.session.scalars(select(Period))}
        from flask import current_app

        for code in sorted({j["period"] for j in self.d["journals"]}):
            if code not in existing:
                year, term = code.split("/")
                existing[code] = Period(code=code, academic_year=year, term=term,
                                        close_within_days=current_app.config["CLOSE_WITHIN_DAYS"])
                db.session.add(existing[code])
        db.session.flush()
        return existing

    def journals(self, items, parts, groups, users) -> dict:
        periods = self.periods()
        known = set(db.session.scalars(select(Journal.code)))
        self.new_journals = {r["id"] for r in self.d["journals"]} - known
        journals = self.upsert(Journal, "journals", "id", lambda r: {
            "item_id": items[r["curriculum_item"]].id,
            "part_id": parts[r["part"]].id if r["part"] else None,
            "group_id": groups[r["group"]].id, "period_id": periods[r["period"]].id,
            "final_control": r["final_control"],
            **({"deadline_override": r["deadline"]} if "deadline" in r else {})}, column="code")
        for r in self.d["journals"]:
            journal = journals[r["id"]]
            self.lessons(journal, r["lessons"])
            listed = {users[login].id for login in r["teachers"]}
            # The file's teacher list is the journal's (substitutes, recorded in the app, stay).
            journal.staff[:] = [t for t in journal.staff if t.role != "teacher" or t.user_id in listed]
            present = {t.user_id for t in journal.staff if t.role == "teacher"}
            for user_id in sorted(listed - present):
                journal.staff.append(JournalTeacher(user_id=user_id, role="teacher"))
        db.session.flush()
        return journals

    def lessons(self, journal: Journal, rows: list) -> None:
        by_column = {lesson.column: lesson for lesson in journal.lessons}
        for pos, row in enumerate(sorted(rows, key=lambda r: (r["date"], r["time"] or ""))):
            column = row["date"].isoformat()
            lesson = by_column.get(column)
            if lesson is None:
                lesson = Lesson(column=column)
                journal.lessons.append(lesson)
            topic = row["topic"] or {}
            lesson.position, lesson.date, lesson.time = pos, row["date"], row["time"]
            lesson.topic_kk, lesson.topic_ru = topic.get("kk"), topic.get("ru")
            lesson.type, lesson.hours, lesson.room = row["type"], row["hours"], row["room"]

    def may_write(self, journal: Journal) -> bool:
        """A journal this import creates takes its marks whatever its dates: the registrar
        loading records (the history of the old system, a sample) is not a teacher's late edit.
        A journal already in the store changes only while its teachers could change it (open,
        deadline not passed); after that only a reopening changes it. The operator moving the
        history (the CLI without --as, no actor) writes anywhere."""
        return self.actor is None or journal.code in self.new_journals or is_writable(journal, self.at)

    def marks(self, journals, students) -> dict:
        """Write the file's marks; returns how many cells changed per journal code."""
        changed: dict[str, int] = {}
        existing = {}
        ids = [j.id for j in journals.values()]
        for m in db.session.scalars(select(Mark).where(Mark.journal_id.in_(ids))):
            existing[(m.journal_id, m.student_id, m.column)] = m
        new_marks, new_history = [], []
        for i, r in enumerate(self.d["marks"]):
            journal, student = journals[r["journal"]], students[r["student"]]
            cell = parse_cell(r["value"])
            mark = existing.get((journal.id, student.id, r["column"]))
            before = cell_text(cell_of(mark))
            if before == cell_text(cell):
                continue
            if not self.may_write(journal):
                raise DatasetError("import_journal_closed", where=_where(f"marks[{i}]", self.origins),
                                   field="journal", journal=_journal_names(journal), group=journal.group.code,
                                   state=journal.state if journal.state != "open" else "locked",
                                   deadline=journal.deadline.strftime("%d.%m.%Y"))
            self.summary.marks_changed += 1
            changed[r["journal"]] = changed.get(r["journal"], 0) + 1
            if mark is not None:
                write_cell(journal, student, r["column"], cell, self.actor, self.at, "import", None, mark)
                continue
            # A new cell: gathered and inserted in bulk below (a faculty's history is many thousands).
            new_marks.append({"journal_id": journal.id, "student_id": student.id, "column": r["column"],
                              "score": cell.score, "absent": cell.absent, "note": cell.note, "version": 1,
                              "updated_at": self.at, "updated_by_id": self.actor.id if self.actor else None})
            new_history.append(history_fields(journal.id, student.id, r["column"], None, cell_text(cell),
                                              self.actor, self.at, "import"))
        db.session.flush()
        if new_marks:
            # Core inserts (executemany): the ORM's per-object bookkeeping costs seconds here.
            db.session.execute(insert(Mark.__table__), new_marks)
            db.session.execute(insert(MarkHistory.__table__), new_history)
        return changed

    def exams_not_admitted(self, journals: dict) -> list[dict]:
        """The file's exam marks of students whose РД is below the scheme's minimum (SPEC §3).
        The teacher's grid refuses such a mark; an import is the registrar loading what was
        recorded (the old system's history, the sample has nine), so it is kept and said — in
        the grid's words, naming the journal and the student — for the registrar to check."""
        exams: dict[str, dict[str, str]] = {}
        for r in self.d["marks"]:
            text = cell_text(parse_cell(r["value"])) if r["column"] == EXAM else None
            if text:
                exams.setdefault(r["journal"], {})[r["student"]] = text
        warnings = []
        for code, by_student in exams.items():
            journal = journals[code]
            scheme = scheme_for(journal.item)
            try:
                results = journal_results(journal)
            except DomainError:  # an integrated discipline without all its blocks: the grid says why
                continue
            for student, result in results:
                if result.status != NOT_ADMITTED or student.record_book not in by_student:
                    continue
                rd = fixed(result.as_dict(scheme.display_decimals)["rd"], scheme.display_decimals)
                said = DomainError("import_exam_not_admitted", journal=_journal_names(journal),
                                   group=journal.group.code, student=f"{student.full_name} ({student.record_book})",
                                   rd=rd, minimum=scheme.admission_min, exam=by_student[student.record_book])
                warnings.append({"code": said.code, "journal": code, "student": student.record_book,
                                 "message": {lang: said.message(lang) for lang in ("kk", "ru", "en")}})
        return warnings

    def loaded(self, journals: dict, changed: dict) -> list[dict]:
        """The preview's account of every journal in the file: discipline, group, students,
        marks, and whether its closing deadline has already passed (it is locked at once, and
        changes after the import go through a reopening)."""
        in_file: dict[str, int] = {}
        for r in self.d["marks"]:
            in_file[r["journal"]] = in_file.get(r["journal"], 0) + 1
        group_sizes = dict(db.session.execute(
            select(Student.group_id, func.count()).group_by(Student.group_id)).all())
        rows = []
        for code, journal in journals.items():
            rows.append({"code": code, "name": _journal_names(journal), "group": journal.group.code,
                         "students": group_sizes.get(journal.group_id, 0), "marks": in_file.get(code, 0),
                         "changed": changed.get(code, 0), "new": code in self.new_journals,
                         "final_control": journal.final_control.isoformat(),
                         "deadline": journal.deadline.isoformat(), "state": journal.state,
                         "past_deadline": self.at.date() > journal.deadline})
        return sorted(rows, key=lambda row: (row["group"], row["name"]["ru"], row["code"]))


def _names(row: dict) -> dict:
    return {"name_kk": row["name"]["kk"], "name_ru": row["name"]["ru"]}


def _journal_names(journal: Journal) -> dict:
    """The journal's discipline (and block or part) in both languages: a message picks one."""
    return {lang: journal.title(lang) for lang in ("kk", "ru")}


__all__ = ["import_dataset", "import_file", "read_dataset", "ImportSummary"]
