"""``python -m bench``, second part: checkout and signed-webhook throughput on PostgreSQL.

Runs in a database of its own (the benchmark database's name + ``_orders``, dropped and recreated),
against one gunicorn process serving the shop exactly like the storefront runs (same workers, same
flags) and the same bare WSGI hello-world.  The figures go into ``docs/benchmarks.md`` under their
own heading, between two HTML comments: the storefront part rewrites the rest of the file and this
part replaces only its own section (``python -m bench --only-orders`` refreshes just this section).
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy.engine import make_url

from bench import checkout, database, load, machine, servers, webhooks
from bench.report import DOC, RESULTS_DIR

START = "<!-- bench:orders start (written by bench/orders.py) -->"
END = "<!-- bench:orders end -->"
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"
WEBHOOK_SECRET = "whsec_bench_" + secrets.token_hex(16)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--checkouts", type=int, default=2000, help="carts checked out per checkout run")
    p.add_argument("--checkout-clients", type=int, default=8, help="concurrent API clients for the checkout run")
    p.add_argument("--skip-orders", action="store_true", help="leave out the checkout and webhook runs")
    p.add_argument("--only-orders", action="store_true", help="only the checkout and webhook runs")


@dataclass
class OrdersRun:
    date: str
    settings: dict[str, object]
    checkouts: list[checkout.CheckoutRun] = field(default_factory=list)
    hello: list[load.LoadResult] = field(default_factory=list)
    intake: list[load.LoadResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def hello_rps(self) -> float:
        return sum(r.rps for r in self.hello) / len(self.hello) if self.hello else 0.0

    def as_dict(self) -> dict:
        return {"date": self.date, "settings": self.settings,
                "checkouts": [c.as_dict() for c in self.checkouts],
                "hello": [r.as_dict() for r in self.hello],
                "webhook_intake": [r.as_dict() | {"ratio": round(r.rps / self.hello_rps, 3) if self.hello_rps else 0}
                                   for r in self.intake],
                "notes": self.notes}


def orders_database_url(url: str) -> str:
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_orders").render_as_string(hide_password=False)


@contextmanager
def broker_settings(say: Callable[[str], None]) -> Iterator[tuple[dict[str, str], str]]:
    """Environment for the shop's broker: Redis (production's broker) when one answers, under a key
    prefix of this run's own that is deleted afterwards; otherwise the filesystem broker in a
    temporary folder."""
    url = os.environ.get("SHOP_BENCH_REDIS_URL", DEFAULT_REDIS)
    prefix = f"hbbench-{secrets.token_hex(4)}:"
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        client.ping()
    except Exception:  # noqa: BLE001 - any failure means: no Redis to use
        client = None
    if client is not None:
        env = {"SHOP_BROKER_URL": url,
               "SHOP_CONFIG_JSON": json.dumps({"CELERY": {"broker_transport_options": {"global_keyprefix": prefix}}})}
        try:
            yield env, f"Redis at `{url}`, under a key prefix of the run's own, removed afterwards"
        finally:
            keys = list(client.scan_iter(match=prefix + "*", count=1000))
            for start in range(0, len(keys), 1000):
                client.delete(*keys[start:start + 1000])
            client.close()
        return
    say(f"no Redis at {url}: the shop publishes to a filesystem broker in a temporary folder")
    folder = tempfile.mkdtemp(prefix="hb-bench-broker-")
    try:
        yield {"SHOP_BROKER_URL": "filesystem://", "SHOP_BROKER_DIR": folder}, "the filesystem broker (temporary folder)"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(args, say: Callable[[str], None]) -> OrdersRun:
    url = orders_database_url(args.database_url)
    result = OrdersRun(date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), settings={
        "database": make_url(url).database, "workers": servers.WORKERS, "checkouts": args.checkouts,
        "checkout_clients": args.checkout_clients, "raw_connections": servers.WORKERS,
        "sold_out_share": checkout.SOLD_OUT_SHARE, "load": f"{load.tool_name().split(' [')[0]} -t{args.threads} "
                                                          f"-c{args.connections} -d{args.seconds}s",
        "warmup": args.warmup, "cpu": machine.cpu_model(), "cores": machine.cpus_available()})
    busy = os.getloadavg()[0]
    result.notes.append(f"1-minute load average before the run: {busy:.2f} on {machine.cpus_available()} cores"
                        + ("; the machine was busy with other work, so the figures are noisy"
                           if busy > 0.5 * machine.cpus_available() else ""))
    say(f"checkout and webhooks: fresh database {result.settings['database']}")
    database.recreate(url)
    app = database.make_app(url, str(servers.ROOT / "instance" / "bench-media"))
    database.migrate(app)
    warmup = checkout.prepare_batch(app, "warmup", 100)
    api_batch = checkout.prepare_batch(app, "api", args.checkouts)
    raw_batch = checkout.prepare_batch(app, "raw", args.checkouts)
    database.analyze(app)

    with broker_settings(say) as (broker_env, broker_name):
        result.settings["broker"] = broker_name
        env = {"SHOP_DATABASE_URL": url, "SHOP_STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET, **broker_env}
        with servers.hello_server() as hello, servers.gunicorn("shop", "shop:create_app()", "/healthz", env=env) as shop:
            checkout.run_api(shop.base_url, warmup, args.checkout_clients)
            say(f"checkout through the API: {args.checkouts:,} carts, {args.checkout_clients} clients")
            result.checkouts.append(checkout.settle(app, api_batch,
                                                    checkout.run_api(shop.base_url, api_batch, args.checkout_clients)))
            say(f"  {result.checkouts[-1].per_second:,.0f} checkouts/s")
            say(f"the same SQL by hand: {args.checkouts:,} carts, {servers.WORKERS} connections")
            result.checkouts.append(checkout.settle(app, raw_batch,
                                                    checkout.run_raw(url, raw_batch, servers.WORKERS)))
            say(f"  {result.checkouts[-1].per_second:,.0f} checkouts/s")

            def intake(server, label):
                if args.warmup:
                    webhooks.measure(server.base_url, label, WEBHOOK_SECRET, args.warmup, args.threads,
                                     args.connections)
                measured, distinct = webhooks.measure(server.base_url, label, WEBHOOK_SECRET, args.seconds,
                                                      args.threads, args.connections)
                say(f"{label:<34} {measured.rps:>8,.0f} req/s  p99 {measured.p99_ms:6.1f} ms"
                    + (f"  errors {measured.errors}" if measured.error_count else ""))
                if measured.requests > distinct:
                    result.notes.append(f"{label}: {measured.requests:,} requests for {distinct:,} distinct events, "
                                        "so some were repeats (acknowledged without a write)")
                return measured

            say("signed webhook intake against the hello-world (same POST requests)")
            result.hello.append(intake(hello, "hello-world (POST)"))
            result.intake.append(intake(shop, "POST /webhooks/stripe"))
        # The same intake with the after-commit publish turned off (the relay publishes every few
        # seconds instead): what the broker round trip costs each webhook.
        with servers.gunicorn("shop", "shop:create_app()", "/healthz",
                              env={**env, "SHOP_OUTBOX_PUBLISH_ON_COMMIT": "false"}) as relay_only, \
                servers.hello_server() as hello:
            result.intake.append(intake(relay_only, "POST /webhooks/stripe, publish left to the relay"))
            result.hello.append(intake(hello, "hello-world (POST, again)"))
    database.dispose(app)
    return result


# --- report ----------------------------------------------------------------------------------------------

def console(result: OrdersRun) -> str:
    lines = ["", "Checkout on PostgreSQL:"]
    for c in result.checkouts:
        lines.append(f"  {c.label:<44} {c.per_second:>7,.0f}/s  placed {c.placed:>5}  sold out {c.sold_out:>4}  "
                     f"other {sum(c.other.values()):>3}  oversold {c.oversold}  p99 {c.p99_ms:.1f} ms")
    if len(result.checkouts) == 2 and result.checkouts[1].per_second:
        lines.append(f"  API / raw SQL: {result.checkouts[0].per_second / result.checkouts[1].per_second:.2f}")
    lines.append("Signed webhook intake:")
    for r in result.hello + result.intake:
        ratio = r.rps / result.hello_rps if result.hello_rps else 0
        lines.append(f"  {r.label:<34} {r.rps:>8,.0f} req/s  ratio {ratio:.3f}  p99 {r.p99_ms:.1f} ms  "
                     f"errors {r.error_count}")
    lines += [f"note: {n}" for n in result.notes]
    return "\n".join(lines)


def markdown(result: OrdersRun) -> str:
    s = result.settings
    api, raw = (result.checkouts + [None, None])[:2]
    out = [
        START,
        "## Checkout and payment webhooks",
        "",
        (f"Last run: **{result.date}** on {s['cpu']}, {s['cores']} cores (written by `bench/orders.py`; "
         "`python -m bench --only-orders` refreshes this section alone)."),
        "",
        "### Method",
        "",
        (f"- PostgreSQL database `{s['database']}`, created fresh and migrated. Each checkout batch is "
         f"{s['checkouts']:,} carts made beforehand (not timed), each holding one unit of a Yanbian product and "
         "one of a Qianxinan product, so every order has two farm parts. The first product's stock is "
         f"{1 - s['sold_out_share']:.0%} of the carts: the last tenth of the checkouts get a sold-out answer."),
        (f"- **API**: `POST /api/v1/carts/<token>/checkout` from {s['checkout_clients']} client threads against "
         f"the shop under `gunicorn -w {s['workers']}` (sync workers, as in the storefront runs): validation, "
         "`place_order` (cart lock, conditional `UPDATE variant SET stock = stock - n WHERE id = … AND stock >= n`, "
         "order, farm orders, lines, reservations, event), `start_payment` (payment row and the test gateway's "
         "session) and the JSON answer."),
        (f"- **Raw SQL**: the same statements in the same three transactions, written out with psycopg, from "
         f"{s['raw_connections']} connections (as many as gunicorn has workers), without Flask, SQLAlchemy or HTTP."),
        ("- After each run the database is checked: units ordered + stock left = stock at the start, stock ≥ 0. "
         "**Oversold** counts units sold beyond the stock (it must be 0)."),
        ("- **Webhooks**: every request is a distinct `checkout.session.completed` event signed like Stripe's, so "
         "each is verified, stored once and has its processing task written to the outbox and published to the "
         f"broker after commit: {s['broker']}. Nothing consumes the tasks during the run. Load: {s['load']} after "
         f"a {s['warmup']} s warm-up. The hello-world (`bench/hello.py`, same gunicorn command) gets the very same "
         "POST requests, before and after the shop; the ratio uses the mean of its two runs. The second shop row "
         "turns the after-commit publish off (`SHOP_OUTBOX_PUBLISH_ON_COMMIT=false`: the relay publishes within "
         "`OUTBOX_RELAY_INTERVAL` seconds), to show what the broker round trip costs."),
        "",
        "### Checkouts per second",
        "",
        "| Run | Checkouts/s | Placed | Sold out | Other answers | p50 ms | p99 ms | Stock start → left | Oversold |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in result.checkouts:
        other = ", ".join(f"{k}: {v}" for k, v in c.other.items()) or "0"
        out.append(f"| {c.label} | {c.per_second:,.0f} | {c.placed:,} | {c.sold_out:,} | {other} | {c.p50_ms:.1f} | "
                   f"{c.p99_ms:.1f} | {c.stock_start:,} → {c.stock_left:,} | **{c.oversold}** |")
    out.append("")
    if api and raw and raw.per_second:
        out += [f"The API runs at **{api.per_second / raw.per_second:.2f} ×** the raw SQL loop. "
                + ("Units ordered and stock left add up in both runs." if api.consistent and raw.consistent
                   else "**Units ordered and stock left do not add up: see the raw JSON.**"), ""]
    out += [
        "### Signed webhook intake",
        "",
        "| Target | Requests/s | Ratio to bare WSGI | p50 ms | p99 ms | Errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in result.hello + result.intake:
        ratio = r.rps / result.hello_rps if result.hello_rps else 0
        name = f"`{r.label}`" if r.label.startswith("POST") else f"bare WSGI {r.label}"
        out.append(f"| {name} | {r.rps:,.0f} | {ratio:.3f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.error_count} |")
    out.append("")
    if result.notes:
        out += ["### Notes", "", *[f"- {n}" for n in result.notes], ""]
    out.append(END)
    return "\n".join(out) + "\n"


def saved_section() -> str | None:
    """This part's section as it stands in docs/benchmarks.md (None if there is none)."""
    if not DOC.exists():
        return None
    text = DOC.read_text(encoding="utf-8")
    start, end = text.find(START), text.find(END)
    return text[start:end + len(END)] + "\n" if start != -1 and end > start else None


def put_section(section: str) -> None:
    """Replace this part's section in docs/benchmarks.md, or append it (the rest is left alone)."""
    DOC.parent.mkdir(parents=True, exist_ok=True)
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    start, end = text.find(START), text.find(END)
    if start != -1 and end > start:
        text = text[:start] + section.rstrip("\n") + text[end + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOC.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def finish(args, say: Callable[[str], None], kept: str | None) -> None:
    """Run this part (unless ``--skip-orders``) and write its section; a skipped run keeps the old one."""
    if args.skip_orders:
        if kept and not args.no_write:
            put_section(kept)
        return
    result = run(args, say)
    print(console(result))
    if args.no_write:
        return
    put_section(markdown(result))
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    raw = RESULTS_DIR / f"orders-{result.date.replace(' ', 'T').replace(':', '').replace('TUTC', 'Z')}.json"
    raw.write_text(json.dumps(result.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    say(f"wrote the checkout and webhook section of {DOC.relative_to(servers.ROOT)} and "
        f"{raw.relative_to(servers.ROOT)}")
