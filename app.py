"""Entry point: ``flask --app app run`` (or ``FLASK_APP=app``) finds ``create_app`` here."""
from docservice import create_app

__all__ = ["create_app"]
