"""The demo faculty (``docservice.demo``): big enough, consistent, realistic, deterministic,
and shaped like ``shared/sample-dataset.json`` so the importer takes it as it is.

Pure tests: no app, no database. The results check below recomputes РД by the default
scheme of SPEC §3 on its own, so it does not depend on the grading code it is meant to feed.
"""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

import pytest

from docservice import demo as demo_module
from docservice.demo import DEMO_PASSWORD, build_demo_dataset

SAMPLE = Path(__file__).resolve().parents[1] / "docservice" / "samples" / "sample-dataset.json"
KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
EXAM_HELD_BEFORE = "2026-11-20"
LANGUAGE_LETTER = {"kk": "к", "ru": "р", "en": "а"}
GROUP_CODE = re.compile(r"^(ОМ|ФР|СТ|ОЗ)-(\d\d)-(\d\d)([кра])$")
CONTROL_COLUMNS = {"RK1", "RK2", "EXAM"}


@pytest.fixture(scope="module")
def demo():
    return build_demo_dataset()


@pytest.fixture(scope="module")
def sample():
    if not SAMPLE.exists():
        pytest.skip(f"sample dataset not found at {SAMPLE}: shape compatibility not checked")
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def by_key(rows, key="code"):
    return {r[key]: r for r in rows}


def units(item):
    """Journal-bearing units of a curriculum item: block / part codes, or None for a discipline."""
    sub = item.get("blocks") or item.get("parts") or []
    return [u["code"] for u in sub] or [None]


def unit_department(item, code):
    if code is None:
        return item["department"]
    return next(u["department"] for u in item.get("blocks", []) + item.get("parts", []) if u["code"] == code)


def cells_of(demo):
    cells = defaultdict(dict)
    for m in demo["marks"]:
        cells[(m["journal"], m["student"])][m["column"]] = m["value"]
    return cells


def members_of(demo):
    members = defaultdict(list)
    for s in demo["students"]:
        members[s["group"]].append(s["id"])
    return members


# --- size and variety -------------------------------------------------------------------------

def test_counts(demo):
    assert len(demo["schools"]) >= 3
    assert len(demo["departments"]) >= 6
    assert len(demo["programs"]) >= 4
    assert len(demo["groups"]) >= 10
    assert len(demo["students"]) >= 240
    assert len(demo["journals"]) >= 60
    assert len(demo["marks"]) >= 10_000


def test_header(demo):
    assert demo["format"] == "docservice-dataset/1"
    assert demo["academic_year"] == "2026-2027"
    assert set(demo["settings"]) == {"it_department_head", "registrar_head", "vice_rector"}
    # One constant, and it meets the password policy for every demo login (issue 11b).
    from docservice.users import check_new_password

    for person in demo["staff"]:
        check_new_password(DEMO_PASSWORD, person["login"])


def test_all_three_kinds_several_times(demo):
    kinds = Counter(item["kind"] for item in demo["curriculum"])
    assert kinds["discipline"] >= 3 and kinds["integrated"] >= 3 and kinds["module"] >= 3
    for item in demo["curriculum"]:
        assert item["semester"] == 1
        if item["kind"] == "integrated":
            assert 2 <= len(item["blocks"]) <= 3
            for b in item["blocks"]:
                assert set(b) >= {"code", "name", "department"} and set(b["name"]) == {"kk", "ru"}
        elif item["kind"] == "module":
            assert len(item["parts"]) >= 2
            assert item["credits"] == sum(p["credits"] for p in item["parts"])
        else:
            assert "blocks" not in item and "parts" not in item


def test_every_group_has_a_curriculum_of_4_to_6_items(demo):
    items = Counter((i["program"], i["course"]) for i in demo["curriculum"])
    for g in demo["groups"]:
        assert 4 <= items[(g["program"], g["course"])] <= 6, g["code"]
    assert {g["course"] for g in demo["groups"]} >= {1, 2, 3}
    assert {g["language"] for g in demo["groups"]} >= {"kk", "ru"}


def test_staff_covers_every_role(demo):
    roles = Counter(r for s in demo["staff"] for r in s["roles"])
    for role in ("teacher", "head_of_department", "dean", "registrar", "registrar_head", "it",
                 "methodist", "vice_rector"):
        assert roles[role] >= 1, role
    inspectors = [s for s in demo["staff"] if s["roles"] == ["registrar"]]
    assert len(inspectors) >= 2
    for s in demo["staff"]:
        assert re.fullmatch(r"[a-z0-9.]+", s["login"]), s["login"]


def test_departments_have_a_head_and_three_or_four_teachers(demo):
    staff = by_key(demo["staff"], "login")
    for dep in demo["departments"]:
        head = staff[dep["head"]]
        assert head["roles"] == ["teacher", "head_of_department"] and head["department"] == dep["code"]
        teachers = [s for s in demo["staff"] if s["department"] == dep["code"] and s["roles"] == ["teacher"]]
        assert 3 <= len(teachers) <= 4, dep["code"]


def test_deans_belong_to_their_school(demo):
    staff = by_key(demo["staff"], "login")
    for school in demo["schools"]:
        dean = staff[school["dean"]]
        assert "dean" in dean["roles"] and dean["school"] == school["code"]


def test_every_teacher_keeps_a_journal(demo):
    load = Counter(t for j in demo["journals"] for t in j["teachers"])
    idle = [s["login"] for s in demo["staff"] if "teacher" in s["roles"] and not load[s["login"]]]
    assert idle == []


def test_sample_logins_and_codes_are_kept(demo, sample):
    assert {s["login"] for s in sample["staff"]} <= {s["login"] for s in demo["staff"]}
    for collection in ("schools", "departments", "programs"):
        assert {r["code"] for r in sample[collection]} <= {r["code"] for r in demo[collection]}
    # The same university and addressees; the demo adds what the sample does not give: the
    # official name with its legal form and the lines letters address them with (issue 14).
    assert demo["university"]["short"] == sample["university"]["short"]
    assert {k: (v["full_name"], v["position"]) for k, v in demo["settings"].items()} == \
        {k: (v["full_name"], v["position"]) for k, v in sample["settings"].items()}


# --- references and identity --------------------------------------------------------------

def test_ids_are_unique(demo):
    for collection, key in (("schools", "code"), ("departments", "code"), ("programs", "code"),
                            ("staff", "login"), ("groups", "code"), ("students", "id"),
                            ("curriculum", "code"), ("journals", "id")):
        keys = [r[key] for r in demo[collection]]
        assert len(keys) == len(set(keys)), collection
    unit_codes = [u for i in demo["curriculum"] for u in units(i) if u]
    assert len(unit_codes) == len(set(unit_codes))
    cells = [(m["journal"], m["student"], m["column"]) for m in demo["marks"]]
    assert len(cells) == len(set(cells))
    assert len({s["full_name"] for s in demo["students"]}) == len(demo["students"])


def test_references_resolve(demo):
    schools, deps = by_key(demo["schools"]), by_key(demo["departments"])
    programs, groups = by_key(demo["programs"]), by_key(demo["groups"])
    staff, items = by_key(demo["staff"], "login"), by_key(demo["curriculum"])
    students, journals = by_key(demo["students"], "id"), by_key(demo["journals"], "id")
    for d in demo["departments"]:
        assert d["school"] in schools and d["head"] in staff
    for p in demo["programs"]:
        assert p["school"] in schools
    for s in demo["staff"]:
        assert s["department"] is None or s["department"] in deps
        assert s.get("school") is None or s["school"] in schools
    for g in demo["groups"]:
        assert g["program"] in programs
    for s in demo["students"]:
        assert s["group"] in groups
    for i in demo["curriculum"]:
        assert i["program"] in programs and i["department"] in deps
        assert all(u["department"] in deps for u in i.get("blocks", []) + i.get("parts", []))
    for j in demo["journals"]:
        item = items[j["curriculum_item"]]
        assert j["part"] in units(item)
        assert j["group"] in groups
        assert (item["program"], item["course"]) == (groups[j["group"]]["program"], groups[j["group"]]["course"])
        for t in j["teachers"]:
            assert t in staff and staff[t]["department"] == unit_department(item, j["part"])
    for m in demo["marks"]:
        journal = journals[m["journal"]]
        assert students[m["student"]]["group"] == journal["group"]
        assert m["column"] in {lesson["date"] for lesson in journal["lessons"]} | CONTROL_COLUMNS


def test_one_journal_per_unit_and_group(demo):
    expected = {(i["code"], u, g["code"]) for g in demo["groups"] for i in demo["curriculum"]
                if (i["program"], i["course"]) == (g["program"], g["course"]) for u in units(i)}
    actual = [(j["curriculum_item"], j["part"], j["group"]) for j in demo["journals"]]
    assert len(actual) == len(set(actual)) and set(actual) == expected
    assert [j["id"] for j in demo["journals"]] == [f"D{n:04d}" for n in range(1, len(actual) + 1)]
    assert all(j["period"] == "2026-2027/1" and 1 <= len(j["teachers"]) <= 2 for j in demo["journals"])


# --- groups, students, names --------------------------------------------------------------------

def test_group_codes_match_language_and_entry_year(demo):
    for g in demo["groups"]:
        m = GROUP_CODE.match(g["code"])
        assert m, g["code"]
        assert m.group(4) == LANGUAGE_LETTER[g["language"]]
        assert int(m.group(2)) == 27 - g["course"]  # 2026-2027: course 1 entered in 2026


def test_group_sizes_and_record_books(demo):
    sizes = Counter(s["group"] for s in demo["students"])
    groups = by_key(demo["groups"])
    assert all(18 <= n <= 28 for n in sizes.values()) and set(sizes) == set(groups)
    for s in demo["students"]:
        assert re.fullmatch(r"\d{8}", s["id"])
        assert s["id"][:2] == GROUP_CODE.match(s["group"]).group(2)  # entry year first


def _is_female(patronymic: str) -> bool:
    return patronymic.endswith(("қызы", "вна", "чна"))


def test_names_are_gender_consistent(demo):
    for person in demo["students"] + demo["staff"]:
        surname, first, patronymic = person["full_name"].split(" ")
        assert patronymic.endswith(("ұлы", "қызы", "вич", "вна", "ич", "чна")), person["full_name"]
        if _is_female(patronymic):
            assert not surname.endswith(("ов", "ев", "ёв", "ин")), person["full_name"]
        else:
            assert not surname.endswith(("ова", "ева", "ёва", "ина")), person["full_name"]


def test_kazakh_letters_in_kk_groups_only(demo):
    language = {g["code"]: g["language"] for g in demo["groups"]}
    for s in demo["students"]:
        has_kazakh = bool(KAZAKH_LETTERS & set(s["full_name"]))
        if language[s["group"]] == "kk":
            assert has_kazakh, s["full_name"]   # at least the patronymic: -ұлы / -қызы
        else:
            assert not has_kazakh, s["full_name"]  # Russian spelling in ru/en groups


def test_ru_groups_mix_kazakh_and_russian_names(demo):
    language = {g["code"]: g["language"] for g in demo["groups"]}
    ru_names = [s["full_name"] for s in demo["students"] if language[s["group"]] == "ru"]
    kazakh = sum(1 for n in ru_names if n.split()[0].rstrip("а") in demo_module.KZ_RU_SURNAMES)
    assert 0.3 < kazakh / len(ru_names) < 0.8


def test_name_lists_are_long_enough():
    m = demo_module
    for surnames in (m.KK_SURNAMES, m.KZ_RU_SURNAMES, m.RU_SURNAMES):
        assert len(set(surnames)) >= 40
    for first in (m.KK_MALE, m.KK_FEMALE, m.KZ_RU_MALE, m.KZ_RU_FEMALE, m.RU_MALE, m.RU_FEMALE):
        assert len(set(first)) >= 30


# --- journals and lessons ---------------------------------------------------------------------

def test_final_controls_half_closed_half_open(demo):
    closed = [j for j in demo["journals"] if j["final_control"] < EXAM_HELD_BEFORE]
    assert 0.35 <= len(closed) / len(demo["journals"]) <= 0.65
    for j in demo["journals"]:
        fc = j["final_control"]
        assert "2026-10-01" <= fc <= "2026-12-20"
        assert fc < "2026-11-17" or "2026-11-24" <= fc, j["id"]  # closed ones: deadline passed
        assert date.fromisoformat(fc).weekday() < 5


def test_lessons_are_weekly_before_the_final_control(demo):
    short = 0
    for j in demo["journals"]:
        dates = [date.fromisoformat(lesson["date"]) for lesson in j["lessons"]]
        fc = date.fromisoformat(j["final_control"])
        assert dates == sorted(dates) and dates[0] >= date(2026, 9, 1) and dates[-1] < fc
        for lesson in j["lessons"]:
            assert set(lesson) >= {"date", "time", "topic", "type", "hours", "room"}
            assert lesson["type"] in {"practical", "lecture", "seminar", "laboratory"}
            assert set(lesson["topic"]) == {"kk", "ru"}
        if (fc - dates[0]).days < 5:
            # A course of ≤ 5 days: a lesson every day up to the final control (SOP KK 15).
            short += 1
            assert [d - dates[0] for d in dates] == [timedelta(n) for n in range(len(dates))]
        else:
            assert 6 <= len(dates) <= 12, j["id"]
            assert all((b - a).days == 7 for a, b in zip(dates, dates[1:])), j["id"]
    assert short >= 1


def test_lesson_types_and_topics_vary(demo):
    types = Counter(lesson["type"] for j in demo["journals"] for lesson in j["lessons"])
    assert set(types) == {"practical", "lecture", "seminar", "laboratory"}
    topics = [lesson["topic"]["ru"] for j in demo["journals"] for lesson in j["lessons"]]
    assert "Тема 6. Строение сердца" in topics
    assert sum(1 for t in topics if re.fullmatch(r"Тема \d+\. .+", t)) > len(topics) / 2


# --- marks ----------------------------------------------------------------------------------

def test_every_cell_has_a_mark(demo):
    cells, members = cells_of(demo), members_of(demo)
    for j in demo["journals"]:
        expected = {lesson["date"] for lesson in j["lessons"]} | {"RK1", "RK2"}
        for sid in members[j["group"]]:
            assert expected <= set(cells[(j["id"], sid)]), (j["id"], sid)


def test_mark_values(demo):
    lesson_values = Counter()
    for m in demo["marks"]:
        v = m["value"]
        if m["column"] in ("RK1", "RK2"):
            assert isinstance(v, int) and 0 <= v <= 100
        elif isinstance(v, dict):
            assert v == {"value": "н/б", "note": "перезачет"} and m["column"] != "EXAM"
            lesson_values["transfer"] += 1
        elif v == "н/б":
            lesson_values["absent" if m["column"] != "EXAM" else "exam_absent"] += 1
        else:
            assert isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 100
            if m["column"] != "EXAM":
                lesson_values["zero" if v == 0 else "score"] += 1
    lessons = sum(n for k, n in lesson_values.items() if k != "exam_absent")
    assert 0.02 < lesson_values["absent"] / lessons < 0.07
    assert lesson_values["transfer"] >= 5 and lesson_values["zero"] >= 5


def test_exam_only_where_it_is_held(demo):
    items = by_key(demo["curriculum"])
    exams = Counter(m["journal"] for m in demo["marks"] if m["column"] == "EXAM")
    for j in demo["journals"]:
        item = items[j["curriculum_item"]]
        held = j["final_control"] < EXAM_HELD_BEFORE
        if item["kind"] == "integrated" and j["part"] != item["blocks"][-1]["code"]:
            assert not exams[j["id"]], f"{j['id']}: integrated exam outside the last block"
        elif held:
            assert exams[j["id"]], f"{j['id']}: exam held but no exam marks"
        else:
            assert not exams[j["id"]], f"{j['id']}: exam marks before the final control"


def _rating(cells: dict, lesson_dates: list[str]) -> Fraction:
    """РД by the default scheme: ТК = mean of lessons (н/б = 0, перезачет left out), then
    the mean of ТК, РК1, РК2."""
    counted = [0 if v == "н/б" else v for v in (cells[d] for d in lesson_dates) if not isinstance(v, dict)]
    tk = Fraction(sum(counted), len(counted)) if counted else Fraction(0)
    return (tk + cells["RK1"] + cells["RK2"]) / 3


def test_results_show_every_status(demo):
    """Where the exam was held, the vedomosts show not admitted, absent, FX, F and passes."""
    items, cells, members = by_key(demo["curriculum"]), cells_of(demo), members_of(demo)
    journals = defaultdict(list)
    for j in demo["journals"]:
        journals[(j["curriculum_item"], j["group"])].append(j)
    status = Counter()
    for (code, group), js in journals.items():
        # An integrated discipline is graded once, over all its blocks, with the last block's exam.
        graded = [js] if items[code]["kind"] == "integrated" else [[j] for j in js]
        for blocks in graded:
            exam_journal = blocks[-1]
            if exam_journal["final_control"] >= EXAM_HELD_BEFORE:
                continue
            for sid in members[group]:
                ratings = [_rating(cells[(j["id"], sid)], [x["date"] for x in j["lessons"]]) for j in blocks]
                rd = sum(ratings) / len(ratings)
                exam = cells[(exam_journal["id"], sid)].get("EXAM")
                if rd < 50:
                    assert exam is None, "a student not admitted has no exam mark"
                    status["not admitted"] += 1
                elif exam is None:
                    pytest.fail(f"admitted student {sid} has no exam in {exam_journal['id']}")
                elif exam == "н/б":
                    status["absent"] += 1
                else:
                    status["F" if exam < 25 else "FX" if exam < 50 else "passed"] += 1
    assert status["not admitted"] >= 3 and status["absent"] >= 2
    assert status["FX"] >= 2 and status["F"] >= 2
    assert status["passed"] > 5 * sum(n for k, n in status.items() if k != "passed")


def test_students_differ_in_strength(demo):
    scores = defaultdict(list)
    for m in demo["marks"]:
        if isinstance(m["value"], int) and m["column"] not in CONTROL_COLUMNS:
            scores[m["student"]].append(m["value"])
    means = sorted(sum(v) / len(v) for v in scores.values())
    assert means[0] < 50 and means[-1] > 85


# --- determinism and format -------------------------------------------------------------------

def test_deterministic(demo):
    again = build_demo_dataset(2026)
    assert json.dumps(again, ensure_ascii=False) == json.dumps(demo, ensure_ascii=False)
    assert json.dumps(build_demo_dataset(7)) != json.dumps(demo)


def test_another_seed_is_just_as_complete():
    other = build_demo_dataset(7)
    assert len(other["students"]) >= 240 and len(other["groups"]) >= 10
    assert any(m["column"] == "EXAM" and m["value"] == "н/б" for m in other["marks"])


def test_main_prints_the_dataset(capsys, demo):
    demo_module.main(["demo"])
    out = capsys.readouterr().out
    assert "ОМ-26-01к" in out  # not escaped: ensure_ascii=False
    assert json.loads(out) == demo


def _types(value) -> str:
    return "null" if value is None else type(value).__name__


def _assert_same_shape(sample_rows: list, demo_rows: list, where: str) -> None:
    """Every key the sample's records always have is in every demo record, every key they
    sometimes have appears in the demo, and values have a type the sample uses for that key."""
    sample_rows = [r for r in sample_rows if isinstance(r, dict)]
    demo_rows = [r for r in demo_rows if isinstance(r, dict)]
    if not sample_rows:
        return
    assert demo_rows, f"{where}: no records"
    always = set.intersection(*(set(r) for r in sample_rows))
    sometimes = set().union(*(set(r) for r in sample_rows))
    for r in demo_rows:
        assert always <= set(r), f"{where}: {sorted(always - set(r))} missing in {r}"
    assert sometimes <= set().union(*(set(r) for r in demo_rows)), f"{where}: optional keys never used"
    for key in sometimes:
        sample_types = {_types(r[key]) for r in sample_rows if key in r}
        demo_types = {_types(r[key]) for r in demo_rows if key in r}
        assert demo_types <= sample_types, f"{where}.{key}: {demo_types} vs {sample_types}"
        nested_sample = [v for r in sample_rows for v in _as_list(r.get(key))]
        nested_demo = [v for r in demo_rows for v in _as_list(r.get(key))]
        _assert_same_shape(nested_sample, nested_demo, f"{where}.{key}")


def _as_list(value) -> list:
    if isinstance(value, list):
        return value
    return [value] if isinstance(value, dict) else []


def test_shape_matches_the_sample(demo, sample):
    assert set(sample) <= set(demo)
    for key in sample:
        assert _types(demo[key]) == _types(sample[key]), key
        if isinstance(sample[key], list):
            _assert_same_shape(sample[key], demo[key], key)
        elif isinstance(sample[key], dict):
            _assert_same_shape([sample[key]], [demo[key]], key)
