"""``docservice serve``: the app under gunicorn, the production WSGI server.

Workers and threads follow the core count; the app is made in each worker (nothing shared
across a fork); gunicorn's access log and the application's log go to stdout with the
request id; SIGTERM stops taking connections and lets requests in flight finish
(``--graceful-timeout``). X-Forwarded-* headers are left to ``TRUSTED_PROXIES`` (the app's
ProxyFix), so gunicorn itself trusts none.
"""
from __future__ import annotations

import logging
import os
import sys

import click
from flask.cli import with_appcontext
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from .errors import SetupError
from .request_ids import RequestIdFilter

APP_LOG_FORMAT = "%(asctime)s %(levelname)s [%(process)d] [%(request_id)s] %(name)s: %(message)s"
ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" id=%({x-request-id}o)s'


class StdoutLogger(Logger):
    """gunicorn's error log, and with it every logger of the app, on stdout with request ids."""

    def setup(self, cfg):
        super().setup(cfg)
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter(APP_LOG_FORMAT, self.datefmt))
        handler.addFilter(RequestIdFilter())
        handler._gunicorn = True  # gunicorn drops its own handlers on a config reload
        for old in [h for h in self.error_log.handlers if getattr(h, "_gunicorn", False)]:
            self.error_log.removeHandler(old)
        self.error_log.addHandler(handler)
        root = logging.getLogger()
        root.handlers = [handler]
        root.setLevel(self.loglevel)


class DocserviceServer(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from .factory import create_app

        return create_app()


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


@click.command("serve")
@click.option("--bind", "-b", default="127.0.0.1:8000", show_default=True,
              help="Address to listen on (HOST:PORT or unix:PATH); a reverse proxy faces the users.")
@click.option("--workers", "-w", type=click.IntRange(1, 64), default=None,
              help="Worker processes (default: one per core).")
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Threads per worker (requests waiting on the database overlap).")
@click.option("--timeout", type=click.IntRange(10, 3600), default=120, show_default=True,
              help="Seconds a request may take (a long document render) before its worker is restarted.")
@click.option("--graceful-timeout", type=click.IntRange(1, 3600), default=30, show_default=True,
              help="Seconds requests in flight get to finish after SIGTERM.")
@with_appcontext
def serve_command(bind, workers, threads, timeout, graceful_timeout):
    """Serve the app with gunicorn (production): workers × threads, logs on stdout."""
    from .status import migrations_head, schema_revision

    # The app was made once here already: a setup error has been told. A database that is
    # behind its migrations would answer pages with errors: say so before serving.
    revision, head = schema_revision(), migrations_head()
    if revision != head:
        raise SetupError("setup_schema_behind", revision=revision or "—", head=head)
    DocserviceServer({
        "bind": bind, "workers": workers or default_workers(), "threads": threads,
        "worker_class": "gthread", "timeout": timeout, "graceful_timeout": graceful_timeout,
        "accesslog": "-", "access_log_format": ACCESS_LOG_FORMAT, "logger_class": StdoutLogger,
        "forwarded_allow_ips": "", "max_requests": 2000, "max_requests_jitter": 200,
        "proc_name": "docservice",
        # gunicorn's control socket would sit in the user's home, shared by every instance.
        "control_socket_disable": True,
    }).run()
