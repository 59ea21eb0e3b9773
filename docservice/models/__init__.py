"""The journal store. Import models from here: ``from docservice.models import Journal``."""
from .base import db
from .archive import BatchItem, BatchJob, NomenclatureFile
from .documents import DocumentCounter, DocumentRendition, IssuedDocument
from .curriculum import KINDS, AssessmentScheme, CurriculumItem, CurriculumPart, Period
from .login_requests import AccountEvent, LoginRequestHandled
from .journal import (
    CLOSED, EXAM, LOCKED, OPEN, Journal, JournalEvent, JournalTeacher, Lesson, Mark, MarkHistory,
)
from .org import Department, Group, Program, School, Student
from .people import ROLES, ApiToken, LoginFailure, User, UserRole
from .reminders import ReminderSent
from .workflow import WITH_CHANGE, WITHOUT_CHANGE, AccessGrant, ReopenRequest, Setting

__all__ = [
    "db", "KINDS", "AssessmentScheme", "CurriculumItem", "CurriculumPart", "Period",
    "CLOSED", "EXAM", "LOCKED", "OPEN", "Journal", "JournalEvent", "JournalTeacher", "Lesson",
    "Mark", "MarkHistory", "Department", "Group", "Program", "School", "Student", "ROLES",
    "ApiToken", "LoginFailure", "User", "UserRole", "WITH_CHANGE", "WITHOUT_CHANGE", "AccessGrant",
    "ReopenRequest", "Setting", "DocumentCounter", "DocumentRendition", "IssuedDocument", "LoginRequestHandled",
    "AccountEvent", "BatchItem", "BatchJob", "NomenclatureFile", "ReminderSent",
]
