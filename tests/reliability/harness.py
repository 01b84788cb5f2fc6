"""The deployment the reliability tests attack: gunicorn serving the shop, real Celery workers, a
broker (Redis or the filesystem), and a private ``redis-server`` that a test can stop and start.

``ReliabilityStack`` extends the worker tests' ``Stack`` (``tests/workers/harness.py``: one database,
one broker, an ``.eml`` folder, worker and beat subprocesses) with the web side: ``start_web()``
runs ``gunicorn -k gthread -w N --threads M 'shop:create_app()'`` on a free 127.0.0.1 port from the
same configuration.  Every subprocess runs in its own process group and is killed with SIGKILL when
the test ends, whatever happened.  Every wait has a deadline.
"""
from __future__ import annotations

import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email import message_from_bytes, policy
from pathlib import Path

import sqlalchemy as sa

from shop import db
from shop.payments import test_gateway
from shop.payments.models import Payment
from shop.payments.signing import signature_header
from tests.workers.harness import ROOT, Process, Stack, wait_for

HOST = "127.0.0.1"
#: The webhook secret every process of a reliability stack shares (the tests sign with it).
WEBHOOK_SECRET = "whsec_reliability_" + secrets.token_hex(16)
#: Seconds any single HTTP request of a test may take before the test fails.
HTTP_TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# --- HTTP ------------------------------------------------------------------------------------------

@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self):
        return json.loads(self.body) if self.body else None

    @property
    def error_code(self) -> str | None:
        data = self.json if self.headers.get("content-type", "").startswith("application/json") else None
        return (data or {}).get("error", {}).get("code") if isinstance(data, dict) else None


def request(base_url: str, method: str, path: str, *, json_body=None, body: bytes | None = None,
            headers: dict | None = None, timeout: float = HTTP_TIMEOUT) -> Answer:
    """One HTTP request on a fresh connection (each simulated buyer is its own client)."""
    host, port = base_url.split("//", 1)[1].split(":")
    send_headers = dict(headers or {})
    if json_body is not None:
        body = json.dumps(json_body, ensure_ascii=False).encode()
        send_headers.setdefault("Content-Type", "application/json")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        try:
            conn.request(method, path, body=body, headers=send_headers)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered before reading the whole body (a 413): read that answer
        response = conn.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        conn.close()


def all_at_once(calls, *, timeout: float = 120) -> list:
    """Run the zero-argument ``calls`` in as many threads, released together by a barrier.

    Returns their results in order; an exception in a call is returned in its place.  Fails the test
    if they do not all finish within ``timeout`` seconds.
    """
    calls = list(calls)
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
        deadline = time.monotonic() + timeout
        results = []
        for future in futures:
            try:
                results.append(future.result(timeout=max(0.1, deadline - time.monotonic())))
            except TimeoutError as exc:
                raise AssertionError(f"concurrent calls still running after {timeout}s") from exc
            except Exception as exc:  # noqa: BLE001 - reported to the test as a result
                results.append(exc)
        return results


# --- the shop over HTTP ----------------------------------------------------------------------------

ADDRESS = {"recipient": "王小明", "mobile": "13800138000", "province": "浙江省", "city": "宁波市",
           "district": "鄞州区", "street": "钱湖北路 1 号 3 幢 502 室", "postcode": "315100"}


class Shop:
    """A buyer's view of the JSON API and the webhook endpoint of one running server."""

    def __init__(self, base_url: str):
        self.base_url = base_url

    def call(self, method: str, path: str, **kwargs) -> Answer:
        return request(self.base_url, method, path, **kwargs)

    def new_cart(self, *lines: tuple[int, int]) -> str:
        """A cart holding ``(variant_id, quantity)`` lines; returns its token."""
        created = self.call("POST", "/api/v1/carts")
        assert created.status == 201, (created.status, created.body[:500])
        token = created.json["token"]
        for variant_id, quantity in lines:
            added = self.call("POST", f"/api/v1/carts/{token}/lines",
                              json_body={"variant_id": variant_id, "quantity": quantity})
            assert added.status in (200, 201), (added.status, added.body[:500])
        return token

    def checkout(self, token: str, email: str = "buyer@example.com") -> Answer:
        return self.call("POST", f"/api/v1/carts/{token}/checkout",
                         json_body={"email": email, "address": ADDRESS})

    def buy(self, *lines: tuple[int, int], email: str = "buyer@example.com") -> dict:
        """Cart → checkout; the checkout answer (order number, access token, payment redirect)."""
        answer = self.checkout(self.new_cart(*lines), email)
        assert answer.status == 201, (answer.status, answer.body[:500])
        return answer.json

    def deliver(self, body: bytes, signature: str | None) -> Answer:
        """POST a webhook body with the given ``Stripe-Signature`` header (None: no header)."""
        headers = {"Content-Type": "application/json"}
        if signature is not None:
            headers["Stripe-Signature"] = signature
        return self.call("POST", "/webhooks/stripe", body=body, headers=headers)


# --- processes -------------------------------------------------------------------------------------

class ReliabilityStack(Stack):
    """``Stack`` plus gunicorn web servers and workers that may load the test-only hold hook."""

    def __init__(self, database_url: str, broker, tmp: Path):
        super().__init__(database_url, broker, tmp)
        self.config["STRIPE_WEBHOOK_SECRET"] = WEBHOOK_SECRET
        self.config["PAYMENT_GATEWAY"] = "test"
        self.hold_file = tmp / "hold-commit"
        self.held_file = tmp / "held-commit"

    def _env(self, overrides: dict) -> dict:
        env = super()._env(overrides)
        env["HB_HOLD_FILE"] = str(self.hold_file)
        env["HB_HELD_FILE"] = str(self.held_file)
        return env

    def start_web(self, *, workers: int = 2, threads: int = 4, **overrides) -> WebServer:
        """``gunicorn`` serving ``shop:create_app()`` with this stack's configuration, ready."""
        port = free_port()
        name = f"web-{uuid.uuid4().hex[:6]}"
        argv = [sys.executable, "-m", "gunicorn", "-k", "gthread", "-w", str(workers), "--threads", str(threads),
                "-b", f"{HOST}:{port}", "--timeout", "60", "--graceful-timeout", "2", "--log-level", "warning",
                "shop:create_app()"]
        process = Process(name, argv, self._env(overrides), self.tmp / f"{name}.log")
        self.processes.append(process)
        server = WebServer(f"http://{HOST}:{port}", process)
        server.wait_ready()
        return server

    def start_worker(self, *, beat: bool = False, concurrency: int = 1, hold_task: str | None = None,
                     **overrides) -> Process:
        """``celery -A workers worker`` (``--beat`` if asked), ready.  With ``hold_task``, the first
        transaction of that task waits before COMMIT while ``hold_file`` exists (tests.reliability.hooks)."""
        name = f"w{len(self.processes)}-{uuid.uuid4().hex[:6]}"
        argv = [sys.executable, "-m", "celery", "-A", "workers", "worker", "--pool", "prefork",
                "--concurrency", str(concurrency), "--loglevel", "INFO", "--hostname", f"{name}@%h",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
                "--include", "tests.reliability.hooks"]
        if beat:
            argv.append("--beat")
        env = self._env(overrides)
        if hold_task:
            env["HB_HOLD_TASK"] = hold_task
        process = Process(f"worker {name}", argv, env, self.tmp / f"{name}.log")
        self.processes.append(process)
        process.wait_for_log(" ready.")
        return process

    def emails_to(self, address: str) -> list:
        """The ``.eml`` messages in the outbox folder addressed to ``address``."""
        found = []
        for name in self.eml_files():
            message = message_from_bytes((self.mail_dir / name).read_bytes(), policy=policy.default)
            if address in str(message["To"]):
                found.append(message)
        return found


class WebServer:
    def __init__(self, base_url: str, process: Process):
        self.base_url = base_url
        self.process = process
        self.shop = Shop(base_url)

    def wait_ready(self, timeout: float = 60) -> None:
        def ready():
            if self.process.popen.poll() is not None:
                raise AssertionError(f"gunicorn exited ({self.process.popen.returncode}):\n{self.process.log()[-3000:]}")
            try:
                return request(self.base_url, "GET", "/healthz", timeout=5).status == 200
            except OSError:
                return False
        wait_for(ready, timeout, "gunicorn to answer /healthz", interval=0.1)

    def log(self) -> str:
        return self.process.log()

    def assert_no_server_errors(self) -> None:
        """Nothing in the server log says a request failed on our side."""
        log = self.log()
        for bad in ("Traceback", "database is locked", "unhandled error", "WORKER TIMEOUT"):
            assert bad not in log, f"{bad!r} in the gunicorn log:\n{log[-4000:]}"


class RedisServer:
    """A ``redis-server`` of the test's own on a free port, which the test may stop and restart."""

    def __init__(self, tmp: Path):
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.tmp = tmp
        self.popen: subprocess.Popen | None = None
        self.url = f"redis://{HOST}:{self.port}/0"

    def start(self) -> None:
        with open(self.tmp / f"redis-{self.port}.log", "ab") as log:
            self.popen = subprocess.Popen(
                [self.binary, "--port", str(self.port), "--bind", HOST, "--save", "", "--appendonly", "no",
                 "--dir", str(self.tmp)],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT)

        def answers():
            if self.popen.poll() is not None:
                raise AssertionError(f"redis-server exited with {self.popen.returncode}")
            try:
                with socket.create_connection((HOST, self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    return sock.recv(16).startswith(b"+PONG")
            except OSError:
                return False
        wait_for(answers, 15, "redis-server to answer PING", interval=0.05)

    def stop(self) -> None:
        """Kill the server (SIGKILL: whatever it held in memory is gone, as in a crash)."""
        if self.popen is not None and self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.popen.wait(10)


# --- payment events ----------------------------------------------------------------------------------

def payment_event(app, checkout_answer: dict, *, event_type: str = "checkout.session.completed",
                  event_id: str | None = None) -> bytes:
    """The event Stripe (or the test payment page) sends when the shopper of ``checkout_answer``
    (the JSON of a checkout) pays, as the bytes to sign."""
    session_id = checkout_answer["payment"]["redirect_url"].rstrip("/").rsplit("/", 1)[-1]
    with app.app_context():
        payment = db.session().scalar(sa.select(Payment).where(Payment.checkout_session_id == session_id))
        assert payment is not None, f"no payment for session {session_id}"
        return test_gateway.checkout_session_event(
            event_type, session_id=session_id, order_id=payment.order_id,
            order_number=checkout_answer["order"]["number"], payment_id=payment.id,
            amount_fen=payment.amount_fen, event_id=event_id or "evt_rel_" + secrets.token_hex(10))


def sign(body: bytes, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    return signature_header(secret, body, timestamp)
