"""Gunicorn processes for the benchmark: the shop and the bare hello-world, served the same way."""
from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
WORKERS = 2


@dataclass(frozen=True)
class Server:
    name: str
    port: int
    pid: int

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _wait_until_ready(port: int, path: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    last_error = "no answer"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode} before serving {path}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            conn.close()
            if resp.status == 200:
                return
            last_error = f"HTTP {resp.status}"
        except OSError as exc:
            last_error = str(exc)
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn on port {port} not ready after {timeout:.0f}s: {last_error}")


@contextmanager
def gunicorn(name: str, app_spec: str, ready_path: str, env: dict[str, str] | None = None,
             workers: int = WORKERS) -> Iterator[Server]:
    """Run ``gunicorn -w <workers> -b 127.0.0.1:<free port> <app_spec>`` until the block ends."""
    port = free_port()
    cmd = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"{HOST}:{port}",
           "--log-level", "warning", app_spec]
    full_env = dict(os.environ)
    full_env.setdefault("SHOP_SECRET_KEY", secrets.token_hex(16))
    full_env.update(env or {})
    proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, start_new_session=True)
    try:
        _wait_until_ready(port, ready_path, proc)
        yield Server(name=name, port=port, pid=proc.pid)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # gunicorn's graceful stop; it ends its own workers
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def shop_server(database_url: str, media_dir: str, page_cache: bool = True):
    """The shop as deployed; ``page_cache=False`` turns off the anonymous page cache
    (``SHOP_PAGE_CACHE_SECONDS=0``) so every request runs the application path."""
    env = {"SHOP_DATABASE_URL": database_url, "SHOP_MEDIA_DIR": media_dir}
    if not page_cache:
        env["SHOP_PAGE_CACHE_SECONDS"] = "0"
    return gunicorn("shop", "shop:create_app()", "/healthz", env=env)


def hello_server():
    return gunicorn("hello", "bench.hello:app", "/")
