"""A health check for monitoring and load balancers."""
from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import func, select, text

from .models import Journal, Student, User, db

bp = Blueprint("status", __name__)


def _counts() -> dict:
    return {name: db.session.scalar(select(func.count(model.id)))
            for name, model in (("journals", Journal), ("students", Student), ("users", User))}


@bp.get("/api/v1/health")
def health():
    db.session.execute(text("select 1"))
    return jsonify(status="ok", **_counts())
