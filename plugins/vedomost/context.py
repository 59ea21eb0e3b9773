"""What an exam vedomost shows, computed once from the store for both formats.

Which journals a vedomost covers (``Scope``), and its rows and totals:
- a discipline: its journal; columns РД and exam;
- an integrated discipline: formed from the last block's journal (the one that holds the
  exam, RU 9 / KK 10); РД over all blocks, one exam;
- a module: every modular discipline's final (its own exam) and the module grade, the
  credit-weighted mean of the parts (``results.item_results`` → ``grading.module_result``);
- individual: after a reopening, only the request's students, with the reopening's reference.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from docservice.clock import now as clock_now
from docservice.collation import name_key
from docservice.documents import person, short_date, unit_forms
from docservice.documents.rendering import FILTERS
from docservice.grading import ABSENT_FROM_EXAM, FAIL, NOT_ADMITTED, OK, PENDING, STATUS_WORDS, Result
from docservice.journals import is_writable
from docservice.models import WITH_CHANGE, Journal, ReopenRequest
from docservice.numbers import fixed
from docservice.results import item_results, journal_results, scale, scheme_for, sibling_journals

fill = FILTERS["fill"]  # a sentence of WORDS with its {name} places filled, in one pass

REGULAR, INTEGRATED, INDIVIDUAL = "regular", "integrated", "individual"
KINDS = (REGULAR, INTEGRATED, INDIVIDUAL)
# Quality of knowledge: the share of these letters among the students listed.
QUALITY_LETTERS = ("A", "A-", "B+", "B", "B-")
DASH = "—"

WORDS = {
    "kind": {REGULAR: {"kk": "негізгі", "ru": "основная"},
             INTEGRATED: {"kk": "интеграцияланған", "ru": "интегрированная"},
             INDIVIDUAL: {"kk": "жеке (журнал қайта ашылғаннан кейін)",
                          "ru": "индивидуальная (после повторного открытия журнала)"}},
    "item": {"discipline": {"kk": "Пән", "ru": "Дисциплина"},
             "integrated": {"kk": "Интеграцияланған пән", "ru": "Интегрированная дисциплина"},
             "module": {"kk": "Модуль", "ru": "Модуль"}},
    "parts": {"integrated": {"kk": "Блоктар", "ru": "Блоки"},
              "module": {"kk": "Модульдік пәндер", "ru": "Модульные дисциплины"}},
    "control": {"exam": {"kk": "емтихан", "ru": "экзамен"}},
    "term": {"1": {"kk": "1 семестр", "ru": "1 семестр"}, "2": {"kk": "2 семестр", "ru": "2 семестр"},
             "summer": {"kk": "жазғы семестр", "ru": "летний семестр"}},
    "year": {"kk": "оқу жылы", "ru": "учебный год"},
    "rd": {"kk": "ЖРБ", "ru": "РД"},
    "exam": {"kk": "Емтихан", "ru": "Экзамен"},
    "substitute": {"kk": "алмастырушы", "ru": "замещающий"},
    "examiner": {"kk": "Емтихан алушы", "ru": "Экзаменатор"},
    # the department's own name, as the title takes it (context.unit_forms «head»)
    "head": {"kk": "{department} меңгерушісі", "ru": "Заведующий {department}"},
    "inspector": {"kk": "ОР инспекторы", "ru": "Инспектор ОР"},
    "reopen": {WITH_CHANGE: {"kk": "бағаны өзгертумен", "ru": "с изменением оценки"},
               "without_change": {"kk": "бағаны өзгертпей", "ru": "без изменения оценки"}},
    "date_line": {"kk": "«___» ____________ 20___ ж.", "ru": "«___» ____________ 20___ г."},
}


def word(key: str, value, lang: str) -> str:
    texts = WORDS[key].get(value) if value is not None else WORDS[key]
    if texts is None:
        return str(value)
    return texts.get(lang) or texts["ru"]


@dataclass
class Scope:
    """The journals a vedomost covers and who forms it."""

    kind: str                  # regular | integrated | individual
    layout: str                # the curriculum item's kind: discipline | integrated | module
    owner: Journal             # its teachers form the vedomost; its department's head signs
    exam_journal: Journal      # the exam's journal (an integrated discipline's last block)
    journals: list[Journal]    # every journal whose marks it shows
    request: ReopenRequest | None = None

    @property
    def is_open(self) -> bool:
        """Some of its journals can still change (open and before the deadline)."""
        at = clock_now()
        return any(is_writable(j, at) for j in self.journals)


def scope_of(data: dict) -> Scope:
    request = data.get("request")
    journal = request.journal if request is not None else data["journal"]
    item = journal.item
    if item.kind == "discipline":
        journals, exam_journal = [journal], journal
    else:
        journals = sibling_journals(journal)
        if item.kind == "integrated":
            exam_journal = next((j for j in journals if j.holds_exam), journal)
        else:  # a module: formed by the department of its last modular discipline
            exam_journal = journals[-1]
    if request is not None:
        kind, owner = INDIVIDUAL, journal
    else:
        kind, owner = (REGULAR if item.kind == "discipline" else INTEGRATED), exam_journal
    return Scope(kind=kind, layout=item.kind, owner=owner, exam_journal=exam_journal, journals=journals,
                 request=request)


def percent(part: int, whole: int) -> str:
    if not whole:
        return figure(0)
    return figure(Decimal(part * 100) / Decimal(whole))


def figure(value, decimals: int = 2):
    """A mark, points or a percentage as the sheet prints every figure, one rule for all: fixed
    decimals and a decimal comma («52,30», «56,00», «98,33»; not «52,3» beside «98,33»). Words
    (a status, a letter) and empty cells stay as they are."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return value
    return fixed(value, decimals)


def _status_word(status: str, lang: str) -> str | None:
    words = STATUS_WORDS.get(status)
    return words[lang] if words else None


def _grade_cells(r: dict, lang: str, decimals: int) -> dict:
    """final · letter · points · traditional of one result (``Result.as_dict``), with the
    status word in place of grades for a student not admitted or absent."""
    status = r["status"]
    if status == PENDING:
        return {"final": "", "letter": "", "gpa": "", "traditional": "", "status": status}
    said = _status_word(status, lang)
    if said:
        return {"final": said, "letter": said, "gpa": figure(r["gpa"], decimals), "traditional": said, "status": status}
    return {"final": figure(r["final"], decimals) if r["final"] is not None else DASH, "letter": r["letter"],
            "gpa": figure(r["gpa"], decimals),
            "traditional": r[f"traditional_{lang}"], "status": status}


def _exam_cell(r: dict, lang: str, decimals: int):
    return _status_word(r["status"], lang) or (figure(r["exam"], decimals) if r["exam"] is not None else "")


def _part_cell(r: dict | None, lang: str, decimals: int):
    """A modular discipline's column of a module vedomost: its final, a status word, or the
    letter of a failed exam (FX/F)."""
    if r is None or r["status"] == PENDING:
        return ""
    if r["status"] == FAIL:
        return r["letter"]
    return _status_word(r["status"], lang) or figure(r["final"], decimals)


def rows_of(scope: Scope, lang: str) -> tuple[list[str], list[dict]]:
    """The columns between the record-book number and the final grade, and the rows."""
    item = scope.exam_journal.item
    decimals = scheme_for(item).display_decimals
    wanted = set(scope.request.students or []) if scope.request is not None else set()
    rows: list[dict] = []
    if scope.layout == "module":
        by_part = {j.part_id: j for j in scope.journals}
        numbered = [(n, p) for n, p in enumerate(item.parts, 1) if p.id in by_part]
        parts = [p for _, p in numbered]
        per_part = {p.id: {s.id: r.as_dict(decimals) for s, r in journal_results(by_part[p.id])} for p in parts}
        module = item_results(item, scope.exam_journal.group_id, scope.exam_journal.period_id)
        students = sorted(scope.exam_journal.group.students, key=lambda s: name_key(s.full_name))
        headers = [f"{n}. {p.name(lang)}" for n, p in numbered]
        for s in students:
            if wanted and s.record_book not in wanted:
                continue
            r = module.get(s.id, Result()).as_dict(decimals)
            comp = [_part_cell(per_part[p.id].get(s.id), lang, decimals) for p in parts]
            rows.append({"full_name": s.full_name, "record_book": s.record_book, "comp": comp,
                         **_grade_cells(r, lang, decimals)})
    else:
        headers = [word("rd", None, lang), word("exam", None, lang)]
        for s, result in journal_results(scope.exam_journal):
            if wanted and s.record_book not in wanted:
                continue
            r = result.as_dict(decimals)
            rows.append({"full_name": s.full_name, "record_book": s.record_book,
                         "comp": [figure(r["rd"], decimals), _exam_cell(r, lang, decimals)],
                         **_grade_cells(r, lang, decimals)})
    for n, row in enumerate(rows, 1):
        row["n"] = n
    return headers, rows


def totals_of(rows: list[dict], lang: str) -> dict:
    """Counts per letter (students graded), not admitted, absent, ungraded; quality and pass rate."""
    counts = {b.letter: 0 for b in scale().bands}
    for row in rows:
        if row["status"] in (OK, FAIL):
            counts[row["letter"]] = counts.get(row["letter"], 0) + 1
    listed = len(rows)
    by_status = {s: sum(1 for r in rows if r["status"] == s) for s in (OK, NOT_ADMITTED, ABSENT_FROM_EXAM, PENDING)}
    quality = sum(counts.get(letter, 0) for letter in QUALITY_LETTERS)
    return {
        "letters": [{"letter": letter, "count": n} for letter, n in counts.items()],
        "listed": listed,
        "passed": by_status[OK],
        "not_admitted": by_status[NOT_ADMITTED],
        "absent": by_status[ABSENT_FROM_EXAM],
        "pending": by_status[PENDING],
        "quality_count": quality,
        "quality": percent(quality, listed),
        "pass_rate": percent(by_status[OK], listed),
        "not_admitted_word": STATUS_WORDS[NOT_ADMITTED][lang],
        "absent_word": STATUS_WORDS[ABSENT_FROM_EXAM][lang],
    }


def _examiners(journals: list[Journal], lang: str) -> list[dict]:
    seen, people = set(), []
    for j in journals:
        for t in sorted(j.staff, key=lambda t: (t.role != "teacher", t.id)):
            if t.user_id in seen:
                continue
            seen.add(t.user_id)
            p = person(t.user, lang)
            p["substitute"] = t.role == "substitute"
            p["label"] = p["full_name"] + (f" ({word('substitute', None, lang)})" if p["substitute"] else "")
            people.append(p)
    return people


def _reopen(request: ReopenRequest | None, lang: str) -> dict | None:
    if request is None:
        return None
    return {"number": request.id, "filed": short_date(request.created_at),
            "kind": word("reopen", request.kind, lang),
            "protocol_no": request.protocol_no or "", "protocol_date": short_date(request.protocol_date),
            "granted": short_date(request.granted_at), "teacher": person(request.teacher, lang)["full_name"]}


def build(data: dict, lang: str) -> dict:
    scope = scope_of(data)
    journal, item = scope.exam_journal, scope.exam_journal.item
    group, program = journal.group, journal.group.program
    exam_date = data.get("exam_date") or journal.final_control
    # Examiners: of the exam (a discipline, an integrated discipline's last block), or of
    # every modular discipline's exam.
    examined = scope.journals if scope.layout == "module" else [journal]
    examiners = _examiners(examined, lang)
    by_part = {j.part_id: j for j in scope.journals}
    parts = [{"n": i, "code": p.code, "name": p.name(lang), "credits": p.credits,
              "department": p.department.name(lang),
              "examiners": ", ".join(e["full_name"] for e in _examiners([by_part[p.id]], lang)) if p.id in by_part else "",
              "exam_date": short_date(by_part[p.id].final_control) if p.id in by_part else ""}
             for i, p in enumerate(item.parts, 1)] if scope.layout != "discipline" else []
    headers, rows = rows_of(scope, lang)
    department = scope.owner.department
    school, unit = unit_forms(journal.school.name(lang), lang), unit_forms(department.name(lang), lang)
    head = fill(word("head", None, lang), department=unit["head"])
    signatures = ([{"position": word("examiner", None, lang), "name": e["short_name"]} for e in examiners]
                  + [{"position": head, "name": person(department.head, lang)["short_name"]},
                     {"position": word("inspector", None, lang), "name": ""}])
    period = journal.period
    return {
        "vedomost": {
            "kind": scope.kind,
            "kind_word": word("kind", scope.kind, lang),
            "layout": scope.layout,
            "journal": scope.owner.code,
            # a name's head word is its label («Кафедра | патологической физиологии»), said once;
            # "" for a name of another shape: the words' label then
            "school_kind": school["kind"], "school": school["proper"],
            "program": f"{program.code} {program.name(lang)}",
            "course": group.course,
            "group": group.code,
            "department_kind": unit["kind"], "department": unit["proper"],
            "item_label": word("item", item.kind, lang),
            "discipline": f"{item.code} {item.name(lang)}",
            "parts_label": word("parts", item.kind, lang) if parts else "",
            "credits": item.credits,
            "period": f"{period.academic_year} {word('year', None, lang)}, {word('term', period.term, lang)}",
            "control": word("control", item.control, lang),
            "exam_date": short_date(exam_date),
            "examiners": ", ".join(e["label"] for e in examiners),
        },
        "parts": parts,
        "reopen": _reopen(scope.request, lang),
        "comp_headers": headers,
        "rows": rows,
        "totals": totals_of(rows, lang),
        "signatures": signatures,
        "date_line": word("date_line", None, lang),
    }
