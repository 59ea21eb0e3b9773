"""A discipline of five days or fewer needs marks every day (KK 15)."""
import copy

from store import journal

from docservice.checks import daily_gaps
from docservice.importer import import_dataset


def short_course(sample_data):
    data = copy.deepcopy(sample_data)
    j = next(j for j in data["journals"] if j["id"] == "J0012")  # LAT2105, ФР-24-03к
    # Monday to Friday, but Wednesday's lesson was never put in the KTP.
    j["lessons"] = [dict(j["lessons"][0], date=d) for d in ("2026-11-02", "2026-11-03", "2026-11-05", "2026-11-06")]
    j["final_control"] = "2026-11-07"
    data["marks"] = [m for m in data["marks"] if m["journal"] != "J0012"]
    students = [s["id"] for s in data["students"] if s["group"] == j["group"]]
    for d in ("2026-11-02", "2026-11-03", "2026-11-05", "2026-11-06"):
        for s in students:
            if (d, s) != ("2026-11-05", students[0]):
                data["marks"].append({"journal": "J0012", "student": s, "column": d, "value": 80})
    return data, students[0]


def test_missing_day_and_missing_mark_are_reported(app, sample_data):
    data, first_student = short_course(sample_data)
    import_dataset(None, data)
    gaps = daily_gaps(journal("J0012"))
    assert [(g.day.isoformat(), g.student) for g in gaps] == [
        ("2026-11-04", None), ("2026-11-05", first_student)]
    assert "04.11.2026" in gaps[0].text("kk") and "күн" in gaps[0].text("kk")
    assert first_student in gaps[1].text("ru")


def test_longer_disciplines_are_not_checked_daily(sample):
    assert daily_gaps(journal("J0001")) == []
