"""The area "teacher": my journals, the journal grid with keyboard entry, closing, the
explanatory note that files a reopen request, and finishing a reopening — as pages and as
JSON routes under ``/api/v1`` (``api.py``)."""
from flask import Blueprint
from flask_babel import lazy_gettext

from .. import nav

bp = Blueprint("teacher", __name__)

from . import pages  # noqa: E402,F401  (the routes)
from .api import init_api  # noqa: E402,F401

nav.add("teacher.journals", lazy_gettext("My journals"), roles=("teacher",), order=10)
