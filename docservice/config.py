"""Default configuration. Layers: these defaults → ``instance/config.py`` → ``DOCSERVICE_*``
environment variables (and ``DATABASE_URL``) → the mapping a test passes to ``create_app``."""
from __future__ import annotations

from .grading import DEFAULT_SCALE, DEFAULT_SCHEME

# Local time of the university: deadlines end at midnight in Almaty.
TIMEZONE = "Asia/Almaty"

# Grading policy (SPEC §3) as data.
ASSESSMENT_SCALE = DEFAULT_SCALE
ASSESSMENT_SCHEME = DEFAULT_SCHEME
FX_POINTS = 0.5

# Journal lifecycle (SPEC §4).
CLOSE_WITHIN_DAYS = 3          # a journal closes no later than 3 days after the final control
REOPEN_STEP_DAYS = 2           # each step of the reopen chain has 2 days
SHORT_DISCIPLINE_DAYS = 5      # ≤ 5 days: current-control marks every day (KK 15)

# Monitoring (KK 20, RU 17): the level for a count of reopenings in an academic year.
# Each list is (minimum count, level), highest first.
DISCIPLINE_TEACHER = [(4, "reprimand"), (2, "warning"), (1, "verbal_remark")]
DISCIPLINE_DEPARTMENT = [(6, "reprimand"), (3, "warning"), (1, "verbal_remark")]
MEMO_THRESHOLD = 3             # more than this many grade-changing errors → memo to the vice-rector

PASSWORD_MIN_LENGTH = 10      # and not the login, not a common password, not the current one
# How passwords are hashed (werkzeug's method string). scrypt costs ≈ 0.1 s a hash, as it should
# against guessing; the test suite sets a cheap one (DOCSERVICE_PASSWORD_HASH_METHOD, as Django's
# test settings do) because it signs in thousands of times. A stored hash names its own method,
# so a change here applies to passwords set from then on.
PASSWORD_HASH_METHOD = "scrypt"
LOGIN_MAX_FAILURES = 5         # failed sign-ins of one login from one client address …
LOGIN_WINDOW_MINUTES = 15      # … within this many minutes refuse that client that login for that long

# Reverse proxies in front of the service whose X-Forwarded-* headers are trusted (0: none).
TRUSTED_PROXIES = 0

# Web cookies. SESSION_COOKIE_SECURE None: secure exactly when PUBLIC_URL is https.
SESSION_COOKIE_SECURE = None
REMEMBER_COOKIE_SECURE = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_HTTPONLY = True
LANGUAGES = ("kk", "ru", "en")
MAX_CONTENT_LENGTH = 20 * 1024 * 1024  # uploads (imports, files to verify) up to 20 MB
BABEL_DEFAULT_LOCALE = "kk"
SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

# Documents: the address printed in verify QR codes, where issued files are kept.
PUBLIC_URL = "http://127.0.0.1:5000"
STORAGE_DIR = None             # default: instance/documents
STORAGE_BACKEND = None         # another store: a factory(config) → put/get, or its import path

# Batch jobs (archive printing …): their folders (default: instance/jobs); worker processes
# on this machine (None: one per core); a Celery broker (e.g. redis://127.0.0.1:6379/0) runs
# the items on Celery workers instead, on any number of machines.
JOBS_DIR = None
BATCH_WORKERS = None
CELERY_BROKER_URL = None
# A run that hears nothing from its workers this long stops (the job stays resumable).
BATCH_STALL_SECONDS = 300
# An archive file is bound in volumes of at most this many sheets of documents.
ARCHIVE_VOLUME_SHEETS = 250

# A clock standing still at this local time ("2027-01-20T10:00"): demos, training, and
# workers that must agree with a test's clock. None: the real time.
FROZEN_AT = None

# Reminders (``docservice reminders send``, daily from cron): a journal is reminded this many
# days before its closing deadline. E-mail goes through this SMTP server (Flask-Mail's
# settings); without MAIL_SERVER the command refuses. MAIL_DEFAULT_SENDER None: docservice@
# the host of PUBLIC_URL. MAIL_TIMEOUT: seconds to wait for the server before giving up.
REMIND_DAYS = 2
MAIL_SERVER = None
MAIL_PORT = 25
MAIL_USE_TLS = False
MAIL_USE_SSL = False
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_DEFAULT_SENDER = None
MAIL_TIMEOUT = 30

# Electronic signature of issued PDFs (docservice/documents/signing.py, docs/signing.md):
# PAdES B-B with the university's PKCS#12 key (RSA or ECDSA; GOST keys are not supported),
# B-T when a timestamp server (RFC 3161) is given. SIGNING_PKCS12 None: documents are issued
# unsigned. SIGNING_TRUST_ROOTS: PEM/DER files of the root certificates a verified signature
# must chain to (e.g. НУЦ РК's root); none: signatures are checked but never called trusted.
SIGNING_PKCS12 = None
SIGNING_PASSWORD = ""
SIGNING_TSA_URL = None
SIGNING_REASON = "Ресми құжат / Официальный документ"
SIGNING_LOCATION = "Алматы"
SIGNING_TRUST_ROOTS = []

# Sessions (issue 11b). A session ends PERMANENT_SESSION_LIFETIME seconds after sign-in, or
# after SESSION_IDLE_MINUTES without a request (None: no idle limit); signing out, changing or
# resetting the password ends every session of the user (User.session_epoch).
PERMANENT_SESSION_LIFETIME = 12 * 3600
REMEMBER_COOKIE_DURATION = 12 * 3600
SESSION_IDLE_MINUTES = 120
# Sign-in throttling beside LOGIN_MAX_FAILURES: one client address with this many failures
# across all logins within LOGIN_WINDOW_MINUTES is refused for that while; a login with
# LOGIN_SLOWDOWN_AFTER failures from all addresses is slowed, not locked: each further try
# waits 2, 4, 8 … seconds after the last failure, at most LOGIN_SLOWDOWN_MAX_SECONDS, except
# from a browser that has signed in as that login before (a signed cookie says so).
LOGIN_CLIENT_MAX_FAILURES = 20
LOGIN_SLOWDOWN_AFTER = 10
LOGIN_SLOWDOWN_MAX_SECONDS = 60
# Strict-Transport-Security max-age (seconds), sent when PUBLIC_URL is https.
HSTS_MAX_AGE = 31536000

# Hostile input (issue 11a, docservice/safe_input.py, docservice/spreadsheets.py). JSON deeper
# than this is refused (400); MAX_CONTENT_LENGTH holds for chunked bodies too (413). Workbooks
# are checked before openpyxl opens them: XLSX_MAX_FILE_BYTES, XLSX_MAX_PARTS,
# XLSX_MAX_UNPACKED_BYTES, XLSX_MAX_PART_BYTES, XLSX_MAX_SHARED_STRINGS_BYTES,
# XLSX_MAX_SHARED_STRINGS, XLSX_MAX_ROWS, XLSX_MAX_COLUMNS, XLSX_MAX_CELLS override the defaults
# of spreadsheets.XlsxLimits (a KTP workbook has its own, smaller row and cell limits).
MAX_JSON_DEPTH = 32
