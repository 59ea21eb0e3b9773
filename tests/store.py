"""Small lookups for tests."""
from sqlalchemy import select

from docservice.models import Journal, Mark, Student, User, db


def user(login):
    return db.session.scalar(select(User).where(User.login == login))


def journal(code):
    return db.session.scalar(select(Journal).where(Journal.code == code))


def mark(code, record_book, column):
    return db.session.scalar(select(Mark).join(Student).join(Journal).where(
        Journal.code == code, Student.record_book == record_book, Mark.column == column))
