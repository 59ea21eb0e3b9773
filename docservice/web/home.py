"""The start page: what the signed-in user can do, by role."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from ..auth import actor

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    return render_template("web/home.html", user=actor())
