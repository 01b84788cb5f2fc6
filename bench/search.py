"""Search latency: the catalog's ``list_products`` in-process, and ``/products?q=`` over HTTP.

Each query is warmed once, then timed ``repeats`` times; p95 is taken over all timings together
and per query, so a slow query shows up by name.
"""
from __future__ import annotations

import http.client
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
    "mushroom honey", "不存在的东西",
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
