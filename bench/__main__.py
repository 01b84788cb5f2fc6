"""``python -m bench`` (``make bench``): storefront throughput against a bare WSGI app, and search latency.

Steps: a fresh PostgreSQL database (``SHOP_BENCH_DATABASE_URL``, default
``postgresql+psycopg://postgres@127.0.0.1/hb_bench``; it is dropped and recreated), migrated and
seeded with 10,000 products; the shop and a hello-world each under gunicorn with 2 workers; wrk on
the pages; then the catalog grown to 100,000 products and search p95 measured in-process and over
HTTP; then checkout and signed-webhook throughput in a database of their own (``bench/orders.py``).
Prints the figures and writes docs/benchmarks.md (raw JSON under bench/results/).
Everything listens on and talks to 127.0.0.1 only.
"""
from __future__ import annotations

import argparse
import http.client
import os
import sys
import time
from urllib.parse import quote

from bench import database, load, machine, orders, report, search, servers

MODE_CACHED = "page cache on"
MODE_UNCACHED = "page cache off"

# Pictures drawn by the seeder for the benchmark catalog, apart from the `make run` instance's.
MEDIA_DIR = str(servers.ROOT / "instance" / "bench-media")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", default=os.environ.get("SHOP_BENCH_DATABASE_URL", database.DEFAULT_URL),
                   help="benchmark database (dropped and recreated); env SHOP_BENCH_DATABASE_URL")
    p.add_argument("--products", type=int, default=10_000, help="catalog size for the throughput runs")
    p.add_argument("--search-products", type=int, default=100_000, help="catalog size for search latency")
    p.add_argument("--seconds", type=int, default=10, help="load duration per target")
    p.add_argument("--warmup", type=int, default=2, help="warm-up seconds per target")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--search-repeats", type=int, default=20)
    p.add_argument("--reuse-database", action="store_true",
                   help="keep an existing benchmark database that already has enough products")
    p.add_argument("--skip-search", action="store_true", help="only the throughput runs")
    p.add_argument("--no-write", action="store_true", help="print the figures but leave docs/ alone")
    orders.add_arguments(p)  # checkout and webhook throughput (bench/orders.py)
    return p.parse_args(argv)


def say(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def ensure_catalog(url: str, products: int, reuse: bool, run: report.Run):
    """A migrated database with at least ``products`` active products; returns its app."""
    if not (reuse and database.exists(url)):
        say(f"creating database {url.rsplit('/', 1)[-1]}")
        database.recreate(url)
    app = database.make_app(url, MEDIA_DIR)
    database.migrate(app)
    have = database.count_products(app)
    if have < products:
        say(f"seeding {products:,} products (have {have:,})")
        secs = database.seed_products(app, products, progress=say)
        run.seed_seconds[f"seed to {products:,} products"] = secs
        say(f"seeded in {secs:.0f} s")
        database.analyze(app)
    return app


def preflight(base_url: str, paths: list[str]) -> dict[str, str]:
    """Every benchmarked URL must answer 200: a fast 404 or 500 would flatter the figures.

    Each is asked twice; returns the second answer's ``X-Cache`` header per path ("hit", "miss" or
    "" when the page cache does not apply), so the report can say what the load really measured.
    """
    host, port = base_url.split("//", 1)[1].split(":")
    cache = {}
    for path in paths:
        for _ in range(2):
            conn = http.client.HTTPConnection(host, int(port), timeout=30)
            conn.request("GET", path)
            resp = conn.getresponse()
            body = resp.read()
            conn.close()
            if resp.status != 200:
                raise SystemExit(f"GET {path} answered {resp.status}: {body[:300]!r}")
        cache[path] = resp.getheader("X-Cache", "")
    return cache


def measure(server: servers.Server, label: str, paths: list[str], args, mode: str = "") -> load.LoadResult:
    if args.warmup:
        load.run_load(server.base_url, label, paths, args.warmup, args.threads, args.connections)
    result = load.run_load(server.base_url, label, paths, args.seconds, args.threads, args.connections)
    result.mode = mode
    say(f"{label:<24} {mode:<16} {result.rps:>8,.0f} req/s  p99 {result.p99_ms:6.1f} ms"
        + (f"  errors {result.errors}" if result.error_count else ""))
    return result


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    kept = orders.saved_section()  # report.write rewrites docs/benchmarks.md; orders.finish puts it back
    if args.only_orders:
        orders.finish(args, say, kept)
        return 0
    url = args.database_url
    started = time.monotonic()
    settings = {
        "database": url.rsplit("/", 1)[-1],
        "products": args.products,
        "search_products": args.search_products,
        "workers": servers.WORKERS,
        "warmup": args.warmup,
        "load": f"{load.tool_name().split(' [')[0]} -t{args.threads} -c{args.connections} -d{args.seconds}s",
        "product_ids": 50,
        "queries": search.QUERIES,
        "search_repeats": args.search_repeats,
        "fresh": not (args.reuse_database and database.exists(url)),
    }
    run = report.Run(machine={}, settings=settings)

    app = ensure_catalog(url, args.products, args.reuse_database, run)
    run.machine = machine.describe(database.server_version(app), load.tool_name())
    ids = database.sample_product_ids(app, settings["product_ids"])
    targets = [
        ("/products", ["/products"]),
        ("/products/<id>", [f"/products/{i}" for i in ids]),
        ("/products?q=蜂蜜", ["/products?q=" + quote("蜂蜜")]),
        ("/api/v1/products", ["/api/v1/products"]),
    ]

    busy = os.getloadavg()[0]
    run.notes.append(f"1-minute load average before the throughput runs: {busy:.2f} on "
                     f"{machine.cpus_available()} cores")
    if busy > 0.5 * machine.cpus_available():
        run.notes.append("the machine was busy with other work when the run started; figures are noisy")
        say(f"warning: load average {busy:.2f}; other work on this machine will distort the figures")
    # The shop keeps anonymous catalog pages in a per-worker page cache (shop/web/page_cache.py);
    # wrk sends no cookies, so with the cache on it mostly measures cache hits.  Both are measured:
    # as deployed, and with the cache off, which is what every shopper with a cart or a session gets.
    say("throughput: gunicorn hello-world and shop, one under load at a time")
    with servers.hello_server() as hello:
        preflight(hello.base_url, ["/"])
        run.hello.append(measure(hello, "hello-world", ["/"], args))
        for mode, page_cache in ((MODE_CACHED, True), (MODE_UNCACHED, False)):
            with servers.shop_server(url, MEDIA_DIR, page_cache=page_cache) as shop:
                cache = preflight(shop.base_url, [paths[0] for _label, paths in targets])
                load.warm_workers(shop.base_url, [paths[0] for _label, paths in targets])
                if page_cache:
                    run.cache_state = {label: cache[paths[0]] or "not cacheable" for label, paths in targets}
                for label, paths in targets:
                    run.pages.append(measure(shop, label, paths, args, mode))
        run.hello.append(measure(hello, "hello-world (again)", ["/"], args))

    if not args.skip_search:
        database.dispose(app)
        app = ensure_catalog(url, args.search_products, True, run)
        total = database.count_products(app)
        say(f"search latency at {total:,} products, in-process")
        run.search.append(search.in_process(app, total, args.search_repeats))
        say(f"p95 {run.search[-1].p95_ms:.1f} ms")
        with servers.shop_server(url, MEDIA_DIR, page_cache=False) as shop:
            say("search latency over HTTP (page cache off: the same query is asked repeatedly)")
            run.search.append(search.over_http(shop.base_url, total, args.search_repeats))
            say(f"p95 {run.search[-1].p95_ms:.1f} ms")
    database.dispose(app)

    run.notes.append(f"whole run took {time.monotonic() - started:.0f} s")
    print(report.console(run))
    if not args.no_write:
        doc, raw = report.write(run)
        say(f"wrote {doc.relative_to(report.ROOT)} and {raw.relative_to(report.ROOT)}")
    orders.finish(args, say, kept)
    return 0


if __name__ == "__main__":
    sys.exit(main())
