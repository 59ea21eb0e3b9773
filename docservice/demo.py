"""A deterministic demo faculty in the exchange format ``docservice-dataset/1`` (SPEC §7).

``build_demo_dataset()`` returns a dict shaped exactly like ``shared/sample-dataset.json``
but large enough to look like a real faculty: four schools, twelve departments, four
programmes, fourteen groups of 18–28 students, the first semester's curriculum with all
three kinds of items, one journal per item (or block / modular part) and group, each with
its KTP lessons, and a mark in every cell.

The faculty's data — the institution, its schools, departments, programmes and groups, the
people of the sample, the name lists, the curriculum and the KTP topics — are data files in
``docservice/samples/demo/``; this module lays them out. Dates are drawn for one reference
day (``demo_calendar.REFERENCE_DAY``, late November) and moved by whole weeks to the day the
demo is loaded on, so the demo is always in the middle of a semester:
- about half of the journals had their final control before the reference day's Friday
  before (exam held, the 3-day closing deadline passed), the others are still open for up
  to four weeks, a few of them due within days;
- two short courses (≤ 5 days) have a lesson every day (SOP KK 15);
- each student has an ability that drives every mark, so a group has strong and weak
  students, and the vedomosts show every outcome: not admitted (РД < 50), absent from
  the exam, FX (exam 25–49) and F (exam 0–24);
- ``load_demo`` files reopen requests at every step of the chain on journals past their
  deadline (``reopenings.json``).

The sample's logins and codes are kept where they fit (``dean.gm``, ``head.anat``,
``t.anat1``, ``or.head``, ``it.admin``, ``methodist``; GM, PH; ANAT, PHYS, CHEM; 6B10101,
6B10106; ANA2101, PHS2102, MOD2103, CHE2104, LAT2105), so demo users match the docs.

Pure standard library: one ``random.Random(seed)`` makes every choice, in a fixed order,
so the same seed and day give the same dict.  ``python -m docservice.demo > demo.json``
dumps the reference day's.
"""
from __future__ import annotations

import itertools
import json
import random
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

from .demo_calendar import REFERENCE_DAY, DemoCalendar

# The password the lead's seeding sets for every demo user (kept here so docs agree).
DEMO_PASSWORD = "Demo-2026-kaznmu"  # meets the password policy (docservice.users.check_new_password)

DATA = Path(__file__).resolve().parent / "samples" / "demo"

FORMAT = "docservice-dataset/1"
# The dates and labels below are the reference day's; DemoCalendar moves them (see above).
ACADEMIC_YEAR = "2026-2027"
PERIOD = "2026-2027/1"
SEMESTER = 1
SEMESTER_START = date(2026, 9, 1)

# Final controls before this day: exam held and the 3-day closing deadline passed by the
# time the demo is shown (late November). The others are still open.
EXAM_HELD_BEFORE = date(2026, 11, 20)
CLOSED_FINAL_CONTROLS = (date(2026, 11, 2), date(2026, 11, 16))   # deadline ≤ 19 Nov
OPEN_FINAL_CONTROLS = (date(2026, 11, 24), date(2026, 12, 18))
# Short courses run Monday–Thursday with the final control on Friday (5 days in all).
SHORT_COURSE_MONDAYS = (date(2026, 10, 5), date(2026, 11, 9))

ADMISSION_MIN = 50          # РД below this: not admitted to the exam (SPEC §3)
ABSENT = "н/б"
CREDIT_TRANSFER = {"value": ABSENT, "note": "перезачет"}


def _data(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


# --- institution (samples/demo/faculty.json) ---------------------------------------------------

FACULTY = _data("faculty.json")
MAIL_DOMAIN = FACULTY["mail_domain"]
# The official name with its legal form, as the procedures' headers carry it (SPEC §5): every
# document's header prints it whole.
UNIVERSITY = FACULTY["university"]
# Addressees of the documents: the same people as in the sample (and as the staff below).
# ``to`` is the line a letter addresses them with, as the forms print it: the dative in Russian
# (RU Form 1 «Руководителю Департамента цифровизации»), the nominative in Kazakh (KK Form 2
# «Ақпараттық технологиялар департаментінің басшысы»).
SETTINGS = FACULTY["settings"]
# (code, kk, ru, dean login)
SCHOOLS = [(s["code"], s["name"]["kk"], s["name"]["ru"], s["dean"]) for s in FACULTY["schools"]]


@dataclass(frozen=True)
class Department:
    code: str
    school: str
    kk: str
    ru: str
    lesson_type: str        # what its classes usually are: practical, laboratory, seminar
    rooms: tuple[str, ...]


DEPARTMENTS = [Department(d["code"], d["school"], d["name"]["kk"], d["name"]["ru"], d["lesson_type"],
                          tuple(d["rooms"])) for d in FACULTY["departments"]]
DEPARTMENT = {d.code: d for d in DEPARTMENTS}

# (code, school, kk, ru, two digits of the record-book number)
PROGRAMS = [(p["code"], p["school"], p["name"]["kk"], p["name"]["ru"], p["record_book"])
            for p in FACULTY["programs"]]
RECORD_BOOK_CODE = {code: rb for code, _, _, _, rb in PROGRAMS}

# (code, programme, course, language). The code is prefix-entry year-number-language letter
# (к/р/а); entry year = 2027 − course in 2026-2027; numbers run through the entry year.
GROUPS = [(g["code"], g["program"], g["course"], g["language"]) for g in FACULTY["groups"]]
GROUP_SIZE = (18, 28)

HEAD_POSITION = FACULTY["positions"]["head"]
# A generated department: one associate professor, one senior lecturer, assistants.
TEACHER_POSITIONS = FACULTY["positions"]["teachers"]
# A teacher's position as a letter says whom it is from (the explanatory note): ru after «от»,
# in the genitive, kk the possessive that follows the department («… кафедрасының аға оқытушысы»).
POSITION_FROM = FACULTY["positions"]["from"]


def _staff(login, full_name, kk, ru, roles, department=None, email=None, school=None) -> dict:
    record = {"login": login, "full_name": full_name, "position": {"kk": kk, "ru": ru},
              "department": department, "email": email or f"{login}@{MAIL_DOMAIN}", "roles": roles}
    if ru in POSITION_FROM:
        record["position_from"] = POSITION_FROM[ru]
    if school:
        record["school"] = school
    return record


# People named in the sample (and in the documentation) keep their logins and names.
# Only t.chem2 is renamed: in the sample it is a namesake of the dean of pharmacy.
FIXED_STAFF = [
    _staff(s["login"], s["full_name"], s["position"]["kk"], s["position"]["ru"], s["roles"],
           department=s.get("department"), school=s.get("school"),
           email=f"{s['email']}@{MAIL_DOMAIN}" if "email" in s else None)
    for s in FACULTY["staff"]]

# --- names (samples/demo/names.json) ---------------------------------------------------------
# Male surname forms; the female form is made by _feminine (Сейітов → Сейітова).

NAMES = _data("names.json")
KK_SURNAMES, KK_MALE, KK_FEMALE = (NAMES["kazakh_kk"][k] for k in ("surnames", "male", "female"))
# The same kind of names as they are written in Russian documents (no Kazakh letters).
KZ_RU_SURNAMES, KZ_RU_MALE, KZ_RU_FEMALE = (NAMES["kazakh_ru"][k] for k in ("surnames", "male", "female"))
RU_SURNAMES = NAMES["russian"]["surnames"]
# Russian first names with their patronymics (irregular ones such as Ильич make a table simpler
# than rules): name, patronymic of a son, of a daughter.
RU_MALE = [tuple(row) for row in NAMES["russian"]["male"]]
RU_FEMALE = NAMES["russian"]["female"]
# Surnames that do not change with gender (Korean, Ukrainian, German families of Kazakhstan).
INVARIANT_SURNAMES = NAMES["invariant_surnames"]

# Medical universities admit more women than men.
FEMALE_SHARE = 0.62
# Who studies in a Russian (or English) group: Kazakh names in Russian spelling, Russian
# names, and families with an invariant surname (Ким Ольга Викторовна).
RU_GROUP_MIX = (("kazakh", 0.55), ("russian", 0.33), ("invariant", 0.12))
# Teachers of a generated department: most are Kazakh, written in Kazakh.
STAFF_KAZAKH_SHARE = 0.7

# --- curriculum (samples/demo/curriculum.json, topics.json) -----------------------------------


@dataclass(frozen=True)
class Unit:
    """A block of an integrated discipline or a modular discipline of a module."""

    kk: str
    ru: str
    department: str
    credits: int | None = None
    topics: str | None = None


@dataclass(frozen=True)
class Item:
    code: str
    kk: str
    ru: str
    kind: str
    credits: int
    department: str
    units: tuple[Unit, ...] = ()
    topics: str | None = None
    short: bool = False     # a course of ≤ 5 days with a lesson every day
    lesson_type: str | None = None  # when not the department's usual kind of class


def _unit(row: dict) -> Unit:
    return Unit(row["name"]["kk"], row["name"]["ru"], row["department"], credits=row.get("credits"),
                topics=row.get("topics"))


def _item(row: dict) -> Item:
    units = tuple(_unit(u) for u in row.get("blocks") or row.get("parts") or ())
    # A module's credits are those of its modular disciplines.
    credits = sum(u.credits for u in units) if row["kind"] == "module" else row["credits"]
    return Item(row["code"], row["name"]["kk"], row["name"]["ru"], row["kind"], credits, row["department"],
                units=units, topics=row.get("topics"), short=row.get("short", False),
                lesson_type=row.get("lesson_type"))


# Semester 1 of 2026-2027 per (programme, course). Codes: subject, course, semester, number
# (numbers run through the course); block and part codes add "-1", "-2", ...
CURRICULUM = {(row["program"], row["course"]): [_item(item) for item in row["items"]]
              for row in _data("curriculum.json")["curriculum"]}
# KTP topics (kk, ru) by key; a subject without a list gets numbered topics, as in the sample.
TOPICS = {key: [tuple(topic) for topic in rows] for key, rows in _data("topics.json")["topics"].items()}

TIME_SLOTS = ["08:00-09:40", "09:00-10:40", "10:50-12:30", "13:00-14:40", "14:50-16:30"]
LESSON_HOURS = 2                    # one "pair" of 100 minutes
SHORT_COURSE_TIME, SHORT_COURSE_HOURS = "09:00-12:20", 4
LESSONS_PER_JOURNAL = (6, 12)
SECOND_TEACHER_SHARE = 0.15         # journals kept by two teachers
LECTURE_FIRST_SHARE = 0.25          # journals whose first KTP row is an introductory lecture

# --- marks ---------------------------------------------------------------------------------
# Every mark follows the student's ability, shifted per subject, so a group has strong and
# weak students and a strong student is strong everywhere.
ABILITY = (74, 11)                  # mean, spread of a regular student's ability
ABILITY_RANGE = (60, 98)
WEAK_ABILITY = (34, 46)             # a weak student: mostly not admitted (РД < 50)
WEAK_STUDENTS = 6                   # one in each of this many groups
SUBJECT_SPREAD, STUDENT_SUBJECT_SPREAD = 3, 3
LESSON_SPREAD, CONTROL_SPREAD, EXAM_SPREAD = 8, 7, 10
ABSENCE_RATE, WEAK_ABSENCE_RATE = 0.035, 0.12
TRANSFER_RATE = 0.005               # н/б with the note перезачет (dean's order)
UNPREPARED_RATE = 0.006             # present but unprepared: 0
EXAM_ABSENCE_RATE = 0.02
EXAM_COLLAPSE_RATE = 0.004          # an exam that went very wrong: 0–24, F
# Every outcome a vedomost shows must be present whatever the seed (see _ensure_outcomes).
MIN_EXAM_ABSENT, MIN_FX, MIN_F = 3, 3, 2


# --- building ------------------------------------------------------------------------------

def build_demo_dataset(seed: int = 2026, today: date = REFERENCE_DAY) -> dict:
    """The demo faculty as a ``docservice-dataset/1`` dict laid out on ``today`` (see
    demo_calendar); the same seed and day give the same dict."""
    return DemoCalendar(today).lay_out(_draw(seed))


def _draw(seed: int) -> dict:
    """The demo faculty on the reference day."""
    rng = random.Random(seed)
    names = _Names(rng, taken=[s["full_name"] for s in FIXED_STAFF])
    staff = _build_staff(rng, names)
    students, abilities = _build_students(rng, names)
    journals, marks = _build_journals(rng, staff, students, abilities)
    return {
        "format": FORMAT,
        "university": _copy(UNIVERSITY),
        "academic_year": ACADEMIC_YEAR,
        "settings": _copy(SETTINGS),
        "schools": [{"code": c, "name": _text(kk, ru), "dean": dean} for c, kk, ru, dean in SCHOOLS],
        "departments": [{"code": d.code, "school": d.school, "name": _text(d.kk, d.ru),
                         "head": f"head.{d.code.lower()}"} for d in DEPARTMENTS],
        "programs": [{"code": c, "name": _text(kk, ru), "school": s} for c, s, kk, ru, _ in PROGRAMS],
        "staff": staff,
        "groups": [{"code": c, "program": p, "course": k, "language": lang} for c, p, k, lang in GROUPS],
        "students": students,
        "curriculum": [_curriculum_record(item, program, course)
                       for (program, course), items in CURRICULUM.items() for item in items],
        "journals": journals,
        "marks": marks,
    }


def _text(kk: str, ru: str) -> dict:
    return {"kk": kk, "ru": ru}


def _copy(data):
    # The constants stay untouched whatever a caller does with the result.
    return json.loads(json.dumps(data))


# --- people --------------------------------------------------------------------------------

def _feminine(surname: str) -> str:
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    if surname.endswith("ский"):
        return surname[:-2] + "ая"
    return surname          # Ким, Шевченко, Ковальчук do not change


def _kazakh_ru_patronymic(father: str, female: bool) -> str:
    # Ансаган → Ансаганович / Ансагановна; Ергали → Ергалиевич / Ергалиевна.
    stem = father + "ев" if father.endswith("и") else father + "ов"
    return stem + ("на" if female else "ич")


class _Names:
    """Realistic full names (surname, first name, patronymic), never the same one twice."""

    def __init__(self, rng: random.Random, taken=()):
        self.rng = rng
        self.used = set(taken)

    def kazakh_kk(self, female: bool) -> str:
        r = self.rng
        surname = r.choice(KK_SURNAMES)
        first = r.choice(KK_FEMALE if female else KK_MALE)
        father = r.choice(KK_MALE)
        if female:
            return f"{_feminine(surname)} {first} {father}қызы"
        return f"{surname} {first} {father}ұлы"

    def kazakh_ru(self, female: bool) -> str:
        r = self.rng
        surname = r.choice(KZ_RU_SURNAMES)
        first = r.choice(KZ_RU_FEMALE if female else KZ_RU_MALE)
        father = r.choice(KZ_RU_MALE)
        surname = _feminine(surname) if female else surname
        return f"{surname} {first} {_kazakh_ru_patronymic(father, female)}"

    def russian(self, female: bool, invariant: bool = False) -> str:
        r = self.rng
        surname = r.choice(INVARIANT_SURNAMES if invariant else RU_SURNAMES)
        first = r.choice(RU_FEMALE) if female else r.choice(RU_MALE)[0]
        _, son, daughter = r.choice(RU_MALE)
        if female:
            return f"{_feminine(surname)} {first} {daughter}"
        return f"{surname} {first} {son}"

    def student(self, language: str) -> str:
        female = self.rng.random() < FEMALE_SHARE
        if language == "kk":
            return self._unique(lambda: self.kazakh_kk(female))
        kind = self._pick(RU_GROUP_MIX)
        if kind == "kazakh":
            return self._unique(lambda: self.kazakh_ru(female))
        return self._unique(lambda: self.russian(female, invariant=kind == "invariant"))

    def teacher(self) -> str:
        female = self.rng.random() < FEMALE_SHARE
        if self.rng.random() < STAFF_KAZAKH_SHARE:
            return self._unique(lambda: self.kazakh_kk(female))
        return self._unique(lambda: self.russian(female, invariant=self.rng.random() < 0.25))

    def _pick(self, weighted) -> str:
        x = self.rng.random()
        for value, weight in weighted:
            if x < weight:
                return value
            x -= weight
        return weighted[-1][0]

    def _unique(self, make) -> str:
        for _ in range(1000):
            name = make()
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("name lists too short for a unique name")


def _build_staff(rng: random.Random, names: _Names) -> list[dict]:
    """The fixed people of the sample, then a head and 3–4 teachers for every other department."""
    staff = _copy(FIXED_STAFF)
    staffed = {s["department"] for s in FIXED_STAFF if s["department"]}
    for dep in DEPARTMENTS:
        if dep.code in staffed:
            continue
        low = dep.code.lower()
        staff.append(_staff(f"head.{low}", names.teacher(), HEAD_POSITION["kk"], HEAD_POSITION["ru"],
                            ["teacher", "head_of_department"], department=dep.code))
        for i in range(rng.randint(3, 4)):
            pos = TEACHER_POSITIONS[i]
            staff.append(_staff(f"t.{low}{i + 1}", names.teacher(), pos["kk"], pos["ru"], ["teacher"],
                                department=dep.code))
    return staff


@dataclass(frozen=True)
class _Profile:
    ability: float
    absence: float


def _build_students(rng: random.Random, names: _Names) -> tuple[list[dict], dict]:
    """Students of every group with record-book numbers: entry year, programme, serial."""
    weak_groups = set(rng.sample([g[0] for g in GROUPS], WEAK_STUDENTS))
    serial_by_stream: dict[tuple, itertools.count] = {}
    students, abilities = [], {}
    for code, program, course, language in GROUPS:
        entry = 2027 - course
        stream = serial_by_stream.setdefault((entry, program), itertools.count(1))
        size = rng.randint(*GROUP_SIZE)
        weak_seat = rng.randrange(size) if code in weak_groups else None
        for seat in range(size):
            sid = f"{entry % 100:02d}{RECORD_BOOK_CODE[program]}{next(stream):04d}"
            students.append({"id": sid, "full_name": names.student(language), "group": code})
            abilities[sid] = _ability(rng, weak=seat == weak_seat)
    return students, abilities


def _ability(rng: random.Random, weak: bool) -> _Profile:
    if weak:
        return _Profile(rng.uniform(*WEAK_ABILITY), WEAK_ABSENCE_RATE)
    return _Profile(_clamp(rng.gauss(*ABILITY), *ABILITY_RANGE), ABSENCE_RATE)


# --- curriculum and journals ---------------------------------------------------------------

def _curriculum_record(item: Item, program: str, course: int) -> dict:
    record = {"code": item.code, "name": _text(item.kk, item.ru), "kind": item.kind,
              "credits": item.credits, "department": item.department, "program": program,
              "course": course, "semester": SEMESTER, "control": "exam"}
    if item.kind == "integrated":
        record["blocks"] = [{"code": code, "name": _text(u.kk, u.ru), "department": u.department}
                            for code, u in _units(item)]
    elif item.kind == "module":
        record["parts"] = [{"code": code, "name": _text(u.kk, u.ru), "credits": u.credits,
                            "department": u.department} for code, u in _units(item)]
    return record


def _units(item: Item) -> list[tuple[str, Unit]]:
    return [(f"{item.code}-{i}", u) for i, u in enumerate(item.units, 1)]


class _TeacherRota:
    """Hands out a department's teachers in turn, so everybody keeps some journals."""

    def __init__(self, rng: random.Random, staff: list[dict]):
        self.rng = rng
        self.cycles = {}
        for dep in DEPARTMENTS:
            logins = [s["login"] for s in staff if s["department"] == dep.code and "teacher" in s["roles"]]
            rng.shuffle(logins)
            self.cycles[dep.code] = (itertools.cycle(logins), len(logins))

    def teachers(self, department: str) -> list[str]:
        cycle, size = self.cycles[department]
        chosen = [next(cycle)]
        if size > 1 and self.rng.random() < SECOND_TEACHER_SHARE:
            chosen.append(next(cycle))
        return chosen


def _build_journals(rng, staff, students, abilities) -> tuple[list[dict], list[dict]]:
    """One journal per curriculum item (or block / part) and group, with the marks of its students."""
    rota = _TeacherRota(rng, staff)
    members: dict[str, list[str]] = {}
    for s in students:
        members.setdefault(s["group"], []).append(s["id"])
    journals, marks, outcomes = [], [], _Outcomes()
    ids = (f"D{n:04d}" for n in itertools.count(1))
    for group, program, course, _ in GROUPS:
        items = CURRICULUM[(program, course)]
        closed = _closed_items(rng, items)
        for item in items:
            levels = {sid: _subject_level(rng, abilities[sid]) for sid in members[group]}
            units = _units(item) or [(None, None)]
            controls = _final_controls(rng, item, len(units), item.code in closed)
            ratings: dict[str, list[Fraction]] = {sid: [] for sid in members[group]}
            for k, ((part_code, unit), final_control) in enumerate(zip(units, controls)):
                department = unit.department if unit else item.department
                topics = unit.topics if unit else item.topics
                journal = {
                    "id": next(ids), "curriculum_item": item.code, "part": part_code, "group": group,
                    "period": PERIOD, "teachers": rota.teachers(department),
                    "final_control": final_control.isoformat(),
                    "lessons": _lessons(rng, item, department, topics, final_control),
                }
                journals.append(journal)
                # The exam is held once the final control is past: in a discipline's journal,
                # in every modular part, and for an integrated discipline in its last block only.
                holds_exam = final_control < EXAM_HELD_BEFORE and (
                    item.kind != "integrated" or k == len(units) - 1)
                for sid in members[group]:
                    rating = _student_marks(rng, journal, sid, levels[sid], abilities[sid], marks)
                    ratings[sid].append(rating)
                    if holds_exam:
                        # An integrated discipline's РД is over all its blocks (SPEC §3).
                        rd = _mean(ratings[sid]) if item.kind == "integrated" else rating
                        _exam(rng, journal, sid, levels[sid], rd, marks, outcomes)
    _ensure_outcomes(rng, outcomes)
    return journals, marks


def _closed_items(rng: random.Random, items: list[Item]) -> set[str]:
    """Subjects whose final control was before 20 November: about half of the group's journals
    (counting blocks and parts). Short courses always are (they run in October–early November)."""
    def journals(item):
        return max(1, len(item.units))

    half = sum(journals(i) for i in items) / 2
    closed = [i for i in items if i.short]
    for item in rng.sample([i for i in items if not i.short], len(items) - len(closed)):
        if sum(journals(i) for i in closed) + journals(item) / 2 <= half:
            closed.append(item)
    return {i.code for i in closed}


def _weekdays(first: date, last: date) -> list[date]:
    return [first + timedelta(n) for n in range((last - first).days + 1)
            if (first + timedelta(n)).weekday() < 5]


def _final_controls(rng, item: Item, count: int, closed: bool) -> list[date]:
    if item.short:
        mondays = [d for d in _weekdays(*SHORT_COURSE_MONDAYS) if d.weekday() == 0]
        return [rng.choice(mondays) + timedelta(4)]          # Friday of the course week
    days = _weekdays(*(CLOSED_FINAL_CONTROLS if closed else OPEN_FINAL_CONTROLS))
    if item.kind == "integrated":
        # The last block is the department that completes the teaching: it ends last.
        return sorted(rng.sample(days, count))
    return [rng.choice(days) for _ in range(count)]


def _lessons(rng, item: Item, department: str, topics: str | None, final_control: date) -> list[dict]:
    dep = DEPARTMENT[department]
    if item.short:
        # A lesson every day from Monday to Thursday, the final control on Friday (SOP KK 15).
        dates = [final_control - timedelta(days) for days in (4, 3, 2, 1)]
        time, hours = SHORT_COURSE_TIME, SHORT_COURSE_HOURS
    else:
        dates = _weekly_dates(rng, final_control)
        time, hours = rng.choice(TIME_SLOTS), LESSON_HOURS
    types = [item.lesson_type or dep.lesson_type] * len(dates)
    if not item.short and rng.random() < LECTURE_FIRST_SHARE:
        types[0] = "lecture"
    room = rng.choice(dep.rooms)    # a group keeps its room for the whole course
    return [{"date": d.isoformat(), "time": time, "topic": _topic(topics, n), "type": kind,
             "hours": hours, "room": room}
            for n, (d, kind) in enumerate(zip(dates, types), 1)]


def _weekly_dates(rng, final_control: date) -> list[date]:
    """6–12 lessons on the same weekday from the start of the semester, all before the final control."""
    weekday = rng.randrange(5)
    first = SEMESTER_START + timedelta((weekday - SEMESTER_START.weekday()) % 7)
    possible = [first + timedelta(7 * k) for k in range(20) if first + timedelta(7 * k) < final_control]
    return possible[: rng.randint(*LESSONS_PER_JOURNAL)]


def _topic(key: str | None, n: int) -> dict:
    topics = TOPICS.get(key or "", [])
    if n <= len(topics):
        kk, ru = topics[n - 1]
        return _text(f"Тақырып {n}. {kk}", f"Тема {n}. {ru}")
    return _text(f"Тақырып {n}", f"Тема {n}")


# --- marks ---------------------------------------------------------------------------------

def _clamp(x: float, low: float = 0, high: float = 100) -> float:
    return max(low, min(high, x))


def _score(rng: random.Random, level: float, spread: float) -> int:
    return int(_clamp(round(rng.gauss(level, spread))))


def _mean(values) -> Fraction:
    return Fraction(sum(values), len(values))


def _subject_level(rng: random.Random, student: _Profile) -> float:
    return student.ability + rng.gauss(0, SUBJECT_SPREAD) + rng.gauss(0, STUDENT_SUBJECT_SPREAD)


def _lesson_mark(rng: random.Random, level: float, absence: float):
    x = rng.random()
    if x < TRANSFER_RATE:
        return dict(CREDIT_TRANSFER)
    if x < TRANSFER_RATE + absence:
        return ABSENT
    if x < TRANSFER_RATE + absence + UNPREPARED_RATE:
        return 0
    return _score(rng, level, LESSON_SPREAD)


def _student_marks(rng, journal: dict, sid: str, level: float, student: _Profile, marks: list) -> Fraction:
    """Lesson and midterm marks of one student in one journal; returns the journal's РД
    computed as the default scheme does (н/б = 0, перезачет left out, mean of ТК, РК1, РК2)."""
    level += rng.gauss(0, 2)        # blocks and parts of one subject differ a little
    counted = []
    for lesson in journal["lessons"]:
        value = _lesson_mark(rng, level, student.absence)
        marks.append({"journal": journal["id"], "student": sid, "column": lesson["date"], "value": value})
        if not isinstance(value, dict):
            counted.append(0 if value == ABSENT else value)
    controls = [_score(rng, level, CONTROL_SPREAD) for _ in ("RK1", "RK2")]
    for column, value in zip(("RK1", "RK2"), controls):
        marks.append({"journal": journal["id"], "student": sid, "column": column, "value": value})
    tk = _mean(counted) if counted else Fraction(0)
    return _mean([tk, *controls])


class _Outcomes:
    """The exam marks written and how many students were not admitted, for _ensure_outcomes."""

    def __init__(self):
        self.exams: list[dict] = []
        self.not_admitted = 0


def _exam(rng, journal: dict, sid: str, level: float, rd: Fraction, marks: list, outcomes: _Outcomes):
    if rd < ADMISSION_MIN:
        outcomes.not_admitted += 1      # not admitted: no exam mark at all
        return
    x = rng.random()
    if x < EXAM_ABSENCE_RATE:
        value = ABSENT
    elif x < EXAM_ABSENCE_RATE + EXAM_COLLAPSE_RATE:
        value = rng.randint(3, 24)
    else:
        value = _score(rng, level - 1, EXAM_SPREAD)
    mark = {"journal": journal["id"], "student": sid, "column": "EXAM", "value": value}
    marks.append(mark)
    outcomes.exams.append(mark)


def _ensure_outcomes(rng: random.Random, outcomes: _Outcomes) -> None:
    """Make sure the vedomosts show absent examinees, FX and F whatever the seed: turn a few
    passed exams into them. (Not-admitted students come from the weak students.)"""
    def count(test):
        return sum(1 for m in outcomes.exams if test(m["value"]))

    def is_int(v):
        return isinstance(v, int)

    wanted = [
        (lambda v: v == ABSENT, MIN_EXAM_ABSENT, lambda: ABSENT),
        (lambda v: is_int(v) and 25 <= v <= 49, MIN_FX, lambda: rng.randint(28, 48)),
        (lambda v: is_int(v) and v <= 24, MIN_F, lambda: rng.randint(5, 22)),
    ]
    for test, minimum, make in wanted:
        missing = minimum - count(test)
        if missing <= 0:
            continue
        passed = [m for m in outcomes.exams if is_int(m["value"]) and m["value"] >= 50]
        for mark in rng.sample(passed, min(missing, len(passed))):
            mark["value"] = make()


def main(argv: list[str]) -> None:
    seed = int(argv[1]) if len(argv) > 1 else 2026
    print(json.dumps(build_demo_dataset(seed), ensure_ascii=False, indent=1))


def load_demo(today: date | None = None):
    """Import the demo faculty into the store (as the system), laid out on ``today`` (by default
    the clock's day), and give every demo user the demo password, so the service can be tried
    at once."""
    from sqlalchemy import select

    from .clock import today as clock_today
    from .importer import import_dataset
    from .models import User, db
    from .nomenclature import load_sample
    from .users import set_password

    calendar = DemoCalendar(today or clock_today())
    data = build_demo_dataset(today=calendar.today)
    summary = import_dataset(None, data)
    logins = [s["login"] for s in data["staff"]]
    users = db.session.scalars(select(User).where(User.login.in_(logins))).all()
    set_password(users[0], DEMO_PASSWORD, must_change=False)
    for user in users[1:]:  # one hash for all: hashing is slow on purpose, and it's the same password
        user.password_hash, user.must_change_password = users[0].password_hash, False
    db.session.commit()
    _closed_in_time(calendar)
    _demo_reopenings()
    load_sample()  # the registrar's nomenclature of files, for archive printing
    return summary


# A few teachers closed their journals in time, on the day of the final control: every second
# journal whose final control was on one of these days (of the reference calendar). The other
# journals past their deadline are locked.
CLOSED_IN_TIME_ON = (date(2026, 11, 3), date(2026, 11, 4))


def _closed_in_time(calendar: DemoCalendar) -> None:
    from datetime import datetime, time

    from sqlalchemy import select

    from .journals import record_event
    from .models import CLOSED, OPEN, Journal, db

    days = {date.fromisoformat(calendar.day(d.isoformat())) for d in CLOSED_IN_TIME_ON}
    journals = [j for j in db.session.scalars(select(Journal).order_by(Journal.code))
                if j.final_control in days and j.state == OPEN]
    for journal in journals[::2]:
        teacher = next(t.user for t in journal.staff if t.role == "teacher")
        at = datetime.combine(journal.final_control, time(16, 0))
        journal.state, journal.closed_at, journal.closed_late = CLOSED, at, False
        record_event(journal, teacher, "closed", at, late=False)
    db.session.commit()


# Reopen requests of the demo, one in each state of the chain, made through the workflow by
# the people whose step it is, on journals already past their deadline: (kind, how far, reason).
DEMO_REOPENINGS = [(r["kind"], r["reached"], r["reason"]) for r in _data("reopenings.json")["reopenings"]]


def _demo_reopenings() -> None:
    from sqlalchemy import select

    from . import reopen
    from .clock import now
    from .journals import sync_lock
    from .models import LOCKED, Journal, User, db

    registrar_head = db.session.scalar(select(User).join(User.role_rows).where(
        User.role_rows.any(role="registrar_head")))
    steps = ["filed", "visaed", "approved", "granted", "completed"]
    overdue = []
    for journal in db.session.scalars(select(Journal).order_by(Journal.code)):
        sync_lock(journal, now())
        if journal.state == LOCKED and journal.department.head and journal.school.dean:
            overdue.append(journal)
    for journal, (kind, goal, reason) in zip(overdue[::7], DEMO_REOPENINGS):
        teacher = next(t.user for t in journal.staff if t.role == "teacher")
        request = reopen.file_request(teacher, journal, kind, reason, detected_on=now().date() - timedelta(days=1))
        reached = steps.index(goal)
        if kind == "with_change" and reached >= 1:
            reopen.visa(journal.department.head, request)
        if kind == "with_change" and reached >= 2:
            reopen.decide(journal.school.dean, request, "12", now().date())
        if reached >= 3:
            reopen.grant(registrar_head, request)
        if reached >= 4:
            reopen.complete(teacher, request)


if __name__ == "__main__":
    main(sys.argv)
