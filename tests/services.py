"""Real servers the process tests start for themselves: a free port, a Redis of their own."""
from __future__ import annotations

import fcntl
import os
import shutil
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest


def made_once(tmp_path_factory, name: str, make) -> Path:
    """A folder made once per test run and shared by every xdist worker: the first worker to
    ask makes it with ``make(folder)`` under a file lock; the others wait, then use it."""
    root = tmp_path_factory.getbasetemp()
    if "PYTEST_XDIST_WORKER" in os.environ:
        root = root.parent  # the run's folder, above each worker's own
    folder = root / name
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / ".made").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            (folder / ".made").touch()
    return folder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers_ping(port: int) -> bool:
    """Whether a Redis server listens on ``port`` and answers PING (False while it starts)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def wait_for(predicate, seconds: float, what: str):
    """Poll ``predicate`` until it returns something true; fail saying ``what`` never came."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"{what}: not within {seconds:.0f} s")


@pytest.fixture
def redis_url(tmp_path):
    """A Redis server of this test's own (Debian's redis-server), on a free port, keeping nothing."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (Debian package redis-server; `make test` installs it)")
    port = free_port()
    redis = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                              "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: answers_ping(port) or redis.poll() is not None, 20, f"redis-server on port {port}")
        if redis.poll() is not None:
            pytest.fail(f"redis-server did not start on port {port}")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        redis.terminate()
        redis.wait(10)


@contextmanager
def celery_worker(celery: str, env: dict, cwd: Path, log: Path, concurrency: int = 2, name: str = "test"):
    """A real Celery worker of docservice's batch jobs (``celery`` its command), stopped with
    SIGTERM (SIGKILL after 30 s) when the block ends; its log in ``log``."""
    with log.open("w") as out:
        worker = subprocess.Popen([celery, "-A", "docservice.batch.celery_app", "worker", "--concurrency",
                                   str(concurrency), "--loglevel", "warning", "--without-gossip", "--without-mingle",
                                   "-n", f"{name}-{os.getpid()}@%h"], env=env, cwd=cwd, start_new_session=True,
                                  stdout=subprocess.DEVNULL, stderr=out)
        try:
            yield worker
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
