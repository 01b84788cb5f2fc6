"""Load generation on loopback: wrk when installed, else a small threaded Python generator.

Both return a :class:`LoadResult`.  wrk reports through a Lua ``done`` hook that prints one JSON
line, so nothing depends on the layout of wrk's human-readable output.  A target may name several
paths; requests then cycle through them (e.g. several product ids).
"""
from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

WRK = shutil.which("wrk") or ("/usr/bin/wrk" if Path("/usr/bin/wrk").exists() else None)
MARKER = "BENCH_JSON "

_LUA_TEMPLATE = """
local paths = %(paths)s
local counter = 0
if #paths > 1 then
  request = function()
    counter = counter + 1
    return wrk.format("GET", paths[(counter %% #paths) + 1])
  end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%(marker)s{"requests":%%d,"duration_us":%%d,"bytes":%%d,' ..
    '"errors":{"connect":%%d,"read":%%d,"write":%%d,"status":%%d,"timeout":%%d},' ..
    '"p50_us":%%d,"p95_us":%%d,"p99_us":%%d,"max_us":%%d}\\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


@dataclass
class LoadResult:
    label: str
    paths: list[str]
    tool: str
    requests: int
    seconds: float
    errors: dict[str, int] = field(default_factory=dict)
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    mode: str = ""  # how the server was configured, e.g. "page cache on"

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def as_dict(self) -> dict:
        return asdict(self) | {"rps": round(self.rps, 1)}


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run_wrk(base_url: str, label: str, paths: list[str], seconds: int, threads: int,
            connections: int) -> LoadResult:
    with tempfile.TemporaryDirectory(prefix="hb-wrk-") as tmp:
        script = Path(tmp) / "bench.lua"
        script.write_text(_LUA_TEMPLATE % {
            "paths": "{" + ", ".join(_lua_string(p) for p in paths) + "}",
            "marker": MARKER,
        })
        cmd = [WRK, "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
               "--timeout", "10s", "-s", str(script), base_url + paths[0]]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=seconds + 60)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith(MARKER)), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{out.stdout}\n{out.stderr}")
    data = json.loads(line[len(MARKER):])
    return LoadResult(
        label=label, paths=paths, tool="wrk", requests=data["requests"],
        seconds=data["duration_us"] / 1e6, errors={k: v for k, v in data["errors"].items() if v},
        p50_ms=data["p50_us"] / 1000, p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000, max_ms=data["max_us"] / 1000,
    )


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (``pct`` in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), -(-len(ordered) * pct // 100)))
    return ordered[int(rank) - 1]


def run_python(base_url: str, label: str, paths: list[str], seconds: int, threads: int,
               connections: int, max_requests: int = 200_000, request_for=None) -> LoadResult:
    """Fallback: ``connections`` client threads with http.client, bounded by time and by count.

    Each thread reuses its connection while the server keeps it open (gunicorn's sync workers close
    it after every response; http.client then reconnects on the next request).

    Threads share the GIL with each other, so this under-reports throughput compared with wrk;
    the ratio to the hello-world (measured the same way) is still meaningful.

    ``request_for(i)`` gives the i-th request as ``(method, path, body, headers)``; by default a GET
    of ``paths[i % len(paths)]``.  Thread ``n`` sends requests n, n + connections, n + 2·connections…
    """
    if request_for is None:
        def request_for(i: int):
            return "GET", paths[i % len(paths)], None, {}
    host_port = base_url.split("//", 1)[1]
    host, port = host_port.split(":")
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    errors = {"status": 0, "connect": 0}
    issued = [0]

    def worker(offset: int) -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        i = offset
        local: list[float] = []
        while time.monotonic() < deadline:
            with lock:
                if issued[0] >= max_requests:
                    break
                issued[0] += 1
            method, path, body, headers = request_for(i)
            i += connections
            start = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                if resp.status >= 400:
                    with lock:
                        errors["status"] += 1
            except (OSError, http.client.HTTPException):
                conn.close()
                with lock:
                    errors["connect"] += 1
                continue
            local.append(time.perf_counter() - start)
        conn.close()
        with lock:
            latencies.extend(local)

    started = time.monotonic()
    workers = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(connections)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(seconds + 30)
    elapsed = time.monotonic() - started
    ms = [x * 1000 for x in latencies] or [0.0]
    return LoadResult(
        label=label, paths=paths, tool="python", requests=len(latencies), seconds=elapsed,
        errors={k: v for k, v in errors.items() if v},
        p50_ms=percentile(ms, 50), p95_ms=percentile(ms, 95), p99_ms=percentile(ms, 99), max_ms=max(ms),
    )


def warm_workers(base_url: str, paths: list[str], connections: int = 4, rounds: int = 3) -> None:
    """Send every path ``rounds`` times from ``connections`` clients at once, however long it takes.

    Bounded by count rather than time, so that on a slow or busy machine every worker has still
    done its one-off start-up work (the search dictionary is loaded on a worker's first search)
    before anything is timed.
    """
    run_python(base_url, "warm-up", paths, seconds=120, threads=connections, connections=connections,
               max_requests=len(paths) * connections * rounds)


def run_load(base_url: str, label: str, paths: list[str], seconds: int = 10, threads: int = 2,
             connections: int = 16) -> LoadResult:
    if WRK:
        return run_wrk(base_url, label, paths, seconds, threads, connections)
    return run_python(base_url, label, paths, seconds, threads, connections)


def tool_name() -> str:
    if not WRK:
        return "Python threads + http.client (wrk not installed)"
    out = subprocess.run([WRK, "-v"], capture_output=True, text=True)
    return ((out.stdout or out.stderr).splitlines() or ["wrk"])[0].split(" Copyright")[0].strip()
