"""One transaction per service operation: all of it is committed, or none of it."""
from __future__ import annotations

import functools

from .models import db


def atomic(fn):
    """Commit when ``fn`` returns, roll back (and re-raise) when it raises."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            result = fn(*args, **kwargs)
            db.session.commit()
            return result
        except Exception:
            db.session.rollback()
            raise
    return wrapper
