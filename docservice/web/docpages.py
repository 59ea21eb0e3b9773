"""Pages of the area "docpages" (being written in this session)."""
from flask import Blueprint

bp = Blueprint("docpages", __name__)
