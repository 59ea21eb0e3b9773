"""Pages of the area "teacher" (being written in this session)."""
from flask import Blueprint

bp = Blueprint("teacher", __name__)
