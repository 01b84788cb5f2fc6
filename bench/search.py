"""Search latency: the catalog's ``list_products`` in-process, and ``/products?q=`` over HTTP.

Each query is warmed once, then timed ``repeats`` times; p95 is taken over all timings together
and per query, so a slow query shows up by name.

``python -m bench.search`` measures search alone, in-process, on each database it is given
(PostgreSQL and SQLite by default) at 100,000 products, and prints the figures without touching
docs/benchmarks.md; ``make bench`` runs the PostgreSQL half as part of the full benchmark.
"""
from __future__ import annotations

import argparse
import http.client
import os
import sys
import time
from dataclasses import asdict, dataclass
from urllib.parse import urlencode

from flask import Flask

from bench.load import percentile, warm_workers
from shop import db

QUERIES = [
    "蜂蜜", "木耳", "人参", "松茸", "刺梨", "大米", "茶油", "薏仁米", "金银花", "普安红茶",
    "延边 大米", "黔西南 蜂蜜", "有机 木耳", "野生松茸",
    "songrong", "honey", "ginseng", "black fungus", "rice", "tea",
    "mushroom honey", "不存在的东西", "红茶", "有机",
]


@dataclass
class QueryTiming:
    query: str
    p50_ms: float
    p95_ms: float
    max_ms: float
    total: int | None = None


@dataclass
class SearchResult:
    where: str
    products: int
    timings: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    per_query: list[QueryTiming]

    def as_dict(self) -> dict:
        return asdict(self)

    def slowest(self, n: int = 3) -> list[QueryTiming]:
        return sorted(self.per_query, key=lambda t: t.p95_ms, reverse=True)[:n]


def _summarise(where: str, products: int, samples: dict[str, list[float]],
               totals: dict[str, int | None]) -> SearchResult:
    everything = [ms for values in samples.values() for ms in values]
    per_query = [
        QueryTiming(query=q, p50_ms=percentile(v, 50), p95_ms=percentile(v, 95), max_ms=max(v), total=totals.get(q))
        for q, v in samples.items()
    ]
    return SearchResult(where=where, products=products, timings=len(everything),
                        p50_ms=percentile(everything, 50), p95_ms=percentile(everything, 95),
                        max_ms=max(everything), per_query=per_query)


def in_process(app: Flask, products: int, repeats: int = 20, queries: list[str] = QUERIES) -> SearchResult:
    """Time ``shop.catalog.listing.list_products`` (first page, relevance order) for each query."""
    from shop.catalog.listing import ListingQuery, list_products

    samples: dict[str, list[float]] = {}
    totals: dict[str, int | None] = {}
    with app.app_context():
        for q in queries:
            filters = ListingQuery.from_args({"q": q})
            list_products(db.session(), filters)  # warm caches and jieba
            timings = []
            for _ in range(repeats):
                start = time.perf_counter()
                page = list_products(db.session(), filters)
                timings.append((time.perf_counter() - start) * 1000)
                db.session().close()  # end the read transaction and identity map, as a request does
            samples[q] = timings
            totals[q] = getattr(page, "total", None)
    return _summarise("in-process list_products", products, samples, totals)


def over_http(base_url: str, products: int, repeats: int = 20, queries: list[str] = QUERIES,
              path: str = "/products") -> SearchResult:
    """Time full ``GET /products?q=...`` responses, one request at a time (no concurrent load).

    Serve with the page cache off: the same query is asked ``repeats`` times, and a cache hit
    would measure the cache, not the search.
    """
    host, port = base_url.split("//", 1)[1].split(":")
    samples: dict[str, list[float]] = {}
    # Concurrent requests first, so every worker has loaded its search dictionary before we time.
    warm_workers(base_url, [f"{path}?{urlencode({'q': q})}" for q in queries], rounds=1)
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        for q in queries:
            url = f"{path}?{urlencode({'q': q})}"
            timings = []
            for i in range(repeats + 1):
                start = time.perf_counter()
                conn.request("GET", url)
                resp = conn.getresponse()
                resp.read()
                elapsed = (time.perf_counter() - start) * 1000
                if resp.status != 200:
                    raise RuntimeError(f"GET {url} answered {resp.status}")
                if i:  # the first request of each query warms the caches
                    timings.append(elapsed)
            samples[q] = timings
    finally:
        conn.close()
    return _summarise(f"HTTP GET {path}?q= (page cache off)", products, samples, {})


DEFAULT_URLS = ["postgresql+psycopg://postgres@127.0.0.1/hb_bench_search", "sqlite:///instance/bench-search.db"]


def _prepare(url: str, products: int, reuse: bool) -> Flask:
    """A migrated database of ``url`` with at least ``products`` active products (fresh unless
    ``reuse`` and already there); the SQLite file or PostgreSQL database is the benchmark's own."""
    from sqlalchemy.engine import make_url

    from bench import database, servers

    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        path = parsed.database
        if not path or path == ":memory:":
            raise SystemExit("name a SQLite file for the benchmark")
        if not (reuse and os.path.exists(path)):
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(path + suffix):
                    os.remove(path + suffix)
    elif not (reuse and database.exists(url)):
        database.recreate(url)
    app = database.make_app(url, str(servers.ROOT / "instance" / "bench-media"))
    database.migrate(app)
    have = database.count_products(app)
    if have < products:
        print(f"seeding {parsed.drivername} to {products:,} products (have {have:,})", flush=True)
        database.seed_products(app, products)
        if not parsed.drivername.startswith("sqlite"):
            database.analyze(app)  # the seeder's ANALYZE already covers SQLite
    return app


def main(argv: list[str] | None = None) -> int:
    """Print search p50/p95/max per query and overall, in-process, for each database."""
    from bench import database

    p = argparse.ArgumentParser(prog="python -m bench.search", description=main.__doc__)
    p.add_argument("--database-url", action="append", dest="urls",
                   help=f"a benchmark database (recreated); repeat for several (default: {' and '.join(DEFAULT_URLS)})")
    p.add_argument("--products", type=int, default=100_000)
    p.add_argument("--repeats", type=int, default=20)
    p.add_argument("--reuse-database", action="store_true", help="keep a database that already has the products")
    args = p.parse_args(argv)
    for url in args.urls or DEFAULT_URLS:
        app = _prepare(url, args.products, args.reuse_database)
        result = in_process(app, database.count_products(app), args.repeats)
        database.dispose(app)
        print(f"\n{url.split('+', 1)[0].split(':', 1)[0]} at {result.products:,} products, {result.where}: "
              f"p50 {result.p50_ms:.1f} ms, p95 {result.p95_ms:.1f} ms, max {result.max_ms:.1f} ms "
              f"({result.timings} timings)")
        print(f"  {'query':<16}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'total':>8}")
        for t in sorted(result.per_query, key=lambda t: t.p95_ms, reverse=True):
            print(f"  {t.query:<16}{t.p50_ms:>8.1f}{t.p95_ms:>8.1f}{t.max_ms:>8.1f}{t.total if t.total is not None else '':>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
