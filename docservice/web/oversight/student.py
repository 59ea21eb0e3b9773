"""The student: own grades per discipline of each period — final %, letter, GPA points, the
traditional grade — and the period GPA. Only the signed-in student's own record."""
from __future__ import annotations

from flask import render_template

from ...auth import actor
from . import bp, data
from .common import data_lang, page, traditional


@bp.get("/my-grades")
@page("grades.own")
def my_grades():
    student = data.student_of(actor())
    periods = data.student_grades(student, data_lang()) if student else []
    return render_template("web/oversight/my_grades.html", student=student, periods=periods,
                           traditional=traditional)
