"""Pages of the area "oversight" (being written in this session)."""
from flask import Blueprint

bp = Blueprint("oversight", __name__)
