"""Signed webhook intake per second, against the bare WSGI hello-world served the same way.

Every request is a distinct ``checkout.session.completed`` event (its own event id), signed exactly
as Stripe signs with the server's webhook secret, so each one is verified, stored once and gets its
processing task queued in the outbox and published to the broker after commit: the whole intake a
real delivery costs.  The events are made and signed before the run (their timestamps stay well
within the 300 s tolerance); wrk cycles through them from a Lua script, each wrk thread through a
share of its own, so no event is sent twice while there are enough of them.  The hello-world gets
the very same POST requests.
"""
from __future__ import annotations

import json
import secrets
import subprocess
import tempfile
import time
from pathlib import Path

from bench import load
from bench.load import WRK, LoadResult
from shop.payments.signing import signature_header
from shop.payments.test_gateway import checkout_session_event

PATH = "/webhooks/stripe"
MARKER = "BENCH_JSON "

_LUA = """
local bodies = {%(bodies)s}
local signatures = {%(signatures)s}
local count = #bodies
local threads = %(threads)d
offset = 0  -- global: setup() gives each thread its own
local sent = 0
local thread_number = 0

function setup(thread)
  thread:set("offset", thread_number)
  thread_number = thread_number + 1
end

function request()
  local i = (sent * threads + offset) %% count + 1
  sent = sent + 1
  return wrk.format("POST", "%(path)s",
    {["Content-Type"] = "application/json", ["Stripe-Signature"] = signatures[i]}, bodies[i])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%(marker)s{"requests":%%d,"duration_us":%%d,' ..
    '"errors":{"connect":%%d,"read":%%d,"write":%%d,"status":%%d,"timeout":%%d},' ..
    '"p50_us":%%d,"p95_us":%%d,"p99_us":%%d,"max_us":%%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def signed_events(secret: str, count: int, tag: str) -> list[tuple[bytes, str]]:
    """``count`` distinct payment events with their ``Stripe-Signature`` headers."""
    now = int(time.time())
    events = []
    for n in range(count):
        body = checkout_session_event("checkout.session.completed",
                                      session_id=f"cs_test_hb_bench_{tag}_{n:08d}",
                                      order_id=n + 1, order_number=f"HB20260101{n:08d}", payment_id=n + 1,
                                      amount_fen=16800, event_id=f"evt_bench_{tag}_{n:08d}", created=now)
        events.append((body, signature_header(secret, body, now)))
    return events


def _lua_long_string(text: str) -> str:
    level = "=" * 3
    assert f"]{level}]" not in text
    return f"[{level}[{text}]{level}]"


def write_script(folder: Path, events: list[tuple[bytes, str]], threads: int) -> Path:
    script = folder / f"webhooks-{secrets.token_hex(4)}.lua"
    script.write_text(_LUA % {
        "bodies": ",".join(_lua_long_string(b.decode()) for b, _ in events),
        "signatures": ",".join(f'"{s}"' for _, s in events),
        "threads": threads, "path": PATH, "marker": MARKER,
    }, encoding="utf-8")
    return script


def run_wrk(base_url: str, label: str, script: Path, seconds: int, threads: int, connections: int) -> LoadResult:
    cmd = [WRK, "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
           "-s", str(script), base_url + PATH]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=seconds + 120)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith(MARKER)), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{out.stdout}\n{out.stderr}")
    data = json.loads(line[len(MARKER):])
    return LoadResult(label=label, paths=[PATH], tool="wrk", requests=data["requests"],
                      seconds=data["duration_us"] / 1e6, errors={k: v for k, v in data["errors"].items() if v},
                      p50_ms=data["p50_us"] / 1000, p95_ms=data["p95_us"] / 1000, p99_ms=data["p99_us"] / 1000,
                      max_ms=data["max_us"] / 1000)


def run_python(base_url: str, label: str, events: list[tuple[bytes, str]], seconds: int,
               connections: int) -> LoadResult:
    """Fallback without wrk: the storefront's Python load generator, posting the signed events in turn."""
    def request_for(i: int):
        body, signature = events[i % len(events)]
        return "POST", PATH, body, {"Content-Type": "application/json", "Stripe-Signature": signature}

    return load.run_python(base_url, label, [PATH], seconds, threads=connections, connections=connections,
                           request_for=request_for)


def measure(base_url: str, label: str, secret: str, seconds: int, threads: int, connections: int,
            expected_rps: float = 3000.0) -> tuple[LoadResult, int]:
    """Post fresh signed events for ``seconds``; returns the result and how many distinct events
    there were (fewer than the requests means some were repeats, which cost less)."""
    count = int(max(5000, expected_rps * seconds * 1.5))
    events = signed_events(secret, count, secrets.token_hex(3))
    if not WRK:
        return run_python(base_url, label, events, seconds, connections), count
    with tempfile.TemporaryDirectory(prefix="hb-webhooks-") as tmp:
        script = write_script(Path(tmp), events, threads)
        return run_wrk(base_url, label, script, seconds, threads, connections), count
