"""Real Celery workers for the tests.

``Stack`` is one deployment in miniature: a database (the test session's), a broker (a filesystem
folder of the test's own, or Redis under a key prefix of the test's own), an .eml outbox folder,
a Flask app for the test to act as the web process, and any number of ``celery -A workers worker``
/ ``celery -A workers beat`` subprocesses started from the same configuration (``SHOP_CONFIG_JSON``).
Every subprocess runs in its own process group and is killed when the test ends.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from shop import create_app, db

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 30


def wait_for(predicate, timeout: float = 20, what: str = "condition", interval: float = 0.05):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class Broker:
    def __init__(self, kind: str, folder: Path, redis_url: str | None = None):
        self.kind = kind
        self.folder = folder
        self.prefix = f"hbtest-{uuid.uuid4().hex[:12]}:"
        self.redis_url = redis_url
        self.url = redis_url if kind == "redis" else "filesystem://"
        # Redis is shared with other test runs: this test's keys carry a prefix of its own.
        self.celery = {"broker_transport_options": {"global_keyprefix": self.prefix}} if kind == "redis" else {}

    def waiting(self) -> int:
        """How many task messages wait in the default queue."""
        if self.kind == "redis":
            import redis

            with redis.Redis.from_url(self.redis_url) as client:
                return client.llen(self.prefix + "celery")
        queue = self.folder / "queue"
        return len([n for n in os.listdir(queue) if n.endswith(".celery.msg")]) if queue.exists() else 0

    def cleanup(self) -> None:
        if self.kind == "redis":
            import redis

            with redis.Redis.from_url(self.redis_url) as client:
                keys = list(client.scan_iter(match=self.prefix + "*", count=500))
                if keys:
                    client.delete(*keys)


class Process:
    """A Celery subprocess (worker or beat) with its log in a file."""

    def __init__(self, name: str, argv: list[str], env: dict, log_path: Path):
        self.name = name
        self.log_path = log_path
        self._log = open(log_path, "ab")
        self.popen = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                      start_new_session=True)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, text: str, count: int = 1, timeout: float = STARTUP_TIMEOUT) -> None:
        def seen():
            if self.popen.poll() is not None and self.log().count(text) < count:
                raise AssertionError(f"{self.name} exited ({self.popen.returncode}):\n{self.log()[-3000:]}")
            return self.log().count(text) >= count
        wait_for(seen, timeout, f"{text!r} ×{count} in the {self.name} log")

    def kill(self) -> None:
        """SIGKILL the whole process group (main process, pool, embedded beat)."""
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            self.popen.wait(10)
        finally:
            self._log.close()

    def stop(self) -> None:
        """Warm shutdown, then kill whatever is left."""
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                pass
        self.kill()


class Stack:
    def __init__(self, database_url: str, broker: Broker, tmp: Path):
        self.tmp = tmp
        self.broker = broker
        self.mail_dir = tmp / "mail"
        self.config = {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "BROKER_URL": broker.url,
            "BROKER_DIR": str(broker.folder),
            "MAIL_OUTBOX_DIR": str(self.mail_dir),
            "MAIL_URL": None,
            "OUTBOX_RELAY_INTERVAL": 1,
            "OUTBOX_REDELIVER_AFTER": 3600,
            # The pool reports a killed process after this many seconds (default 10; no results here).
            "CELERY": {**broker.celery, "worker_lost_wait": 2},
        }
        self.processes: list[Process] = []
        self.apps = []
        self.pause_file = tmp / "pause-send-email"
        self.started_file = tmp / "send-email-started"

    def web_app(self, **overrides):
        """A Flask app configured like the workers: the test acts as the web process with it."""
        app = create_app({"TESTING": True, **self.config, **overrides})
        self.apps.append(app)
        return app

    def _env(self, overrides: dict) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SHOP_")}
        env["SHOP_CONFIG_JSON"] = json.dumps({**self.config, **overrides})
        env["HB_TEST_PAUSE_FILE"] = str(self.pause_file)
        env["HB_TEST_STARTED_FILE"] = str(self.started_file)
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def start_worker(self, *, beat: bool = False, concurrency: int = 1, **overrides) -> Process:
        """``celery -A workers worker`` (with embedded beat if asked), started and ready."""
        name = f"w{len(self.processes)}-{uuid.uuid4().hex[:6]}"
        argv = [sys.executable, "-m", "celery", "-A", "workers", "worker", "--pool", "prefork",
                "--concurrency", str(concurrency), "--loglevel", "INFO", "--hostname", f"{name}@%h",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
                "--include", "tests.workers.hooks"]
        if beat:
            argv.append("--beat")
        process = Process(f"worker {name}", argv, self._env(overrides), self.tmp / f"{name}.log")
        self.processes.append(process)
        process.wait_for_log(" ready.")
        return process

    def start_beat(self, **overrides) -> Process:
        """``celery -A workers beat`` as its own process."""
        argv = [sys.executable, "-m", "celery", "-A", "workers", "beat", "--loglevel", "INFO"]
        process = Process("beat", argv, self._env(overrides), self.tmp / "beat.log")
        self.processes.append(process)
        process.wait_for_log("beat: Starting...")
        return process

    def eml_files(self) -> list[str]:
        return sorted(n for n in os.listdir(self.mail_dir) if n.endswith(".eml")) if self.mail_dir.exists() else []

    def close(self) -> None:
        for process in reversed(self.processes):
            process.kill()
        for app in self.apps:
            db.get_db(app).engine.dispose()
        self.broker.cleanup()
