"""A synthetic faculty in the ``docservice-dataset/1`` format, built in code (deterministic).

- group ``БН-30р``: 30 students, one discipline (journal ``B30``);
- groups ``БН-150р`` and ``БН-300р``: 150 and 300 students, one discipline (journals ``B150``,
  ``B300``);
- group ``БН-25р``: 25 students, 12 disciplines (journals ``S01`` … ``S12``), for the summary vedomost.

``archive_faculty(n)`` builds another faculty for the archive benchmark (``benchmarks/archive.py``):
``n`` journals of 30 students each in the one period, twelve disciplines to a group of 30.

Every journal has 10 lessons, and every student a mark for each lesson, RK1, RK2 and the
exam (a few ``н/б``, a few fails, a few not admitted), so the documents show real results.
"""
from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "docservice" / "samples" / "sample-dataset.json"
PERIOD = "2026-2027/1"
PROGRAM = "6B10101"

VEDOMOST_30 = "B30"
VEDOMOST_150 = "B150"
VEDOMOST_300 = "B300"
SUMMARY_GROUP = "БН-25р"
SUMMARY_JOURNALS = [f"S{i:02d}" for i in range(1, 13)]

SURNAMES = ["Нұрғалиев", "Сәрсенбаев", "Жұмабаев", "Оразбеков", "Төлеуов", "Әбенов", "Қасымов", "Мұхамедияров",
            "Иванов", "Петренко", "Ким", "Смағұлов", "Бекмұхамбетов", "Ахметов", "Құрманғалиев", "Ерғалиев"]
MALE = ["Ерлан", "Нұрсұлтан", "Әлихан", "Жәнібек", "Іліяс", "Дәулет", "Тимур", "Мағжан", "Сергей", "Арман"]
FEMALE = ["Дана", "Үміт", "Мөлдір", "Құралай", "Сәуле", "Гүлнұр", "Меруерт", "Аружан", "Ольга", "Айгерім"]
FATHERS = ["Ерлан", "Мұрат", "Тимур", "Ерғали", "Өмірзақ", "Жәнібек", "Сәкен", "Төлеген", "Мағжан", "Дәулет"]
DISCIPLINES = [("Адам анатомиясы", "Анатомия человека"), ("Гистология", "Гистология"),
               ("Қалыпты физиология", "Нормальная физиология"), ("Биохимия", "Биохимия"),
               ("Микробиология", "Микробиология"), ("Латын тілі", "Латинский язык"),
               ("Фармакология", "Фармакология"), ("Патологиялық анатомия", "Патологическая анатомия"),
               ("Қоғамдық денсаулық", "Общественное здоровье"), ("Иммунология", "Иммунология"),
               ("Медициналық генетика", "Медицинская генетика"), ("Кәсіби қазақ тілі", "Профессиональный казахский язык")]
TEACHERS = ["t.anat1", "t.anat2", "t.anat3", "t.phys1", "t.phys2", "t.phys3", "t.chem1", "t.chem2", "t.chem3"]


def _name(rng: random.Random) -> str:
    surname, father = rng.choice(SURNAMES), rng.choice(FATHERS)
    if rng.random() < 0.5:
        return f"{surname} {rng.choice(MALE)} {father}ұлы"
    return f"{surname}а {rng.choice(FEMALE)} {father}қызы"


def _lessons(start: date, n: int = 10) -> list[dict]:
    return [{"date": (start + timedelta(days=7 * i)).isoformat(), "time": "09:00-10:40",
             "topic": {"kk": f"Тақырып {i + 1}", "ru": f"Тема {i + 1}"}, "type": "practical", "hours": 2,
             "room": str(100 + i)} for i in range(n)]


def _marks(rng: random.Random, journal: str, students: list[str], lessons: list[dict]) -> list[dict]:
    out = []
    for sid in students:
        strong = rng.random()
        weak = strong < 0.06  # a few students are not admitted
        for lesson in lessons:
            value = "н/б" if rng.random() < 0.04 else (rng.randint(20, 55) if weak else rng.randint(55, 100))
            out.append({"journal": journal, "student": sid, "column": lesson["date"], "value": value})
        for column in ("RK1", "RK2"):
            out.append({"journal": journal, "student": sid, "column": column,
                        "value": rng.randint(20, 50) if weak else rng.randint(50, 100)})
        exam = "н/б" if strong > 0.97 else (rng.randint(30, 49) if strong < 0.12 else rng.randint(50, 100))
        out.append({"journal": journal, "student": sid, "column": "EXAM", "value": exam})
    return out


def build(seed: int = 2026) -> dict:
    rng = random.Random(seed)
    sample = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data = _base(sample)
    groups = [("БН-30р", 30, "2401"), ("БН-150р", 150, "2404"), ("БН-300р", 300, "2402"), (SUMMARY_GROUP, 25, "2403")]
    data["groups"] = [{"code": code, "program": PROGRAM, "course": 2, "language": "ru"} for code, _, _ in groups]
    data["students"], members = [], {}
    for code, size, prefix in groups:
        members[code] = [f"{prefix}{i:04d}" for i in range(1, size + 1)]
        data["students"] += [{"id": sid, "full_name": _name(rng), "group": code} for sid in members[code]]
    departments = ["ANAT", "PHYS", "CHEM"]
    data["curriculum"] = [
        {"code": f"BEN21{i:02d}", "name": {"kk": kk, "ru": ru}, "kind": "discipline", "credits": rng.choice([2, 3, 4, 5, 6]),
         "department": departments[i % 3], "program": PROGRAM, "course": 2, "semester": 1, "control": "exam"}
        for i, (kk, ru) in enumerate(DISCIPLINES, 1)]
    data["journals"], data["marks"] = [], []

    def journal(jid: str, item: str, group: str, i: int) -> None:
        lessons = _lessons(date(2026, 9, 1) + timedelta(days=i % 5))
        data["journals"].append({"id": jid, "curriculum_item": item, "part": None, "group": group, "period": PERIOD,
                                 "teachers": [TEACHERS[i % len(TEACHERS)]],
                                 "final_control": (date(2026, 11, 10) + timedelta(days=i % 4)).isoformat(),
                                 "lessons": lessons})
        data["marks"] += _marks(rng, jid, members[group], lessons)

    journal(VEDOMOST_30, "BEN2101", "БН-30р", 0)
    journal(VEDOMOST_150, "BEN2101", "БН-150р", 2)
    journal(VEDOMOST_300, "BEN2101", "БН-300р", 1)
    for i, jid in enumerate(SUMMARY_JOURNALS):
        journal(jid, data["curriculum"][i]["code"], SUMMARY_GROUP, i)
    return data


def _base(sample: dict) -> dict:
    return {key: sample[key] for key in ("format", "university", "academic_year", "settings", "schools",
                                         "departments", "programs", "staff")}


def archive_faculty(journals: int, students: int = 30, per_group: int = len(DISCIPLINES), seed: int = 2026) -> dict:
    """``journals`` journals (``A0001`` …) of ``students`` students each in ``PERIOD``: groups
    ``АР-001`` … of ``students`` students, each with ``per_group`` of the twelve disciplines
    (the last group fewer), 10 lessons and every mark (lessons, RK1, RK2, exam) like ``build``.
    Import it, then close the journals (``benchmarks.archive`` does) so their vedomosts are issued."""
    if not 1 <= per_group <= len(DISCIPLINES):
        raise ValueError(f"per_group: 1 … {len(DISCIPLINES)}")
    rng = random.Random(seed)
    data = _base(json.loads(SAMPLE.read_text(encoding="utf-8")))
    departments = ["ANAT", "PHYS", "CHEM"]
    data["curriculum"] = [
        {"code": f"BEN21{i:02d}", "name": {"kk": kk, "ru": ru}, "kind": "discipline",
         "credits": rng.choice([2, 3, 4, 5, 6]), "department": departments[i % 3], "program": PROGRAM,
         "course": 2, "semester": 1, "control": "exam"}
        for i, (kk, ru) in enumerate(DISCIPLINES, 1)]
    data["groups"], data["students"], data["journals"], data["marks"] = [], [], [], []
    n_groups = -(-journals // per_group)
    for g in range(1, n_groups + 1):
        code = f"АР-{g:03d}"
        data["groups"].append({"code": code, "program": PROGRAM, "course": 2, "language": "ru"})
        members = [f"A{g:04d}{i:03d}" for i in range(1, students + 1)]
        data["students"] += [{"id": sid, "full_name": _name(rng), "group": code} for sid in members]
        for d in range(min(per_group, journals - (g - 1) * per_group)):
            i = (g - 1) * per_group + d
            jid = f"A{i + 1:04d}"
            lessons = _lessons(date(2026, 9, 1) + timedelta(days=i % 5))
            data["journals"].append({"id": jid, "curriculum_item": data["curriculum"][d]["code"], "part": None,
                                     "group": code, "period": PERIOD, "teachers": [TEACHERS[i % len(TEACHERS)]],
                                     "final_control": (date(2026, 11, 10) + timedelta(days=i % 4)).isoformat(),
                                     "lessons": lessons})
            data["marks"] += _marks(rng, jid, members, lessons)
    return data


if __name__ == "__main__":
    import sys

    json.dump(build(), sys.stdout, ensure_ascii=False, indent=1)
