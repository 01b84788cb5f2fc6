"""Turn one benchmark run into text: the console summary and docs/benchmarks.md."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from bench.load import LoadResult
from bench.search import SearchResult

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
RESULTS_DIR = ROOT / "bench" / "results"

LISTING_RATIO_TARGET = 0.5
SEARCH_P95_TARGET_MS = 20.0


@dataclass
class Run:
    machine: dict[str, str]
    settings: dict[str, object]
    hello: list[LoadResult] = field(default_factory=list)
    pages: list[LoadResult] = field(default_factory=list)
    search: list[SearchResult] = field(default_factory=list)
    seed_seconds: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    cache_state: dict[str, str] = field(default_factory=dict)  # page label -> X-Cache on a repeat

    @property
    def hello_rps(self) -> float:
        return sum(r.rps for r in self.hello) / len(self.hello) if self.hello else 0.0

    def ratio(self, result: LoadResult) -> float:
        return result.rps / self.hello_rps if self.hello_rps else 0.0

    def listings(self) -> list[LoadResult]:
        return [r for r in self.pages if r.label == "/products"]

    def as_dict(self) -> dict:
        return {
            "machine": self.machine,
            "settings": self.settings,
            "hello": [r.as_dict() for r in self.hello],
            "pages": [r.as_dict() | {"ratio": round(self.ratio(r), 3)} for r in self.pages],
            "search": [s.as_dict() for s in self.search],
            "seed_seconds": self.seed_seconds,
            "cache_state": self.cache_state,
            "notes": self.notes,
        }


def _mark(ok: bool) -> str:
    return "✅ met" if ok else "❌ not met"


def throughput_rows(run: Run) -> list[tuple[str, ...]]:
    rows = []
    for n, r in enumerate(run.hello, 1):
        rows.append((f"bare WSGI hello-world (run {n} of {len(run.hello)})", "", f"{r.rps:,.0f}",
                     f"{r.rps / run.hello_rps:.2f}", f"{r.p50_ms:.1f}", f"{r.p99_ms:.1f}", str(r.error_count)))
    for r in run.pages:
        rows.append((f"`{r.label}`", r.mode, f"{r.rps:,.0f}", f"**{run.ratio(r):.3f}**", f"{r.p50_ms:.1f}",
                     f"{r.p99_ms:.1f}", str(r.error_count)))
    return rows


def _listing_verdicts(run: Run) -> list[str]:
    return [f"{r.mode or 'listing'}: {run.ratio(r):.3f} — {_mark(run.ratio(r) >= LISTING_RATIO_TARGET)}"
            for r in run.listings()]


def console(run: Run) -> str:
    lines = [f"\nThroughput ({run.settings['products']:,} products; {run.settings['load']}):",
             f"  {'page':<20} {'mode':<16} {'req/s':>9} {'ratio':>7} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"]
    for r in run.hello:
        lines.append(f"  {'hello-world':<20} {'':<16} {r.rps:>9,.0f} {r.rps / run.hello_rps:>7.2f} "
                     f"{r.p50_ms:>8.1f} {r.p99_ms:>8.1f} {r.error_count:>7}")
    for r in run.pages:
        lines.append(f"  {r.label:<20} {r.mode:<16} {r.rps:>9,.0f} {run.ratio(r):>7.3f} {r.p50_ms:>8.1f} "
                     f"{r.p99_ms:>8.1f} {r.error_count:>7}")
    for verdict in _listing_verdicts(run):
        lines.append(f"  listing ≥ {LISTING_RATIO_TARGET} × bare WSGI, {verdict}")
    for s in run.search:
        lines.append(f"\nSearch at {s.products:,} products, {s.where}: p50 {s.p50_ms:.1f} ms, "
                     f"p95 {s.p95_ms:.1f} ms, max {s.max_ms:.1f} ms "
                     f"(target p95 ≤ {SEARCH_P95_TARGET_MS:.0f} ms: {_mark(s.p95_ms <= SEARCH_P95_TARGET_MS)})")
        slow = ", ".join(f"{t.query} {t.p95_ms:.1f} ms" for t in s.slowest(3))
        lines.append(f"  slowest p95: {slow}")
    for note in run.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines)


def markdown(run: Run) -> str:
    m = run.machine
    s = run.settings
    out = [
        "# Benchmarks",
        "",
        "This file is written by `make bench` (`python -m bench`); rerun it to refresh the figures. The",
        "targets are goals to chase, not pass/fail tests: no unit test asserts a timing. What the unit",
        "tests do pin is the number of SQL statements per page, so an N+1 query cannot creep in.",
        "",
        f"Last run: **{m['date']}**.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in m.items() if k != "date"],
        "",
        "## Method",
        "",
        f"- PostgreSQL database `{s['database']}`, {'created fresh' if s['fresh'] else 'reused'}, migrated with "
        "Alembic and seeded with the",
        f"  demo catalog plus synthetic products up to {s['products']:,} in all (`flask seed-demo --products N`:",
        "  generated farms in both regions, bilingual names of the real specialties, 1–3 variants and a",
        "  search-index entry each, bulk-inserted).",
        "- The shop (`shop:create_app()`) and a bare WSGI hello-world (`bench/hello.py`) are each served by",
        f"  `gunicorn -w {s['workers']} -b 127.0.0.1:<port>` (sync workers), one at a time under load.",
        "- The shop is measured twice: as deployed (**page cache on**: anonymous catalog pages are kept",
        "  for `PAGE_CACHE_SECONDS` in each worker, and wrk sends no cookies, so most answers are cache",
        "  hits) and with `SHOP_PAGE_CACHE_SECONDS=0` (**page cache off**: every request runs the view,",
        "  the queries and the template, as it does for any shopper with a session or a cart).",
        f"- Load: {s['load']}; each target gets a {s['warmup']} s warm-up first. The hello-world is",
        "  measured before and after the pages and the ratio uses the mean of the two runs.",
        f"- `/products/<id>` cycles through {s['product_ids']} ids spread over the catalog; `/products?q=蜂蜜`",
        "  is sent URL-encoded.",
        "- The load generator runs on the same cores as the servers and the database, so absolute",
        "  figures are lower than on separate machines; the ratios are the comparable part.",
        f"- Search: the catalog is then grown to {s['search_products']:,} products and each of",
        f"  {len(s['queries'])} queries is run {s['search_repeats']} times after a warm-up, both in-process",
        "  (`shop.catalog.listing.list_products`, first page, relevance order) and as full",
        "  `GET /products?q=` responses one at a time against the same gunicorn setup with the page",
        "  cache off (each query is repeated, so a cache would answer all but the first).",
        "",
        f"## Throughput at {s['products']:,} products",
        "",
        "| Page | Server | Requests/s | Ratio to bare WSGI | p50 ms | p99 ms | Errors |",
        "|---|---|---:|---:|---:|---:|---:|",
        *[f"| {' | '.join(row)} |" for row in throughput_rows(run)],
        "",
    ]
    if run.cache_state:
        out += ["With the page cache on, a repeated anonymous request was answered: "
                + "; ".join(f"`{label}` {state}" for label, state in run.cache_state.items()) + ".", ""]
    if run.listings():
        out += [f"Target **listing ≥ {LISTING_RATIO_TARGET} × bare WSGI**: "
                + "; ".join(_listing_verdicts(run)) + ".", ""]
    for sr in run.search:
        counted = any(t.total is not None for t in sr.per_query)
        out += [
            f"## Search latency at {sr.products:,} products — {sr.where}",
            "",
            f"p50 **{sr.p50_ms:.1f} ms**, p95 **{sr.p95_ms:.1f} ms**, max {sr.max_ms:.1f} ms over "
            f"{sr.timings} timings. Target **p95 ≤ {SEARCH_P95_TARGET_MS:.0f} ms**: "
            f"{_mark(sr.p95_ms <= SEARCH_P95_TARGET_MS)}.",
            "",
            "| Query | p50 ms | p95 ms | max ms |" + (" Matches |" if counted else ""),
            "|---|---:|---:|---:|" + ("---:|" if counted else ""),
        ]
        for t in sorted(sr.per_query, key=lambda t: t.p95_ms, reverse=True):
            row = f"| {t.query} | {t.p50_ms:.1f} | {t.p95_ms:.1f} | {t.max_ms:.1f} |"
            if counted:
                row += f" {t.total if t.total is not None else ''} |"
            out.append(row)
        out.append("")
    if run.seed_seconds:
        out += ["## Set-up time", "",
                *[f"- {label}: {secs:.0f} s" for label, secs in run.seed_seconds.items()], ""]
    if run.notes:
        out += ["## Notes", "", *[f"- {n}" for n in run.notes], ""]
    return "\n".join(out)


def write(run: Run) -> tuple[Path, Path]:
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(markdown(run), encoding="utf-8")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = run.machine["date"].replace(" ", "T").replace(":", "").replace("UTC", "Z").replace("TZ", "Z")
    raw = RESULTS_DIR / f"bench-{stamp}.json"
    raw.write_text(json.dumps(run.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    return DOC, raw
