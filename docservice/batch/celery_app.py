"""Celery on Redis: batch items issued by workers on any number of machines.

Start a worker where the database and the storage are reachable (same ``DATABASE_URL``,
``DOCSERVICE_STORAGE_DIR`` or an object store) with the broker in ``CELERY_BROKER_URL``::

    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 .venv/bin/celery -A docservice.batch.celery_app worker

A job run with the same ``CELERY_BROKER_URL`` sends its items there (``executors``).
Nothing comes back through Celery: an item's outcome is in the database.
"""
from __future__ import annotations

import os

from celery import Celery
from celery.signals import worker_process_init

celery = Celery("docservice", broker=os.environ.get("CELERY_BROKER_URL"))
celery.conf.update(
    task_acks_late=True,               # a worker killed mid-task: the task is delivered again
    worker_prefetch_multiplier=1,      # documents are slow: no worker hoards tasks
    task_ignore_result=True,
    broker_connection_retry_on_startup=True,
)

_app = None


def flask_app():
    global _app
    if _app is None:
        from .. import create_app

        _app = create_app()
    return _app


@worker_process_init.connect
def _fresh_app(**kwargs):
    global _app  # each worker process opens its own database connections
    _app = None


@celery.task(name="docservice.issue_items")
def issue_items_task(item_ids: list[int]) -> None:
    from .items import issue_items

    with flask_app().app_context():
        issue_items(item_ids)
