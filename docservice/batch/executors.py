"""Where a job's items are issued: in this process, in a pool of processes using every core
of this machine (the default), or on Celery workers on any number of machines when
``CELERY_BROKER_URL`` is set. Each executor only hands out item ids; the work is
``items.issue_item`` wherever it runs, and progress is read back from the database."""
from __future__ import annotations

import multiprocessing
import os
import pickle
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

from .items import issue_items

CHUNK = 4           # items per task: small, so that cancelling and progress stay prompt
RECYCLE = 250       # tasks before a pool worker is replaced (WeasyPrint's C libraries keep memory)


def chunks(ids: list[int], size: int = CHUNK):
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def choose(app, workers: int | None = None):
    if app.config.get("CELERY_BROKER_URL"):
        return CeleryExecutor(app)
    workers = workers or app.config.get("BATCH_WORKERS") or os.cpu_count() or 1
    return InlineExecutor() if workers == 1 else PoolExecutor(app, workers)


class InlineExecutor:
    """One document after another in this process."""

    workers = 1

    def run(self, ids: list[int], runner) -> None:
        for chunk in chunks(ids, 1):
            if not runner.go_on():
                return
            issue_items(chunk)
        runner.go_on()


class PoolExecutor:
    """Worker processes on this machine, each with its own app and database connection.
    Started with ``spawn``: a fresh interpreter, not a fork of a web server's threads and
    connections."""

    def __init__(self, app, workers: int):
        self.config, self.workers = worker_config(app), workers

    def run(self, ids: list[int], runner) -> None:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(self.workers, mp_context=context, initializer=_start_worker,
                                 initargs=(self.config,), max_tasks_per_child=RECYCLE) as pool:
            waiting = [pool.submit(issue_items, chunk) for chunk in chunks(ids)]
            while waiting:
                done, rest = wait(waiting, timeout=1.0, return_when=FIRST_COMPLETED)
                for future in done:
                    future.result()  # an item's own failure is recorded; this raises only if a worker died
                waiting = list(rest)
                if not runner.go_on():
                    for future in waiting:
                        future.cancel()
                    return
        runner.go_on()


class CeleryExecutor:
    """Tasks on a Celery broker (Redis); workers anywhere that reach the same database and
    storage issue them. This run only waits and reads progress; if the workers fall silent
    for ``BATCH_STALL_SECONDS`` it stops and the job stays resumable."""

    def __init__(self, app):
        self.broker, self.stall = app.config["CELERY_BROKER_URL"], app.config.get("BATCH_STALL_SECONDS", 300)

    def run(self, ids: list[int], runner) -> None:
        from .celery_app import celery, issue_items_task

        celery.conf.broker_url = self.broker
        for chunk in chunks(ids):
            issue_items_task.delay(chunk)
        left, last_change = len(ids), time.monotonic()
        while runner.go_on():
            pending = len(runner.pending())
            if pending == 0:
                return
            if pending != left:
                left, last_change = pending, time.monotonic()
            elif time.monotonic() - last_change > self.stall:
                return
            time.sleep(0.5)


# --- in a pool worker -------------------------------------------------------------------------

_worker_app = None


def worker_config(app) -> dict:
    """The app's configuration, as far as it can travel to another process."""
    config = {}
    for key, value in app.config.items():
        if key.isupper():
            try:
                pickle.dumps(value)
            except Exception:  # noqa: BLE001 — what cannot travel is rebuilt by create_app
                continue
            config[key] = value
    config["STORAGE_DIR"] = str(app.config.get("STORAGE_DIR") or os.path.join(app.instance_path, "documents"))
    return config


def _start_worker(config: dict) -> None:
    global _worker_app
    from .. import create_app

    _worker_app = create_app(config)
    _worker_app.app_context().push()
